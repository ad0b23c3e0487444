import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// "Already reported?" and "me too": the open public cases like a text about to be filed, following one
/// of them instead of filing, and what the follower sees with their own code.
struct SimilarController {
    let duplicates: DuplicateService
    let json: CaseJSONBuilder
    let clock: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("cases/similar", use: similar)
        group.post("cases/{code}/me-too", use: meToo)
        group.get("follows/{code}", use: followed)
    }

    /// `POST /api/v1/cases/similar`.
    struct SimilarBody: Decodable {
        var text: String
        var area: CasesController.FilingBody.Area?
        var province: String?
        var district: String?
        var subdistrict: String?
        var lat: Double?
        var lon: Double?
        var category: String?
        var limit: Int?
    }

    struct SimilarListJSON: Encodable {
        var similar: [SimilarCaseJSON]
        var notice_th: String
        var notice_en: String
    }

    @Sendable func similar(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(SimilarBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let area = body.area.map { FilingRequest.AreaInput(province: $0.province, district: $0.district, subdistrict: $0.subdistrict) }
            ?? FilingRequest.AreaInput(province: body.province, district: body.district, subdistrict: body.subdistrict)
        let found = try await duplicates.similar(
            text: body.text, area: area, latitude: body.lat, longitude: body.lon, category: body.category,
            limit: body.limit ?? 5)
        return try JSONResponse.make(
            SimilarListJSON(
                similar: found.map { SimilarCaseJSON($0, json: json) },
                notice_th: "ถ้าเป็นปัญหาเดียวกัน กด \"ฉันก็เจอ\" (POST /api/v1/cases/{code}/me-too) เพื่อติดตามเรื่องเดิมแทนการแจ้งซ้ำ",
                notice_en: "If one is your problem, follow it (POST /api/v1/cases/{code}/me-too) instead of filing it again."),
            headers: [.cacheControl: "no-store"])
    }

    /// `POST /api/v1/cases/{code}/me-too`: all fields optional.
    struct MeTooBody: Decodable {
        var contact: CasesController.FilingBody.Contact?
        var consent: CasesController.FilingBody.Consent?
        var notify: [String]?
        var language: String?
    }

    struct FollowJSON: Encodable {
        var code: String
        var secret: String
        var `case`: SimilarCaseRefJSON
        var tracking_url: String
        var notice_th: String
        var notice_en: String
    }

    struct SimilarCaseRefJSON: Encodable {
        var code: String
        var status: StatusJSON
        var me_too_count: Int
        var url: String
    }

    @Sendable func meToo(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try CasesController.code(context)
        let data = try await JSONBody.bytes(of: request, context: context)
        let body = data.isEmpty ? MeTooBody() : try JSONBody.decode(MeTooBody.self, from: data)
        let notify = try CitizenNotifyInput.channels(body.notify)
        let language = try CitizenNotifyInput.language(body.language)
        let followed = try await duplicates.follow(
            code: code, contact: body.contact.map { .init(name: $0.name, phone: $0.phone, email: $0.email) },
            consent: body.consent.map { .init(version: $0.version, accepted: $0.accepted) }, notify: notify,
            language: language)
        let output = FollowJSON(
            code: followed.code, secret: followed.secret,
            case: SimilarCaseRefJSON(
                code: followed.record.code, status: CaseJSONBuilder.status(followed.record.state.status),
                me_too_count: followed.record.meTooCount, url: "/api/v1/cases/\(followed.record.code)"),
            tracking_url: "/api/v1/follows/\(followed.code)",
            notice_th: "เก็บรหัสติดตามและรหัสลับไว้ รหัสลับจะแสดงครั้งนี้ครั้งเดียว ใช้ดูความคืบหน้าและผลของเรื่องที่ท่านติดตาม",
            notice_en: "Keep the code and the secret: the secret is shown only this once and shows you the progress and result of the case you follow.")
        return try JSONResponse.make(
            output, status: .created, headers: [.location: "/api/v1/follows/\(followed.code)", .cacheControl: "no-store"])
    }

    struct FollowedJSON: Encodable {
        var code: String
        var followed_at: String
        var `case`: CaseJSON
    }

    /// `GET /api/v1/follows/{code}` with `X-Tracking-Secret`: the followed case, as the public sees it.
    @Sendable func followed(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try CasesController.code(context)
        let found = try await duplicates.followed(code: code, secret: try CasesController.secret(request))
        return try JSONResponse.make(
            FollowedJSON(
                code: found.follow.code, followed_at: BangkokTime.format(found.follow.createdAt),
                case: json.publicView(found.record, events: found.events, now: clock())),
            headers: [.cacheControl: "no-store"])
    }
}
