import Crypto
public import Foundation

/// One message Siang sends in a LINE chat: text, with buttons under it (LINE's quick replies).
public struct LineMessage: Sendable, Equatable {
    /// A button under a message.
    public enum QuickReply: Sendable, Equatable {
        /// Sends `text` as the citizen's own message when tapped.
        case text(label: String, text: String)
        /// Opens LINE's location picker; the citizen's pick arrives as a location message.
        case location(label: String)
    }

    public var text: String
    public var quickReplies: [QuickReply]

    public init(_ text: String, quickReplies: [QuickReply] = []) {
        self.text = text
        self.quickReplies = quickReplies
    }
}

/// The LINE Messaging API as the conversation needs it: a reply to an event. Its live value
/// (`LineAPI` in Channels) posts to LINE; tests run it against a local fake LINE API.
public struct LineClient: Sendable {
    /// Answers the event that carried `replyToken` with up to five messages.
    public var reply: @Sendable (_ replyToken: String, _ messages: [LineMessage]) async throws -> Void

    public init(reply: @escaping @Sendable (_ replyToken: String, _ messages: [LineMessage]) async throws -> Void) {
        self.reply = reply
    }
}

/// LINE's webhook signature: `X-Line-Signature` is the base64 HMAC-SHA256 of the request body's
/// bytes, exactly as sent, under the channel secret.
public enum LineSignature {
    /// Whether `signature` signs `body` under `channelSecret`; compared in constant time.
    public static func isValid(_ signature: String?, body: some DataProtocol, channelSecret: String) -> Bool {
        guard let signature, let code = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
            code.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: body, using: SymmetricKey(data: Array(channelSecret.utf8)))
    }

    /// The signature LINE would send with `body`.
    public static func sign(_ body: some DataProtocol, channelSecret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(channelSecret.utf8))))
            .base64EncodedString()
    }
}
