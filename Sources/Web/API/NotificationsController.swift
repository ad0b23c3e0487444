import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// Staff's view of notifications: which messages a case sent and whether they arrived, the
/// messages that could not be delivered (and a retry), and the agency's webhooks.
struct NotificationsController {
    let agency: AgencyService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("cases/{code}/notifications", use: ofCase)
        group.get("notifications", use: list)
        group.post("notifications/{id}/retry", use: retry)
        group.get("webhooks", use: webhooks)
        group.post("webhooks", use: addWebhook)
        group.delete("webhooks/{id}", use: removeWebhook)
    }

    struct DeliveryJSON: Encodable {
        var id: Int64
        var event: String
        var channel: String
        var created_at: String
        var status: String
        var attempts: Int
        var sent_at: String?
        var last_error: String?
        var `case`: String?
    }

    static func delivery(_ record: DeliveryRecord) -> DeliveryJSON {
        DeliveryJSON(
            id: record.id, event: record.event.rawValue, channel: record.channel.rawValue,
            created_at: BangkokTime.format(record.createdAt), status: record.status.rawValue, attempts: record.attempts,
            sent_at: record.sentAt.map(BangkokTime.format), last_error: record.lastError, case: record.caseCode)
    }

    struct ListJSON: Encodable {
        var notifications: [DeliveryJSON]
    }

    /// `GET …/cases/{code}/notifications`: every message about the case, oldest first.
    @Sendable func ofCase(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let deliveries = try await agency.deliveries(code: try CasesController.code(context), by: staff)
        return try JSONResponse.make(ListJSON(notifications: deliveries.map(Self.delivery)), headers: [.cacheControl: "no-store"])
    }

    /// `GET …/notifications?status=dead`: messages in a status (dead by default), newest first.
    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let name = request.uri.queryParameters.get("status") ?? "dead"
        guard let status = DeliveryStatus(rawValue: name) else {
            throw APIError.badRequest(
                "invalid_status", th: "สถานะต้องเป็น pending, sent, dead หรือ cancelled",
                en: "\"status\" must be pending, sent, dead or cancelled.")
        }
        let deliveries = try await agency.deliveries(status: status, by: staff)
        return try JSONResponse.make(ListJSON(notifications: deliveries.map(Self.delivery)), headers: [.cacheControl: "no-store"])
    }

    /// `POST …/notifications/{id}/retry`: a dead message is tried again now.
    @Sendable func retry(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        try await agency.retryDelivery(id: try Self.id(context), by: staff)
        return try JSONResponse.make(["status": "pending"], status: .accepted)
    }

    struct WebhookJSON: Encodable {
        var id: Int64
        var agency: String
        var url: String
        var active: Bool
        var created_at: String
        /// Only in the answer that created it: the signing secret, shown once.
        var secret: String?
    }

    struct WebhooksJSON: Encodable {
        var webhooks: [WebhookJSON]
    }

    static func webhook(_ hook: AgencyWebhook, secret: String? = nil) -> WebhookJSON {
        WebhookJSON(
            id: hook.id, agency: hook.agencyCode, url: hook.url, active: hook.active,
            created_at: BangkokTime.format(hook.createdAt), secret: secret)
    }

    @Sendable func webhooks(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        return try JSONResponse.make(WebhooksJSON(webhooks: try await agency.webhooks(by: staff).map { Self.webhook($0) }))
    }

    struct WebhookBody: Decodable {
        var url: String
        var agency: String?
    }

    /// `POST …/webhooks` `{"url": "https://…"}`: answers the webhook with its secret (shown this once).
    @Sendable func addWebhook(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(WebhookBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let added = try await agency.addWebhook(url: body.url, agencyCode: body.agency, by: staff)
        return try JSONResponse.make(Self.webhook(added.webhook, secret: added.secret), status: .created)
    }

    @Sendable func removeWebhook(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        try await agency.removeWebhook(id: try Self.id(context), by: staff)
        return Response(status: .noContent)
    }

    static func id(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(status: .notFound, code: "not_found", th: "ไม่พบรายการนี้", en: "Not found.")
        }
        return id
    }
}
