public import AsyncHTTPClient
public import Domain
public import Foundation
import NIOCore
import NIOHTTP1
public import Services
public import Store

/// Text messages through an HTTP SMS gateway (Thai gateways are HTTP APIs): each message is one
/// request to `url` whose body is `bodyTemplate` with `{to}` and `{message}` filled in (escaped for
/// JSON when the template is JSON), with the given headers (say, an API key).
public struct SMSGatewaySender: MessageSender {
    public struct Configuration: Sendable {
        public var url: String
        public var headers: [(String, String)]
        /// For example `{"to": "{to}", "text": "{message}", "sender": "SIANG"}`.
        public var bodyTemplate: String
        public var contentType: String

        public init(
            url: String, headers: [(String, String)] = [],
            bodyTemplate: String = #"{"to": "{to}", "message": "{message}"}"#,
            contentType: String = "application/json; charset=utf-8"
        ) {
            self.url = url
            self.headers = headers
            self.bodyTemplate = bodyTemplate
            self.contentType = contentType
        }
    }

    let client: HTTPClient
    let configuration: Configuration

    public init(client: HTTPClient, configuration: Configuration) {
        self.client = client
        self.configuration = configuration
    }

    public func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        var request = HTTPClientRequest(url: configuration.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: configuration.contentType)
        for (name, value) in configuration.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body(to: message.recipient, text: message.body)))
        try await HTTPDelivery.send(request, client: client, timeout: .seconds(10))
    }

    /// The request body for one message.
    func body(to: String, text: String) -> String {
        let json = configuration.contentType.hasPrefix("application/json")
        let recipient = json ? Self.jsonEscaped(to) : Self.formEscaped(to)
        let words = json ? Self.jsonEscaped(text) : Self.formEscaped(text)
        return configuration.bodyTemplate.replacingOccurrences(of: "{to}", with: recipient)
            .replacingOccurrences(of: "{message}", with: words)
    }

    static func formEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func jsonEscaped(_ text: String) -> String {
        let encoded = (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return String(encoded.dropFirst().dropLast())
    }
}
