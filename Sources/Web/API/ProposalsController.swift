import Domain
import Foundation
import Hummingbird
import Services
import Statistics


/// The public side of proposals: the list, a proposal, proposing, similar proposals, and supports
/// (a verified supporter's token, supporting and withdrawing).
struct ProposalsController {
    let proposals: ProposalService
    let json: ProposalJSONBuilder
    let behindProxy: Bool

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("proposals", use: list)
        group.post("proposals", use: propose)
        group.post("proposals/similar", use: similar)
        group.post("proposals/supporters", use: supporterToken)
        group.get("proposals/{code}", use: show)
        group.get("proposals/{code}/supports", use: supportsByDay)
        group.post("proposals/{code}/supports", use: support)
        group.post("proposals/{code}/supports/withdraw", use: withdraw)
    }

    struct ListJSON: Encodable {
        var proposals: [ProposalJSON]
        var page: Int
        var has_more: Bool
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (filter, page) = try ProposalListQuery.parse(request.uri.queryParameters, reference: proposals.reference)
        let found = try await proposals.list(filter)
        let now = proposals.clock()
        return try JSONResponse.make(
            ListJSON(
                proposals: found.proposals.map { json.make($0, full: false, summary: true, now: now) }, page: page,
                has_more: found.hasMore))
    }

    struct ProposeBody: Decodable {
        struct Contact: Decodable {
            var name: String?
            var phone: String?
            var email: String?
        }
        struct Consent: Decodable {
            var version: String
            var accepted: Bool
        }
        var title: String
        var text: String
        var scope: String?
        var province: String?
        var district: String?
        var category: String?
        var estimated_cost: Int64?
        var contact: Contact?
        var consent: Consent?
        var notify: [String]?
        var language: String?
    }

    struct ProposedJSON: Encodable {
        var code: String
        var secret: String
        var status: String
        var proposal: ProposalJSON
        var notice_th: String
        var notice_en: String
    }

    @Sendable func propose(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(ProposeBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let scope = try body.scope.map { text -> ProposalScopeLevel in
            guard let level = ProposalScopeLevel(rawValue: text) else {
                throw APIError(
                    status: .unprocessableContent, code: "invalid_scope", th: "ขอบเขตต้องเป็น national, province หรือ district",
                    en: "\"scope\" must be national, province or district.")
            }
            return level
        }
        let proposed = try await proposals.propose(
            ProposalRequest(
                title: body.title, text: body.text, scope: scope, province: body.province, district: body.district,
                category: body.category, estimatedCost: body.estimated_cost,
                contact: body.contact.map { .init(name: $0.name, phone: $0.phone, email: $0.email) },
                consent: body.consent.map { .init(version: $0.version, accepted: $0.accepted) },
                notify: try Self.notifyChannels(body.notify), language: try Self.language(body.language)))
        let record = proposed.record
        return try JSONResponse.make(
            ProposedJSON(
                code: record.code, secret: proposed.secret, status: record.status.rawValue,
                proposal: json.make(record, full: true, now: proposals.clock()),
                notice_th: "เก็บรหัสข้อเสนอและรหัสลับไว้ รหัสลับแสดงครั้งเดียว ข้อเสนอจะเผยแพร่เมื่อผ่านการตรวจสอบ",
                notice_en: "Keep the code and the secret: the secret is shown only this once. The proposal is published once a moderator has checked it."),
            status: .created, headers: [.location: "/api/v1/proposals/\(record.code)", .cacheControl: "no-store"])
    }

    static func notifyChannels(_ names: [String]?) throws -> [NotificationChannel] {
        var channels: [NotificationChannel] = []
        for name in names ?? [] {
            guard let channel = NotificationChannel(rawValue: name), channel == .email || channel == .sms else {
                throw APIError(
                    status: .unprocessableContent, code: "invalid_notify", th: "ช่องทางแจ้งความคืบหน้าต้องเป็น email หรือ sms",
                    en: "\"notify\" may hold \"email\" and \"sms\".")
            }
            if !channels.contains(channel) { channels.append(channel) }
        }
        return channels
    }

    static func language(_ text: String?) throws -> MessageLanguage {
        guard let language = MessageLanguage(rawValue: text ?? "th") else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_language", th: "ภาษาต้องเป็น th หรือ en",
                en: "\"language\" must be th or en.")
        }
        return language
    }

    struct SimilarBody: Decodable {
        var title: String?
        var text: String?
    }

    struct SimilarJSON: Encodable {
        var proposals: [ProposalJSON]
    }

    @Sendable func similar(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(SimilarBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let found = try await proposals.similar(title: body.title ?? "", text: body.text ?? "")
        let now = proposals.clock()
        return try JSONResponse.make(SimilarJSON(proposals: found.map { json.make($0, full: false, summary: true, now: now) }))
    }

    static func code(_ context: SiangRequestContext) throws -> String {
        guard let code = context.parameters.get("code"), TrackingCode.canonical(code, prefix: "PR") != nil else {
            throw APIError(status: .notFound, code: "proposal_not_found", th: "ไม่พบข้อเสนอตามรหัสที่ระบุ", en: "No proposal with this code.")
        }
        return code
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let tracking = try await proposals.track(code: try Self.code(context), secret: request.headers[.trackingSecret])
        let now = proposals.clock()
        switch tracking {
        case .proposer(let record, let events):
            return try JSONResponse.make(json.make(record, full: true, events: events, now: now), headers: [.cacheControl: "no-store"])
        case .public(let record, let events):
            return try JSONResponse.make(json.make(record, full: false, events: events, now: now))
        }
    }

    struct DayJSON: Encodable {
        var day: String
        var supports: Int
    }

    struct SeriesJSON: Encodable {
        var code: String
        var supports: Int
        var days: [DayJSON]
    }

    @Sendable func supportsByDay(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let record = try await proposals.track(code: try Self.code(context)).record
        let days = try await proposals.supportsByDay(of: record)
        return try JSONResponse.make(
            SeriesJSON(code: record.code, supports: record.supports, days: days.map { DayJSON(day: $0.day, supports: $0.supports) }))
    }

    struct VerifyBody: Decodable {
        var code_id: Int64
        var code: String
    }

    struct TokenJSON: Encodable {
        var token: String
        var expires_at: String
    }

    @Sendable func supporterToken(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(VerifyBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let token = try await proposals.verifySupporter(codeID: body.code_id, code: body.code)
        return try JSONResponse.make(
            TokenJSON(token: token.token, expires_at: BangkokTime.format(token.expiresAt)), status: .created,
            headers: [.cacheControl: "no-store"])
    }

    struct SupportBody: Decodable {
        /// A supporter token; or, instead, a one-time code's id and the code.
        var token: String?
        var code_id: Int64?
        var code: String?
        /// Whether to receive the proposal's answer at the verified address.
        var notify: Bool?
        var language: String?
    }

    struct SupportedJSON: Encodable {
        var result: String
        var counted: Bool
        var supports: Int
        var threshold_reached: Bool
        /// The token, when the request verified a code (to support more proposals without a new code).
        var token: String?
        var message_th: String
        var message_en: String
    }

    /// The supporter token a body carries, or the one its code earns.
    func token(of body: SupportBody) async throws -> (token: String, issued: Bool) {
        if let token = body.token?.nonBlank { return (token, false) }
        guard let id = body.code_id, let code = body.code else {
            throw APIError(
                status: .unauthorized, code: "supporter_not_verified",
                th: "กรุณายืนยันตัวตนด้วยรหัสที่ได้รับก่อนสนับสนุน",
                en: "Verify first: give \"token\", or \"code_id\" and \"code\" from a one-time code with purpose \"support\".")
        }
        return (try await proposals.verifySupporter(codeID: id, code: code).token, true)
    }

    @Sendable func support(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let body = try JSONBody.decode(SupportBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let language = try Self.language(body.language)
        let (token, issued) = try await token(of: body)
        let result = try await proposals.support(
            code: code, token: token, client: context.client(of: request, behindProxy: behindProxy),
            notify: body.notify ?? false, language: language)
        let (th, en): (String, String) =
            switch result.outcome {
            case .supported: ("ขอบคุณที่สนับสนุนข้อเสนอนี้", "Thank you: your support is counted.")
            case .flagged:
                ("บันทึกการสนับสนุนแล้ว รอเจ้าหน้าที่ตรวจสอบก่อนนับ", "Your support is recorded and will be counted once a moderator has checked it.")
            case .alreadySupported: ("ท่านสนับสนุนข้อเสนอนี้แล้ว ไม่มีการเปลี่ยนแปลง", "You already support this proposal; nothing changed.")
            }
        return try JSONResponse.make(
            SupportedJSON(
                result: result.outcome.rawValue, counted: result.outcome == .supported, supports: result.supports,
                threshold_reached: result.crossedThreshold, token: issued ? token : nil, message_th: th, message_en: en),
            status: result.outcome == .alreadySupported ? .ok : .created, headers: [.cacheControl: "no-store"])
    }

    struct WithdrawnJSON: Encodable {
        var result: String
        var supports: Int
    }

    @Sendable func withdraw(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let body = try JSONBody.decode(SupportBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let (token, _) = try await token(of: body)
        let result = try await proposals.withdrawSupport(code: code, token: token)
        return try JSONResponse.make(
            WithdrawnJSON(result: result.outcome.rawValue, supports: result.supports), headers: [.cacheControl: "no-store"])
    }
}

/// The query string of a proposal list: `scope`, `area`, `topic` (or `category`; comma-separated),
/// `status` (comma-separated), `sort` (`supports`, `newest`, `closest`), `page` (from 1) and `limit` (1–100).
enum ProposalListQuery {
    static func parse(_ query: Parameters, reference: Reference) throws -> (ProposalListFilter, page: Int) {
        func invalid(_ field: String, _ th: String, _ en: String) -> APIError {
            APIError(status: .unprocessableContent, code: "invalid_\(field)", th: th, en: en)
        }
        var filter = ProposalListFilter()
        if let scope = query.get("scope")?.nonBlank {
            guard let level = ProposalScopeLevel(rawValue: scope) else {
                throw invalid("scope", "ขอบเขตต้องเป็น national, province หรือ district", "\"scope\" must be national, province or district.")
            }
            filter.scopeLevel = level
        }
        if let area = query.get("area")?.nonBlank {
            guard reference.areas[area] != nil else { throw invalid("area", "ไม่พบพื้นที่ \(area)", "No area \"\(area)\".") }
            filter.areaCode = area
        }
        if let topics = (query.get("topic") ?? query.get("category"))?.nonBlank {
            let codes = topics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for code in codes where reference.categories[code] == nil {
                throw invalid("topic", "ไม่พบหมวดหมู่ \(code)", "No topic \"\(code)\".")
            }
            filter.categories = codes
        }
        if let statuses = query.get("status")?.nonBlank {
            filter.statuses = try statuses.split(separator: ",").map {
                guard let status = ProposalStatus(rawValue: $0.trimmingCharacters(in: .whitespaces)), status.isPublic else {
                    throw invalid(
                        "status", "สถานะไม่ถูกต้อง", "\"status\" may hold published, routed, answered, implemented, expired.")
                }
                return status
            }
        }
        if let sort = query.get("sort")?.nonBlank {
            guard let order = ProposalListFilter.Order(rawValue: sort) else {
                throw invalid("sort", "การเรียงต้องเป็น supports, newest หรือ closest", "\"sort\" must be supports, newest or closest.")
            }
            filter.order = order
        }
        let limit = query.get("limit").map { Int($0) ?? -1 } ?? 20
        guard (1...100).contains(limit) else { throw invalid("limit", "limit ต้องอยู่ระหว่าง 1–100", "\"limit\" must be 1 to 100.") }
        let page = query.get("page").map { Int($0) ?? -1 } ?? 1
        guard (1...10_000).contains(page) else { throw invalid("page", "page ต้องอยู่ระหว่าง 1–10000", "\"page\" must be 1 to 10000.") }
        filter.limit = limit
        filter.offset = (page - 1) * limit
        return (filter, page)
    }
}
