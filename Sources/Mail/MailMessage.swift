public import Foundation

/// A plain-text e-mail (จดหมายอิเล็กทรอนิกส์): sender, recipients, subject and body, written out by
/// `rendered()` as an RFC 5322 message with a UTF-8 body.
///
/// The envelope is taken from the message: `MAIL FROM` is `from`, and there is one `RCPT TO` for each
/// address in `to`. There is no Cc or Bcc; a notification goes to the people it names.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    /// One or more recipients; all of them, or none, get the message.
    public var to: [MailAddress]
    public var replyTo: MailAddress?
    /// Any text, Thai included; line breaks are refused.
    public var subject: String
    /// Plain text; line breaks of any kind are sent as CRLF.
    public var body: String
    /// The Message-ID without angle brackets, `left@right`.
    ///
    /// Give the same id to every attempt at sending the same notification, so that a message delivered
    /// twice (after a timeout at the end of DATA, for instance) can be recognised as one.
    public var messageID: String
    /// When the message was written, for the Date header.
    public var date: Date

    /// - Parameter messageID: `left@right` without angle brackets; by default a random UUID at the
    ///   sender's domain.
    public init(
        from: MailAddress, to: [MailAddress], subject: String, body: String, replyTo: MailAddress? = nil,
        messageID: String? = nil, date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.replyTo = replyTo
        self.messageID = messageID ?? Self.makeMessageID(domain: String(from.domain))
        self.date = date
    }

    /// A new random Message-ID (without angle brackets) at `domain`.
    public static func makeMessageID(domain: String) -> String {
        "\(UUID().uuidString.lowercased())@\(domain.isEmpty ? "siang.invalid" : domain)"
    }

    /// Checks every header value and address, so that nothing the caller gave can add a header or a
    /// command (CR or LF in a subject, say).
    ///
    /// - Throws: `MailMessageError` naming the field at fault.
    public func validate() throws(MailMessageError) {
        try from.validate(field: "From")
        guard !to.isEmpty else { throw MailMessageError(kind: .noRecipients, field: "To", detail: "no recipient") }
        for recipient in to { try recipient.validate(field: "To") }
        try replyTo?.validate(field: "Reply-To")
        try MailMessageError.checkHeaderText(subject, field: "Subject")
        try MailMessageError.checkHeaderText(messageID, field: "Message-ID")
        let parts = messageID.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, MailAddress.isDotAtom(parts[0]), MailAddress.isDotAtom(parts[1]) else {
            throw MailMessageError(
                kind: .invalidMessageID, field: "Message-ID",
                detail: "expected left@right in printable ASCII, without spaces or angle brackets")
        }
    }
}
