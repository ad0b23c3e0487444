import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// The public participatory-budgeting API under `/api/v1/budgets`: rounds, a round with its projects,
/// ideas and results, submitting an idea, verifying a voter and casting (or replacing) a ballot.
struct BudgetsController {
    let budgets: BudgetService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("budgets", use: list)
        group.get("budgets/{id}", use: detail)
        group.get("budgets/{id}/projects", use: projects)
        group.get("budgets/{id}/ideas", use: ideas)
        group.get("budgets/{id}/results", use: results)
        group.post("budgets/{id}/ideas", use: submitIdea)
        group.post("budgets/{id}/voters", use: verifyVoter)
        group.get("budgets/{id}/ballot", use: ballot)
        group.put("budgets/{id}/ballot", use: castBallot)
        group.post("budgets/{id}/ballot", use: castBallot)
    }

    static func id(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw DomainError.budgetRoundNotFound
        }
        return id
    }

    struct ListJSON: Encodable {
        var rounds: [BudgetJSON.Round]
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let rounds = try await budgets.rounds(agencyCode: request.uri.queryParameters.get("agency")?.nonBlank)
        return try JSONResponse.make(ListJSON(rounds: rounds.map { BudgetJSON.round($0, phase: budgets.phase(of: $0)) }))
    }

    @Sendable func detail(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try JSONResponse.make(BudgetJSON.detail(try await budgets.view(id: try Self.id(context))))
    }

    struct ProjectsJSON: Encodable {
        var projects: [BudgetJSON.Project]
    }

    @Sendable func projects(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = try await budgets.view(id: try Self.id(context))
        return try JSONResponse.make(ProjectsJSON(projects: view.projects.map(BudgetJSON.project)))
    }

    struct IdeasJSON: Encodable {
        var ideas: [BudgetJSON.Idea]
    }

    @Sendable func ideas(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = try await budgets.view(id: try Self.id(context))
        return try JSONResponse.make(IdeasJSON(ideas: view.ideas.map(BudgetJSON.idea)))
    }

    struct ResultsJSON: Encodable {
        var published: Bool
        var results: [BudgetJSON.Outcome]
    }

    @Sendable func results(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = try await budgets.view(id: try Self.id(context))
        return try JSONResponse.make(
            ResultsJSON(
                published: view.round.resultsPublishedAt != nil,
                results: view.results.map {
                    BudgetJSON.outcome(
                        $0, binding: $0.rule == view.round.rule, ballots: view.turnout.ballots,
                        proposals: view.winnerProposals)
                }))
    }

    struct IdeaBody: Decodable {
        struct Contact: Decodable {
            var name: String?
            var phone: String?
            var email: String?
        }
        var title: String
        var text: String
        var contact: Contact?
    }

    struct CreatedJSON: Encodable {
        var id: Int64
    }

    @Sendable func submitIdea(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let body = try JSONBody.decode(IdeaBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let idea = try await budgets.submitIdea(
            roundID: id, title: body.title, text: body.text,
            contact: body.contact.map { (name: $0.name, phone: $0.phone, email: $0.email) })
        return try JSONResponse.make(CreatedJSON(id: idea), status: .created)
    }

    /// `{"code_id": 7, "code": "482913", "area": "1047"}`: a one-time code sent for "vote" and the
    /// district the voter lives in.
    struct VoterBody: Decodable {
        var code_id: Int64
        var code: String
        var area: String
    }

    struct VoterJSON: Encodable {
        /// Shown once; send it as `X-Voter-Token` to cast or change the ballot.
        var voter_token: String
    }

    @Sendable func verifyVoter(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let body = try JSONBody.decode(VoterBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let token = try await budgets.verifyVoter(roundID: id, codeID: body.code_id, code: body.code, areaCode: body.area)
        return try JSONResponse.make(
            VoterJSON(voter_token: token.token), status: .created, headers: [.cacheControl: "no-store"])
    }

    static func token(_ request: Request) throws -> String {
        guard let token = request.headers[.init("X-Voter-Token")!]?.nonBlank, token.count <= 200 else {
            throw DomainError.budgetVoterUnknown
        }
        return token
    }

    struct BallotBody: Decodable {
        var projects: [Int64]
    }

    struct BallotJSON: Encodable {
        var projects: [Int64]
        var status: String?
    }

    @Sendable func castBallot(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let token = try Self.token(request)
        let body = try JSONBody.decode(BallotBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let cast = try await budgets.castBallot(roundID: id, token: token, projects: body.projects)
        return try JSONResponse.make(
            BallotJSON(projects: Array(Set(body.projects)).sorted(), status: cast.rawValue),
            status: cast == .cast ? .created : .ok, headers: [.cacheControl: "no-store"])
    }

    @Sendable func ballot(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let found = try await budgets.ballot(roundID: id, token: try Self.token(request))
        guard found.isVoter else { throw DomainError.budgetVoterUnknown }
        return try JSONResponse.make(BallotJSON(projects: found.projects ?? [], status: nil), headers: [.cacheControl: "no-store"])
    }
}
