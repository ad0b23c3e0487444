public import AsyncHTTPClient
import Crypto
public import Foundation
import NIOCore
import NIOHTTP1
public import Services
public import Store

/// The LINE Messaging API: replies to webhook events and push messages, as JSON posted to
/// `{base}/v2/bot/message/reply` and `{base}/v2/bot/message/push` with the channel access token.
/// The base is `https://api.line.me`, or a local fake LINE API in tests.
public struct LineAPI: Sendable {
    let client: HTTPClient
    let baseURL: String
    let accessToken: String
    let timeout: TimeAmount

    public init(client: HTTPClient, baseURL: String, accessToken: String, timeout: Duration = .seconds(5)) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accessToken = accessToken
        self.timeout = .nanoseconds(
            Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
    }

    /// The client the conversation answers through.
    public var lineClient: LineClient {
        LineClient { token, messages in try await reply(token: token, messages: messages) }
    }

    /// Answers a webhook event (its reply token is good for one reply, within a minute or so).
    /// - Throws: `DeliveryFailure` when LINE did not take it.
    public func reply(token: String, messages: [LineMessage]) async throws(DeliveryFailure) {
        try await post("/v2/bot/message/reply", body: Self.encode(["replyToken": .string(token)], messages: messages))
    }

    /// Pushes messages to the LINE user `userID`. Posts with the same `retryKey` are sent once
    /// whatever happens (LINE answers a repeat with 409, which counts as delivered here).
    /// - Throws: `DeliveryFailure`, transient for timeouts, 429 and 5xx.
    public func push(to userID: String, messages: [LineMessage], retryKey: UUID?) async throws(DeliveryFailure) {
        try await post(
            "/v2/bot/message/push", body: Self.encode(["to": .string(userID)], messages: messages),
            retryKey: retryKey)
    }

    func post(_ path: String, body: [UInt8], retryKey: UUID? = nil) async throws(DeliveryFailure) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken)")
        if let retryKey { request.headers.add(name: "X-Line-Retry-Key", value: retryKey.uuidString.lowercased()) }
        request.body = .bytes(ByteBuffer(bytes: body))
        // Only a push carries a retry key: 409 says an earlier attempt with it was accepted.
        try await HTTPDelivery.send(
            request, client: client, timeout: timeout, label: "LINE \(path)", conflictMeansDelivered: retryKey != nil)
    }

    /// A JSON value, enough for LINE's message objects.
    enum JSON: Encodable {
        case string(String)
        case array([JSON])
        case object([(String, JSON)])

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .string(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .array(let values):
                var container = encoder.unkeyedContainer()
                for value in values { try container.encode(value) }
            case .object(let members):
                var container = encoder.container(keyedBy: Key.self)
                for (name, value) in members { try container.encode(value, forKey: Key(name)) }
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// The request body: `head` (the reply token or the recipient) and the messages as LINE's text
    /// messages, with quick-reply buttons (labels cut to LINE's 20 characters, texts to 5,000).
    static func encode(_ head: [String: JSON], messages: [LineMessage]) -> [UInt8] {
        let items: [JSON] = messages.map { message in
            var members: [(String, JSON)] = [("type", .string("text")), ("text", .string(String(message.text.prefix(5000))))]
            if !message.quickReplies.isEmpty {
                let buttons: [JSON] = message.quickReplies.prefix(13).map { reply in
                    let action: JSON
                    switch reply {
                    case .text(let label, let text):
                        action = .object([
                            ("type", .string("message")), ("label", .string(String(label.prefix(20)))),
                            ("text", .string(text)),
                        ])
                    case .location(let label):
                        action = .object([("type", .string("location")), ("label", .string(String(label.prefix(20))))])
                    }
                    return .object([("type", .string("action")), ("action", action)])
                }
                members.append(("quickReply", .object([("items", .array(buttons))])))
            }
            return .object(members)
        }
        let body = JSON.object(head.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("messages", .array(items))])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(body)) ?? Data("{}".utf8))
    }
}

/// Delivers the outbox's LINE messages (a case's progress, to the LINE user who filed it) as push
/// messages: the message's words as one text. Each message is pushed with a retry key made from
/// its outbox id, so a retry after a timeout never shows the citizen the same news twice.
public struct LineSender: MessageSender {
    let api: LineAPI

    public init(api: LineAPI) {
        self.api = api
    }

    public func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        guard !message.recipient.isEmpty else {
            throw DeliveryFailure("the LINE user id was erased", isTransient: false)
        }
        try await api.push(to: message.recipient, messages: [LineMessage(message.body)], retryKey: Self.retryKey(message))
    }

    /// The same UUID for every attempt at one outbox message: made from its id, recipient and words,
    /// so that another database's message with the same id (a staging copy on the same channel)
    /// does not share it.
    static func retryKey(_ message: OutboxStore.Message) -> UUID {
        let name = "siang line push\n\(message.id)\n\(message.recipient)\n\(message.body)"
        var bytes = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // a name-based UUID (version 5 layout)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
            bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
