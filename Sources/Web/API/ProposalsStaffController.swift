import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// Staff's side of proposals under `/api/v1/agency`: moderation and flagged supports (triage officers
/// and administrators), the inbox of proposals that reached their threshold, answers and progress.
struct ProposalsStaffController {
    let proposals: ProposalService
    let json: ProposalJSONBuilder

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("proposals/moderation", use: moderation)
        group.get("proposals", use: inbox)
        group.get("proposals/{code}", use: show)
        group.post("proposals/{code}/publish", use: publish)
        group.post("proposals/{code}/reject", use: reject)
        group.post("proposals/{code}/answer", use: answer)
        group.post("proposals/{code}/progress", use: progress)
        group.get("proposals/{code}/flagged-supports", use: flagged)
        group.post("proposals/{code}/flagged-supports", use: decideFlagged)
    }

    struct QueueJSON: Encodable {
        var pending: [ProposalJSON]
        var flagged_supports: [ProposalJSON]
    }

    @Sendable func moderation(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let queue = try await proposals.moderationQueue(by: try AgencyController.staff(context))
        let now = proposals.clock()
        return try JSONResponse.make(
            QueueJSON(
                pending: queue.pending.map { json.make($0, full: true, now: now) },
                flagged_supports: queue.flagged.map { json.make($0, full: true, summary: true, now: now) }),
            headers: [.cacheControl: "no-store"])
    }

    struct InboxJSON: Encodable {
        var proposals: [ProposalJSON]
        var has_more: Bool
    }

    @Sendable func inbox(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        var statuses: [ProposalStatus] = [.routed, .answered]
        if let text = request.uri.queryParameters.get("status")?.nonBlank {
            statuses = try text.split(separator: ",").map {
                guard let status = ProposalStatus(rawValue: String($0)), [.routed, .answered, .implemented].contains(status)
                else {
                    throw APIError(
                        status: .unprocessableContent, code: "invalid_status", th: "สถานะต้องเป็น routed, answered หรือ implemented",
                        en: "\"status\" may hold routed, answered, implemented.")
                }
                return status
            }
        }
        let page = max(1, Int(request.uri.queryParameters.get("page") ?? "1") ?? 1)
        let found = try await proposals.inbox(by: staff, statuses: statuses, limit: 50, offset: min(page - 1, 10_000) * 50)
        let now = proposals.clock()
        return try JSONResponse.make(
            InboxJSON(proposals: found.proposals.map { json.make($0, full: true, summary: true, now: now) }, has_more: found.hasMore),
            headers: [.cacheControl: "no-store"])
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = try await proposals.staffView(code: try ProposalsController.code(context), by: try AgencyController.staff(context))
        return try JSONResponse.make(
            json.make(view.record, full: true, events: view.events, now: proposals.clock()), headers: [.cacheControl: "no-store"])
    }

    @Sendable func publish(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let record = try await proposals.publish(code: try ProposalsController.code(context), by: try AgencyController.staff(context))
        return try JSONResponse.make(json.make(record, full: true, now: proposals.clock()), headers: [.cacheControl: "no-store"])
    }

    struct RejectBody: Decodable {
        var reason: String
        var note: String?
        var duplicate_of: String?
    }

    struct RejectedJSON: Encodable {
        var proposal: ProposalJSON
        var case_code: String?
    }

    @Sendable func reject(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let code = try ProposalsController.code(context)
        let body = try JSONBody.decode(RejectBody.self, from: try await JSONBody.bytes(of: request, context: context))
        guard let reason = ProposalRejection(rawValue: body.reason) else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_reason",
                th: "เหตุผลต้องเป็น duplicate, personal_attack, illegal, not_public_matter หรือ private_complaint",
                en: "\"reason\" must be duplicate, personal_attack, illegal, not_public_matter or private_complaint.")
        }
        let result = try await proposals.reject(code: code, reason: reason, note: body.note, duplicateOf: body.duplicate_of, by: staff)
        return try JSONResponse.make(
            RejectedJSON(proposal: json.make(result.record, full: true, now: proposals.clock()), case_code: result.caseCode),
            headers: [.cacheControl: "no-store"])
    }

    struct AnswerBody: Decodable {
        var answer: String
        var text: String
        /// For `under_study`: the date (YYYY-MM-DD, Bangkok) the agency will answer again by.
        var study_until: String?
    }

    @Sendable func answer(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let code = try ProposalsController.code(context)
        let body = try JSONBody.decode(AnswerBody.self, from: try await JSONBody.bytes(of: request, context: context))
        guard let answer = ProposalAnswer(rawValue: body.answer) else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_answer",
                th: "คำตอบต้องเป็น adopted, adopted_in_part, under_study หรือ declined",
                en: "\"answer\" must be adopted, adopted_in_part, under_study or declined.")
        }
        let record = try await proposals.answer(
            code: code, answer: answer, text: body.text, studyUntil: try Self.day(body.study_until), by: staff)
        return try JSONResponse.make(json.make(record, full: true, now: proposals.clock()), headers: [.cacheControl: "no-store"])
    }

    /// The start of a Bangkok day given as YYYY-MM-DD.
    static func day(_ text: String?) throws -> Date? {
        guard let text = text?.nonBlank else { return nil }
        guard let day = BangkokDays.parse(text) else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_study_until", th: "วันที่ต้องอยู่ในรูป YYYY-MM-DD",
                en: "\"study_until\" must be a date, YYYY-MM-DD.")
        }
        return day
    }

    struct ProgressBody: Decodable {
        var note: String
        var implemented: Bool?
    }

    @Sendable func progress(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let code = try ProposalsController.code(context)
        let body = try JSONBody.decode(ProgressBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let record = try await proposals.progress(code: code, note: body.note, implemented: body.implemented ?? false, by: staff)
        return try JSONResponse.make(json.make(record, full: true, now: proposals.clock()), headers: [.cacheControl: "no-store"])
    }

    struct FlaggedJSON: Encodable {
        struct Support: Encodable {
            var id: Int64
            var at: String
            var network: String
        }
        var supports: [Support]
    }

    @Sendable func flagged(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let list = try await proposals.flaggedSupports(
            code: try ProposalsController.code(context), by: try AgencyController.staff(context))
        return try JSONResponse.make(
            FlaggedJSON(supports: list.map { .init(id: $0.id, at: BangkokTime.format($0.at), network: $0.network) }),
            headers: [.cacheControl: "no-store"])
    }

    struct DecideBody: Decodable {
        var decision: String
        var ids: [Int64]?
    }

    struct DecidedJSON: Encodable {
        var decided: Int
        var proposal: ProposalJSON
    }

    @Sendable func decideFlagged(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let code = try ProposalsController.code(context)
        let body = try JSONBody.decode(DecideBody.self, from: try await JSONBody.bytes(of: request, context: context))
        guard let decision = FlaggedSupportDecision(rawValue: body.decision) else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_decision", th: "การตัดสินต้องเป็น confirm หรือ discount",
                en: "\"decision\" must be confirm or discount.")
        }
        let result = try await proposals.decideFlagged(code: code, ids: body.ids, decision: decision, by: staff)
        return try JSONResponse.make(
            DecidedJSON(decided: result.decided, proposal: json.make(result.record, full: true, now: proposals.clock())),
            headers: [.cacheControl: "no-store"])
    }
}
