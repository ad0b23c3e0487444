/// Why sending failed: at which step, what the server answered if it answered, and whether trying
/// again later makes sense (`isTransient`).
///
/// Transient: a 4xx reply, a connection that could not be made or broke, a timeout, a reply that made
/// no sense. Permanent: a 5xx reply, a certificate that fails verification, a server without STARTTLS
/// or AUTH when the configuration asks for them, a message that cannot be written out. Retrying a
/// permanent failure gives the same answer until someone changes the configuration or the message.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection: refused, unreachable, the name did not resolve.
        case connectionFailed
        /// The server closed the connection before the conversation ended.
        case connectionClosed
        /// No connection or no reply within the configured time.
        case timeout
        /// The server answered with a code other than the one the step needs (see `reply`).
        case rejected
        /// The TLS handshake failed: untrusted or mismatched certificate, no common protocol.
        case tlsFailed
        /// STARTTLS is configured but the server does not offer it; nothing is sent in clear instead.
        case startTLSUnavailable
        /// Credentials are configured but the server offers none of the allowed AUTH mechanisms, or the
        /// connection is not encrypted and sending a password in clear is not allowed.
        case authenticationUnavailable
        /// The server broke the protocol: a malformed or unsolicited reply, or data sent in clear after
        /// the reply to STARTTLS (a sign of a command-injection attempt).
        case protocolViolation
        /// The message could not be written out (see `messageError`); nothing was sent.
        case invalidMessage
        /// The configuration cannot work (a CA file that cannot be read, say); nothing was sent.
        case invalidConfiguration
    }

    /// The step of the conversation that failed.
    public enum Step: Sendable, Equatable, CustomStringConvertible {
        case prepare, connect, greeting, hello, startTLS, authentication, mailFrom
        /// `RCPT TO` for this address.
        case recipient(String)
        /// The `DATA` command itself.
        case data
        /// Sending the message and the reply to the final dot.
        case message

        public var description: String {
            switch self {
            case .prepare: return "preparing the message"
            case .connect: return "connecting"
            case .greeting: return "waiting for the greeting"
            case .hello: return "EHLO/HELO"
            case .startTLS: return "STARTTLS"
            case .authentication: return "AUTH"
            case .mailFrom: return "MAIL FROM"
            case .recipient(let address): return "RCPT TO <\(address)>"
            case .data: return "DATA"
            case .message: return "sending the message"
            }
        }
    }

    public var kind: Kind
    public var step: Step
    /// The server's reply, when the failure was one.
    public var reply: SMTPReply?
    /// What went wrong, for logs; may include the server's text.
    public var detail: String
    /// The message error behind an `invalidMessage`.
    public var messageError: MailMessageError?
    /// Set when the connection broke or timed out after the message was handed to it and before the
    /// server's reply to the final dot arrived: the server may have taken the message, and another
    /// attempt may deliver it twice (with the same Message-ID, so it can be recognised).
    public var mayHaveBeenDelivered = false

    public init(kind: Kind, step: Step, reply: SMTPReply? = nil, detail: String) {
        self.kind = kind
        self.step = step
        self.reply = reply
        self.detail = detail
    }

    /// Whether another attempt later may succeed.
    public var isTransient: Bool {
        switch kind {
        case .connectionFailed, .connectionClosed, .timeout, .protocolViolation:
            return true
        case .rejected:
            return reply?.isTransientNegative ?? true
        case .tlsFailed, .startTLSUnavailable, .authenticationUnavailable, .invalidMessage, .invalidConfiguration:
            return false
        }
    }

    public var description: String {
        var text = "SMTP \(step): \(detail)"
        if let reply { text += " (server: \(reply))" }
        text += isTransient ? " [transient]" : " [permanent]"
        if mayHaveBeenDelivered { text += " [may have been delivered]" }
        return text
    }
}
