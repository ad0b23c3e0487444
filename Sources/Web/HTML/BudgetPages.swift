import Domain
import Foundation
import Hummingbird
import Pages
import Services

/// The public budget pages: `/budgets` (rounds) and `/budgets/{id}` (a round), with the idea form,
/// the voter's verification by one-time code and the ballot. They call the same `BudgetService` as the
/// API. The voter's token lives in an HttpOnly cookie scoped to the round's path, never in a URL.
struct BudgetPages {
    let kit: PageKit
    let budgets: BudgetService
    let codes: OneTimeCodes
    let reference: Reference

    static let voterCookie = "siang_voter"

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("budgets", use: list)
        router.get("budgets/{id}", use: show)
        router.post("budgets/{id}/ideas", use: submitIdea)
        router.post("budgets/{id}/code", use: sendCode)
        router.post("budgets/{id}/verify", use: verify)
        router.post("budgets/{id}/ballot", use: castBallot)
    }

    static func id(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw PageError.notFound }
        return id
    }

    func areaNames(_ codes: [String], _ language: Language) -> String {
        codes.map { code in reference.areas[code].map { language.pick($0.nameTH, $0.nameEN) } ?? code }
            .joined(separator: ", ")
    }

    func agencyName(_ code: String, _ language: Language) -> String {
        reference.agencies[code].map { language.pick($0.nameTH, $0.nameEN) } ?? code
    }

    func baht(_ value: Int64, _ view: PageKit.View) -> String {
        view.text("budget_baht", ["amount": view.format.number(Int(value))])
    }

    func phaseName(_ phase: BudgetPhase, _ view: PageKit.View) -> String { view.text("budget_phase_\(phase.rawValue)") }

    func row(_ round: BudgetRound, _ view: PageKit.View) -> BudgetListPage.Round {
        BudgetListPage.Round(
            id: round.id, name: round.name, agencyName: agencyName(round.agencyCode, view.language),
            phaseName: phaseName(budgets.phase(of: round), view), budget: baht(round.totalBudget, view),
            areaNames: areaNames(round.eligibleAreas, view.language))
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let rounds = try await budgets.rounds()
        return try kit.page(
            BudgetListPage(rounds: rounds.map { row($0, view) }), title: view.text("title_budgets"), view: view,
            request: request)
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let view = kit.view(request, context: context)
        let flash = request.uri.queryParameters.get("done").flatMap { ["idea", "ballot", "verified"].contains($0) ? view.text("budget_flash_\($0)") : nil }
        return try await page(id: id, request: request, view: view, flash: flash)
    }

    /// The round page, with `errors` and what the visitor typed kept after a refusal.
    func page(
        id: Int64, request: Request, view: PageKit.View, errors: [FormError] = [], idea: BudgetPage.IdeaForm? = nil,
        address: String = "", flash: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let round = try await budgets.view(id: id)
        let token = request.cookies[Self.voterCookie]?.value
        var ballot: (isVoter: Bool, projects: [Int64]?)?
        if let token { ballot = try await budgets.ballot(roundID: id, token: token) }
        let chosen = Set(ballot?.projects ?? [])
        let titles = Dictionary(uniqueKeysWithValues: round.projects.map { ($0.id, $0.title) })
        let schedule = round.round.schedule
        let steps: [(BudgetPhase, Date)] = [
            (.ideas, schedule.ideasFrom), (.review, schedule.reviewFrom), (.vote, schedule.voteFrom), (.results, schedule.voteUntil),
        ]
        var model = BudgetPage(
            roundID: id, name: round.round.name, description: round.round.description,
            agencyName: agencyName(round.round.agencyCode, view.language), phaseName: phaseName(round.phase, view),
            budget: baht(round.round.totalBudget, view), budgetValue: round.round.totalBudget,
            areaNames: areaNames(round.round.eligibleAreas, view.language),
            steps: steps.map { BudgetPage.Step(name: phaseName($0.0, view), from: view.format.date($0.1), current: $0.0 == round.phase) },
            errors: errors, ideaForm: nil,
            ideas: round.ideas.map {
                BudgetPage.Idea(
                    title: $0.title, text: $0.text, statusName: view.text("budget_idea_\($0.status.rawValue)"),
                    declineReason: $0.declineReason)
            },
            projects: round.projects.map {
                BudgetPage.Project(
                    id: $0.id, title: $0.title, description: $0.description, cost: baht($0.cost, view), costValue: $0.cost,
                    feasibility: $0.feasibility, progressName: $0.progress.map { view.text("budget_progress_\($0.rawValue)") },
                    chosen: chosen.contains($0.id))
            },
            vote: nil, results: nil,
            updates: round.updates.map {
                BudgetPage.Update(
                    project: titles[$0.projectID] ?? "", progressName: view.text("budget_progress_\($0.progress.rawValue)"),
                    note: $0.note, at: view.format.date($0.at))
            })
        if round.phase == .ideas {
            model.ideaForm = idea ?? BudgetPage.IdeaForm(title: "", text: "", contactName: "", contactPhone: "", contactEmail: "")
        }
        if round.phase == .vote {
            if ballot?.isVoter == true {
                let total = round.projects.filter { chosen.contains($0.id) }.reduce(0) { $0 + $1.cost }
                model.vote = BudgetPage.Vote(
                    verify: nil, ballot: BudgetPage.Ballot(total: baht(total, view), hasBallot: ballot?.projects != nil))
            } else {
                let districts = reference.data.areas.filter {
                    $0.level == .district && budgets.isEligible(areaCode: $0.code, round: round.round)
                }
                model.vote = BudgetPage.Vote(
                    verify: BudgetPage.Verify(
                        address: address,
                        districts: districts.map { SelectOption(code: $0.code, name: view.language.pick($0.nameTH, $0.nameEN)) }),
                    ballot: nil)
            }
        }
        if let binding = round.results.first(where: { $0.rule == round.round.rule }) {
            model.results = results(binding, round: round, titles: titles, view: view)
        }
        return try kit.page(model, title: round.round.name, view: view, request: request, status: status, flash: flash)
    }

    func results(
        _ outcome: BudgetCount.Outcome, round: BudgetService.RoundView, titles: [Int64: String], view: PageKit.View
    ) -> BudgetPage.Results {
        let other = round.results.first { $0.rule != outcome.rule }
        let otherWinners = other?.winners.compactMap { titles[$0] }.joined(separator: ", ") ?? ""
        let rows = outcome.projects.sorted {
            switch ($0.position, $1.position) {
            case let (a?, b?): return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return $0.votes != $1.votes ? $0.votes > $1.votes : $0.id < $1.id
            }
        }
        return BudgetPage.Results(
            ruleName: view.text("budget_rule_\(outcome.rule.rawValue)"),
            ruleExplanation: view.text(
                "budget_rule_\(outcome.rule.rawValue)_explained",
                ["share": baht(Int64((outcome.voterShare ?? 0).rounded()), view)]),
            turnout: view.text(
                "budget_turnout",
                ["ballots": view.format.number(round.turnout.ballots), "voters": view.format.number(round.turnout.verifiedVoters)]),
            spent: view.text("budget_spent", ["spent": baht(outcome.spent, view), "budget": baht(round.round.totalBudget, view)]),
            rows: rows.map { result in
                BudgetPage.ResultRow(
                    title: titles[result.id] ?? "", cost: baht(result.cost, view), votes: view.format.number(result.votes),
                    won: result.selected, explanation: explanation(result, view),
                    proposal: round.winnerProposals[result.id].map {
                        .init(code: $0.code, statusName: ProposalPages.statusName($0.status, view.language))
                    })
            },
            otherRule: other.map {
                view.text(
                    "budget_other_rule",
                    ["rule": view.text("budget_rule_\($0.rule.rawValue)"), "winners": otherWinners.isEmpty ? "–" : otherWinners])
            } ?? "")
    }

    /// Why a project won or did not, in words.
    func explanation(_ result: BudgetCount.ProjectResult, _ view: PageKit.View) -> String {
        switch result.reason {
        case .selected(let remaining, let share?):
            return view.text(
                "budget_why_selected_shares",
                ["position": "\(result.position ?? 0)", "share": baht(Int64(share.rounded()), view), "remaining": baht(remaining, view)])
        case .selected(let remaining, nil):
            return view.text("budget_why_selected", ["position": "\(result.position ?? 0)", "remaining": baht(remaining, view)])
        case .doesNotFit(let remaining):
            return view.text("budget_why_does_not_fit", ["remaining": baht(remaining, view)])
        case .supportersCannotAfford(let money):
            return view.text("budget_why_cannot_afford", ["money": baht(Int64(money.rounded(.down)), view)])
        case .noVotes:
            return view.text("budget_why_no_votes")
        }
    }

    struct IdeaForm: PostedForm {
        var csrf: String?
        var title: String?
        var text: String?
        var contact_name: String?
        var contact_phone: String?
        var contact_email: String?
    }

    @Sendable func submitIdea(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(IdeaForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        do {
            _ = try await budgets.submitIdea(
                roundID: id, title: form.title ?? "", text: form.text ?? "",
                contact: (name: form.contact_name, phone: form.contact_phone, email: form.contact_email))
            return kit.redirect(to: "/budgets/\(id)?done=idea")
        } catch let error as DomainError where error.kind == .invalid {
            let kept = BudgetPage.IdeaForm(
                title: form.title ?? "", text: form.text ?? "", contactName: form.contact_name ?? "",
                contactPhone: form.contact_phone ?? "", contactEmail: form.contact_email ?? "")
            return try await page(
                id: id, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: error.code == "invalid_title" ? "idea-title" : "idea-text")],
                idea: kept, status: .unprocessableContent)
        }
    }

    struct CodeForm: PostedForm {
        var csrf: String?
        var address: String?
        var area: String?
    }

    @Sendable func sendCode(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(CodeForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let address = (form.address ?? "").trimmingCharacters(in: .whitespaces)
        let round = try await budgets.round(id: id)
        do {
            guard budgets.phase(of: round) == .vote else {
                throw DomainError.budgetWrongPhase(needs: .vote, current: budgets.phase(of: round))
            }
            guard let area = form.area, budgets.isEligible(areaCode: area, round: round) else {
                throw DomainError.budgetIneligibleArea
            }
            let issued = try await codes.send(
                to: address, by: address.contains("@") ? .email : .sms, purpose: BudgetService.votePurpose,
                language: view.language == .english ? .en : .th)
            return try kit.page(
                BudgetCodePage(roundID: id, name: round.name, codeID: issued.id, area: area, errors: []),
                title: view.text("title_budget_code"), view: view, request: request)
        } catch let error as DomainError {
            return try await page(
                id: id, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "voter-address")],
                address: address, status: error.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }

    struct VerifyForm: PostedForm {
        var csrf: String?
        var code_id: String?
        var code: String?
        var area: String?
    }

    @Sendable func verify(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(VerifyForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let codeID = Int64(form.code_id ?? "") ?? 0
        do {
            let token = try await budgets.verifyVoter(
                roundID: id, codeID: codeID, code: form.code ?? "", areaCode: form.area ?? "")
            let round = try await budgets.round(id: id)
            let lifetime = max(60, Int(round.schedule.voteUntil.timeIntervalSince(budgets.phaseClock())))
            let cookie = kit.cookie(Self.voterCookie, token.token, path: "/budgets/\(id)", maxAge: lifetime)
            return kit.redirect(to: "/budgets/\(id)?done=verified#ballot", cookies: [cookie])
        } catch let error as DomainError where error.kind == .invalid {
            let round = try await budgets.round(id: id)
            return try kit.page(
                BudgetCodePage(
                    roundID: id, name: round.name, codeID: codeID, area: form.area ?? "",
                    errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "code")]),
                title: view.text("title_budget_code"), view: view, request: request, status: .unprocessableContent)
        }
    }

    struct BallotForm: PostedForm {
        var csrf: String?
        var projects: [String]?
    }

    @Sendable func castBallot(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(BallotForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        guard let token = request.cookies[Self.voterCookie]?.value else { throw DomainError.budgetVoterUnknown }
        do {
            _ = try await budgets.castBallot(roundID: id, token: token, projects: (form.projects ?? []).compactMap { Int64($0) })
            return kit.redirect(to: "/budgets/\(id)?done=ballot#ballot")
        } catch let error as DomainError where error.kind == .invalid {
            return try await page(
                id: id, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "ballot")],
                status: .unprocessableContent)
        }
    }
}
