public import AsyncHTTPClient
import Crypto
import Domain
import Statistics
public import Foundation
import NIOCore
import NIOHTTP1
public import Services
public import Store

/// Posts each agency event to the agency's webhook as JSON, signed as Stripe and GitHub sign theirs:
///
///     Siang-Signature: t=1765000000,v1=<hex HMAC-SHA256 of "1765000000.<body>" with the webhook's secret>
///     Siang-Event-Id: evt_123   (the same on every retry: receivers deduplicate on it)
///
/// A 2xx answer delivers; 408, 429 and 5xx answers and network failures are retried; any other
/// answer is a refusal.
public struct WebhookSender: MessageSender {
    let client: HTTPClient
    let timeout: TimeAmount
    let clock: @Sendable () -> Date

    public init(client: HTTPClient, timeout: Duration = .seconds(10), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.clock = clock
    }

    public func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        guard let webhook = message.webhook else {
            throw DeliveryFailure("the webhook was removed", isTransient: false)
        }
        let body = Self.envelope(message)
        let timestamp = Int(clock().timeIntervalSince1970)
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "Siang-Webhook/1")
        request.headers.add(name: "Siang-Event-Id", value: "evt_\(message.id)")
        request.headers.add(name: "Siang-Event-Type", value: message.event.rawValue)
        request.headers.add(
            name: "Siang-Signature", value: "t=\(timestamp),v1=\(Self.signature(body, timestamp: timestamp, secret: webhook.secret))")
        request.body = .bytes(ByteBuffer(bytes: body))
        try await HTTPDelivery.send(request, client: client, timeout: timeout)
    }

    /// The event as posted: its id, type, time and the payload the change wrote.
    static func envelope(_ message: OutboxStore.Message) -> [UInt8] {
        let head = #"{"id":"evt_\#(message.id)","type":"\#(message.event.rawValue)","#
            + #""created_at":"\#(BangkokTime.format(message.retryWindowFrom))","data":"#
        return Array(head.utf8) + Array(message.body.utf8) + Array("}".utf8)
    }

    /// The hex HMAC-SHA256 of "`timestamp`.`body`" under `secret`: what a receiver recomputes.
    public static func signature(_ body: [UInt8], timestamp: Int, secret: String) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}

/// One HTTP request of a provider, judged as delivered, worth a retry, or refused.
enum HTTPDelivery {
    /// - Parameters:
    ///   - label: how failures name the request (default: its URL).
    ///   - conflictMeansDelivered: a 409 says an earlier attempt was taken (a provider's retry key).
    static func send(
        _ request: HTTPClientRequest, client: HTTPClient, timeout: TimeAmount, label: String? = nil,
        conflictMeansDelivered: Bool = false
    ) async throws(DeliveryFailure) {
        let label = label ?? request.url
        let status: HTTPResponseStatus
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status
            // The answer's body is not needed; reading a little of it frees the connection.
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw DeliveryFailure("\(label): \(error)", isTransient: true)
        }
        switch status.code {
        case 200..<300: return
        case 409 where conflictMeansDelivered: return
        case 408, 429, 500..<600: throw DeliveryFailure("\(label) answered \(status.code)", isTransient: true)
        default: throw DeliveryFailure("\(label) answered \(status.code)", isTransient: false)
        }
    }
}
