import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// `POST /api/v1/one-time-codes`: a six-digit code sent to an e-mail address or phone number, and
/// `POST /api/v1/one-time-codes/{id}/verify`: the code given back, proving the address.
struct OneTimeCodesController {
    let codes: OneTimeCodes

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("one-time-codes", use: send)
        group.post("one-time-codes/{id}/verify", use: verify)
    }

    struct SendBody: Decodable {
        var channel: String
        var address: String
        var purpose: String
        var language: String?
    }

    struct SentJSON: Encodable {
        var id: Int64
        var channel: String
        var expires_at: String
    }

    @Sendable func send(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(SendBody.self, from: try await JSONBody.bytes(of: request, context: context))
        guard let channel = NotificationChannel(rawValue: body.channel) else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_channel", th: "ส่งรหัสได้ทางอีเมลหรือ SMS",
                en: "A code can be sent by \"email\" or \"sms\".")
        }
        guard let language = MessageLanguage(rawValue: body.language ?? "th") else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_language", th: "ภาษาต้องเป็น th หรือ en",
                en: "\"language\" must be th or en.")
        }
        let issued = try await codes.send(to: body.address, by: channel, purpose: body.purpose, language: language)
        return try JSONResponse.make(
            SentJSON(id: issued.id, channel: channel.rawValue, expires_at: BangkokTime.format(issued.expiresAt)),
            status: .created, headers: [.cacheControl: "no-store"])
    }

    struct VerifyBody: Decodable {
        var code: String
    }

    struct VerifiedJSON: Encodable {
        var verified: Bool
        var purpose: String
    }

    @Sendable func verify(_ request: Request, context: SiangRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(status: .notFound, code: "code_not_found", th: "ไม่พบรหัสนี้", en: "No such code.")
        }
        let body = try JSONBody.decode(VerifyBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let proved = try await codes.verify(id: id, code: body.code)
        return try JSONResponse.make(VerifiedJSON(verified: true, purpose: proved.purpose), headers: [.cacheControl: "no-store"])
    }
}
