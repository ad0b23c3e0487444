/// Why a message cannot be written out: a header value that would break the header (injection), a
/// malformed address, no recipients. Found before any connection is made, and never transient.
public struct MailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// CR, LF or another line break in a header value: it could start a header of its own.
        case lineBreakInHeader
        /// Another control character (NUL, ESC, DEL, …) in a header value.
        case controlCharacterInHeader
        /// An address that is not a plain ASCII `local@domain`.
        case invalidAddress
        /// A Message-ID that is not `left@right` in printable ASCII without spaces or angle brackets.
        case invalidMessageID
        /// A message without any recipient.
        case noRecipients
    }

    public var kind: Kind
    /// The header the value was meant for (`Subject`, `To`, …).
    public var field: String
    public var detail: String

    public init(kind: Kind, field: String, detail: String) {
        self.kind = kind
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(field): \(detail)" }

    /// Refuses line breaks and control characters (a tab is allowed) in a header value.
    static func checkHeaderText(_ text: String, field: String) throws(MailMessageError) {
        for scalar in text.unicodeScalars {
            var code: String { "U+" + String(scalar.value, radix: 16, uppercase: true) }
            switch scalar.value {
            case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                throw MailMessageError(
                    kind: .lineBreakInHeader, field: field,
                    detail: "a line break (\(code)) is not allowed in a header value")
            case 0x09:
                continue
            case 0x00...0x1F, 0x7F...0x9F:
                throw MailMessageError(
                    kind: .controlCharacterInHeader, field: field,
                    detail: "control character \(code) is not allowed in a header value")
            default:
                continue
            }
        }
    }
}
