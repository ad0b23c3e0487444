import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// The staff side of participatory budgeting under `/api/v1/agency/budgets` (a staff token): open a
/// round, turn ideas into projects or decline them, close a phase early, publish results, report progress.
struct BudgetStaffController {
    let budgets: BudgetService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("budgets", use: open)
        group.post("budgets/{id}/projects", use: createProject)
        group.post("budgets/{id}/ideas/{idea}/decline", use: decline)
        group.get("budgets/{id}/ideas/{idea}/contact", use: contact)
        group.post("budgets/{id}/close-phase", use: closePhase)
        group.post("budgets/{id}/results", use: publish)
        group.post("budgets/{id}/projects/{project}/progress", use: progress)
    }

    /// `{"name", "description", "total_budget", "ideas_from", "review_from", "vote_from", "vote_until",
    /// "eligible_areas": ["1047"], "rule": "greedy" | "equal_shares", "agency" (administrators)}`; dates as
    /// "YYYY-MM-DD" (midnight in Bangkok) or ISO 8601.
    struct RoundBody: Decodable {
        var agency: String?
        var name: String
        var description: String?
        var total_budget: Int64
        var ideas_from: String
        var review_from: String
        var vote_from: String
        var vote_until: String
        var eligible_areas: [String]
        var rule: String?
    }

    static func date(_ text: String, field: String) throws -> Date {
        guard let date = BangkokTime.parse(text) else {
            throw DomainError.invalid(
                "invalid_date", th: "วันที่ \(field) ไม่ถูกต้อง (YYYY-MM-DD)", en: "\"\(field)\" is not a date (YYYY-MM-DD).")
        }
        return date
    }

    static func rule(_ text: String?) throws -> BudgetRule {
        guard let rule = BudgetRule(rawValue: text ?? BudgetRule.equalShares.rawValue) else {
            throw DomainError.invalid(
                "invalid_rule", th: "วิธีนับคะแนนต้องเป็น greedy หรือ equal_shares", en: "\"rule\" must be greedy or equal_shares.")
        }
        return rule
    }

    @Sendable func open(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(RoundBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let round = try await budgets.openRound(
            by: staff,
            BudgetService.RoundDraft(
                agencyCode: body.agency, name: body.name, description: body.description ?? "",
                totalBudget: body.total_budget,
                schedule: BudgetSchedule(
                    ideasFrom: try Self.date(body.ideas_from, field: "ideas_from"),
                    reviewFrom: try Self.date(body.review_from, field: "review_from"),
                    voteFrom: try Self.date(body.vote_from, field: "vote_from"),
                    voteUntil: try Self.date(body.vote_until, field: "vote_until")),
                eligibleAreas: body.eligible_areas, rule: try Self.rule(body.rule)))
        return try JSONResponse.make(BudgetJSON.round(round, phase: budgets.phase(of: round)), status: .created)
    }

    static func number(_ context: SiangRequestContext, _ name: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let id = Int64(text), id > 0 else {
            throw APIError.notFound
        }
        return id
    }

    struct ProjectBody: Decodable {
        var title: String
        var description: String?
        var cost: Int64
        var feasibility: String?
        var ideas: [Int64]?
        var proposal_id: Int64?
    }

    struct CreatedJSON: Encodable {
        var id: Int64
    }

    @Sendable func createProject(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(ProjectBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let id = try await budgets.createProject(
            roundID: try BudgetsController.id(context), by: staff,
            BudgetService.ProjectDraft(
                title: body.title, description: body.description ?? "", cost: body.cost, feasibility: body.feasibility ?? "",
                ideaIDs: body.ideas ?? [], proposalID: body.proposal_id))
        return try JSONResponse.make(CreatedJSON(id: id), status: .created)
    }

    struct DeclineBody: Decodable {
        var reason: String
    }

    struct DoneJSON: Encodable {
        var ok = true
        var phase: String?
    }

    @Sendable func decline(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(DeclineBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try await budgets.declineIdea(
            roundID: try BudgetsController.id(context), ideaID: try Self.number(context, "idea"), reason: body.reason,
            by: staff)
        return try JSONResponse.make(DoneJSON())
    }

    struct ContactJSON: Encodable {
        var name: String?
        var phone: String?
        var email: String?
    }

    @Sendable func contact(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let contact = try await budgets.ideaContact(
            roundID: try BudgetsController.id(context), ideaID: try Self.number(context, "idea"), by: staff)
        return try JSONResponse.make(
            ContactJSON(name: contact?.name, phone: contact?.phone, email: contact?.email), headers: [.cacheControl: "no-store"])
    }

    @Sendable func closePhase(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let phase = try await budgets.closePhase(of: try BudgetsController.id(context), by: staff)
        return try JSONResponse.make(DoneJSON(phase: phase.rawValue))
    }

    @Sendable func publish(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let id = try BudgetsController.id(context)
        try await budgets.publishResults(roundID: id, by: staff)
        let view = try await budgets.view(id: id)
        return try JSONResponse.make(
            view.results.map {
                BudgetJSON.outcome(
                    $0, binding: $0.rule == view.round.rule, ballots: view.turnout.ballots, proposals: view.winnerProposals)
            },
            status: .created)
    }

    struct ProgressBody: Decodable {
        var progress: String
        var note: String
    }

    @Sendable func progress(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(ProgressBody.self, from: try await JSONBody.bytes(of: request, context: context))
        guard let progress = BudgetProjectProgress(rawValue: body.progress) else {
            throw DomainError.invalid(
                "invalid_progress", th: "ความคืบหน้าต้องเป็น planned, in_progress หรือ implemented",
                en: "\"progress\" must be planned, in_progress or implemented.")
        }
        try await budgets.addProgress(
            roundID: try BudgetsController.id(context), projectID: try Self.number(context, "project"), progress: progress,
            note: body.note, by: staff)
        return try JSONResponse.make(DoneJSON())
    }
}
