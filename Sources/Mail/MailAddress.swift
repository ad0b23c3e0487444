/// An e-mail address with an optional display name (ชื่อที่แสดง), as in `สำนักงานเขตบางนา <noreply@bangna.example>`.
///
/// Only ASCII addresses are accepted (no SMTPUTF8): an internationalised domain must be given in its
/// `xn--` form. The display name may be any text; Thai is written as RFC 2047 encoded-words.
/// Nothing is checked here; `MailMessage.rendered()` and `SMTPClient.send(_:)` refuse a bad address.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The bare address, `local@domain`, without angle brackets.
    public var address: String
    /// The name shown beside the address, if any.
    public var displayName: String?

    public init(_ address: String, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    public var description: String {
        if let displayName { return "\(displayName) <\(address)>" }
        return address
    }

    /// The domain part, after the last `@` (empty when there is none).
    var domain: Substring {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...]
    }

    /// Refuses what cannot go into a header or an SMTP command as it is.
    ///
    /// The local part must be a dot-atom (RFC 5322 `atext` and single dots, no quoted strings) and the
    /// domain a host name of letters, digits and hyphens, so the address can be written between angle
    /// brackets in `MAIL FROM`/`RCPT TO` and in a header without quoting.
    func validate(field: String) throws(MailMessageError) {
        try MailMessageError.checkHeaderText(address, field: field)
        if let displayName { try MailMessageError.checkHeaderText(displayName, field: field) }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDotAtom(parts[0]), Self.isHostName(parts[1]) else {
            throw MailMessageError(
                kind: .invalidAddress, field: field,
                detail: "not an ASCII address of the form local@domain (internationalised addresses are not supported)")
        }
        // RFC 5321 4.5.3.1: 64 octets of local part, 255 of domain.
        guard parts[0].utf8.count <= 64, parts[1].utf8.count <= 255 else {
            throw MailMessageError(kind: .invalidAddress, field: field, detail: "address too long")
        }
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    static func isDotAtom(_ text: Substring) -> Bool {
        let atoms = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !text.isEmpty && atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    static func isHostName(_ text: Substring) -> Bool {
        let labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !text.isEmpty
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-")
                    && label.last != UInt8(ascii: "-")
                    && label.allSatisfy { byte in
                        switch byte {
                        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                            return true
                        default: return false
                        }
                    }
            }
    }
}
