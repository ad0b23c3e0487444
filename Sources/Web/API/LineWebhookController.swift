import Foundation
import HTTPTypes
import Hummingbird
import Services

/// `POST /channels/line/webhook`: where LINE posts what citizens do in the chat with Siang's
/// account (LINE Messaging API webhooks).
///
/// The body is checked against `X-Line-Signature` (HMAC-SHA256 of its bytes as received, under
/// the channel secret) before it is even parsed; anything unsigned or signed otherwise is 401 and
/// changes nothing. A signed body is answered 200 once its events are acted on (`LineChat`); a
/// reply LINE refuses does not change that, so LINE does not deliver the events again for it.
struct LineWebhookController {
    let chat: LineChat?

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.post("channels/line/webhook", use: receive)
    }

    @Sendable func receive(_ request: Request, context: SiangRequestContext) async throws -> Response {
        guard let chat else { throw Self.notConfigured }
        let body = try await JSONBody.bytes(of: request, context: context)
        guard chat.verify(body: body, signature: request.headers[.lineSignature]) else { throw Self.badSignature }
        let webhook = try JSONBody.decode(WebhookJSON.self, from: body)
        try await chat.handle(webhook.events.map(\.event), logger: context.logger)
        return try JSONResponse.make([String: String](), headers: [.cacheControl: "no-store"])
    }

    static let notConfigured = APIError(
        status: .notFound, code: "line_not_configured", th: "ยังไม่ได้ตั้งค่าการรับเรื่องผ่าน LINE",
        en: "LINE is not configured on this server.")

    static let badSignature = APIError(
        status: .unauthorized, code: "invalid_signature", th: "ลายเซ็น X-Line-Signature ไม่ถูกต้อง",
        en: "The X-Line-Signature does not sign this body with the channel secret.")

    // MARK: LINE's JSON (only the fields Siang reads; everything optional but the list, so a new
    // kind of event is ignored rather than refused)

    struct WebhookJSON: Decodable {
        var events: [EventJSON]
    }

    struct EventJSON: Decodable {
        struct Source: Decodable {
            var type: String?
            var userId: String?
        }
        struct Message: Decodable {
            var type: String?
            var text: String?
            var latitude: Double?
            var longitude: Double?
            var address: String?
        }
        struct DeliveryContext: Decodable {
            var isRedelivery: Bool?
        }

        var type: String?
        var mode: String?
        var webhookEventId: String?
        var deliveryContext: DeliveryContext?
        var replyToken: String?
        var source: Source?
        var message: Message?

        var event: LineEvent {
            let source: LineEvent.Source
            // LINE's ids are short ("U" and 32 hex digits); anything else is not stored as one.
            switch (self.source?.type, self.source?.userId) {
            case ("user", let id?) where (1...100).contains(id.utf8.count): source = .user(id)
            case ("group", _), ("room", _): source = .group
            default: source = .unknown
            }
            let kind: LineEvent.Kind
            switch (type, message?.type) {
            case ("message", "text"): kind = .text(message?.text ?? "")
            case ("message", "location"):
                if let latitude = message?.latitude, let longitude = message?.longitude {
                    kind = .location(latitude: latitude, longitude: longitude, address: message?.address)
                } else {
                    kind = .otherMessage
                }
            case ("message", _): kind = .otherMessage
            case ("follow", _): kind = .follow
            case ("unfollow", _): kind = .unfollow
            case ("join", _): kind = .join
            default: kind = .other
            }
            return LineEvent(
                id: webhookEventId.flatMap { (1...100).contains($0.utf8.count) ? $0 : nil }, isRedelivery: deliveryContext?.isRedelivery ?? false,
                replyToken: replyToken?.nonEmptyText, source: source, kind: kind, isStandby: mode == "standby")
        }
    }
}

extension HTTPField.Name {
    static let lineSignature = Self("X-Line-Signature")!
}

extension String {
    fileprivate var nonEmptyText: String? { isEmpty ? nil : self }
}
