import Domain
import Foundation
import Hummingbird
import HummingbirdAuth
import Pages
import Services
import Statistics

/// The staff's budget pages under `/agency/budgets` (signed in): open a round, turn ideas into costed
/// projects or decline them, close a phase early, publish results and report the winners' progress.
/// Refusals show the error page with the service's message; every form is checked for CSRF.
struct BudgetStaffPages {
    let kit: PageKit
    let budgets: BudgetService
    let accounts: StaffAccounts
    let pages: BudgetPages

    func addRoutes(to router: Router<SiangRequestContext>, sessions: SessionMiddleware<SiangRequestContext>) {
        let group = router.group("agency/budgets").add(middleware: sessions)
            .add(middleware: StaffSessionMiddleware(accounts: accounts))
        group.get("", use: list)
        group.post("", use: open)
        group.get("{id}", use: show)
        group.post("{id}/close-phase", use: closePhase)
        group.post("{id}/projects", use: createProject)
        group.post("{id}/ideas/{idea}/decline", use: decline)
        group.post("{id}/results", use: publish)
        group.post("{id}/projects/{project}/progress", use: progress)
    }

    func districts(_ view: PageKit.View) -> [SelectOption] {
        pages.reference.data.areas.filter { $0.level == .district }.map {
            SelectOption(code: $0.code, name: view.language.pick($0.nameTH, $0.nameEN))
        }
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let view = kit.view(request, context: context)
        let rounds = try await budgets.rounds(agencyCode: staff.role == .admin ? nil : staff.agencyCode ?? "")
        return try kit.page(
            StaffBudgetListPage(rounds: rounds.map { pages.row($0, view) }, errors: [], districts: districts(view)),
            title: view.text("title_staff_budgets"), view: view, request: request)
    }

    struct RoundForm: PostedForm {
        var csrf: String?
        var name: String?
        var description: String?
        var total_budget: String?
        var ideas_from: String?
        var review_from: String?
        var vote_from: String?
        var vote_until: String?
        var area: String?
        var rule: String?
    }

    @Sendable func open(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let form = try await kit.form(RoundForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        do {
            func date(_ text: String?, _ field: String) throws -> Date {
                try BudgetStaffController.date(TypedDate.gregorian(text ?? ""), field: field)
            }
            let budget = Int64((form.total_budget ?? "").filter { $0.isNumber }) ?? 0
            let round = try await budgets.openRound(
                by: staff,
                BudgetService.RoundDraft(
                    name: form.name ?? "", description: form.description ?? "", totalBudget: budget,
                    schedule: BudgetSchedule(
                        ideasFrom: try date(form.ideas_from, "ideas_from"), reviewFrom: try date(form.review_from, "review_from"),
                        voteFrom: try date(form.vote_from, "vote_from"), voteUntil: try date(form.vote_until, "vote_until")),
                    eligibleAreas: [form.area ?? ""], rule: try BudgetStaffController.rule(form.rule)))
            return kit.redirect(to: "/agency/budgets/\(round.id)")
        } catch let error as DomainError where error.kind == .invalid {
            let rounds = try await budgets.rounds(agencyCode: staff.agencyCode ?? "")
            return try kit.page(
                StaffBudgetListPage(
                    rounds: rounds.map { pages.row($0, view) },
                    errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "round-name")],
                    districts: districts(view)),
                title: view.text("title_staff_budgets"), view: view, request: request, status: .unprocessableContent)
        }
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        let view = kit.view(request, context: context)
        let round = try await budgets.view(id: id)
        guard staff.role == .admin || staff.agencyCode == round.round.agencyCode else { throw PageError.notFound }
        var ideas: [StaffBudgetPage.Idea] = []
        for idea in round.ideas {
            let contact = try await budgets.ideaContact(roundID: id, ideaID: idea.id, by: staff)
            ideas.append(
                StaffBudgetPage.Idea(
                    id: idea.id, title: idea.title, text: idea.text,
                    statusName: view.text("budget_idea_\(idea.status.rawValue)"),
                    contact: contact.map { [$0.name, $0.phone, $0.email].compactMap { $0 }.joined(separator: " · ") },
                    open: idea.status == .submitted && round.phase == .review))
        }
        let model = StaffBudgetPage(
            roundID: id, name: round.round.name, phaseName: pages.phaseName(round.phase, view),
            budget: pages.baht(round.round.totalBudget, view),
            closeLabel: round.phase.next.map { view.text("budget_close_to", ["phase": pages.phaseName($0, view)]) },
            isReview: round.phase == .review,
            canPublish: round.phase == .results && round.round.resultsPublishedAt == nil,
            ideas: ideas,
            projects: round.projects.map {
                StaffBudgetPage.Project(
                    title: $0.title, cost: pages.baht($0.cost, view), feasibility: $0.feasibility,
                    progressName: $0.progress.map { view.text("budget_progress_\($0.rawValue)") })
            },
            turnout: view.text(
                "budget_turnout",
                ["ballots": view.format.number(round.turnout.ballots), "voters": view.format.number(round.turnout.verifiedVoters)]),
            winners: round.projects.compactMap { project in
                project.progress.map { progress in
                    StaffBudgetPage.Winner(
                        id: project.id, title: project.title, progressName: view.text("budget_progress_\(progress.rawValue)"),
                        options: BudgetProjectProgress.allCases.map {
                            SelectOption(code: $0.rawValue, name: view.text("budget_progress_\($0.rawValue)"), selected: $0 == progress)
                        }, proposalCode: round.winnerProposals[project.id]?.code)
                }
            })
        let flash = request.uri.queryParameters.get("done") != nil ? view.text("budget_flash_saved") : nil
        return try kit.page(model, title: round.round.name, view: view, request: request, flash: flash)
    }

    struct PlainForm: PostedForm {
        var csrf: String?
    }

    func done(_ id: Int64) -> Response { kit.redirect(to: "/agency/budgets/\(id)?done=1") }

    @Sendable func closePhase(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        _ = try await kit.form(PlainForm.self, from: request, context: context)
        _ = try await budgets.closePhase(of: id, by: staff)
        return done(id)
    }

    struct ProjectForm: PostedForm {
        var csrf: String?
        var idea: String?
        var title: String?
        var description: String?
        var cost: String?
        var feasibility: String?
    }

    @Sendable func createProject(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        let form = try await kit.form(ProjectForm.self, from: request, context: context)
        _ = try await budgets.createProject(
            roundID: id, by: staff,
            BudgetService.ProjectDraft(
                title: form.title ?? "", description: form.description ?? "",
                cost: Int64((form.cost ?? "").filter { $0.isNumber }) ?? 0, feasibility: form.feasibility ?? "",
                ideaIDs: form.idea.flatMap { Int64($0) }.map { [$0] } ?? []))
        return done(id)
    }

    struct DeclineForm: PostedForm {
        var csrf: String?
        var reason: String?
    }

    @Sendable func decline(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        let form = try await kit.form(DeclineForm.self, from: request, context: context)
        guard let idea = context.parameters.get("idea").flatMap({ Int64($0) }) else { throw PageError.notFound }
        try await budgets.declineIdea(roundID: id, ideaID: idea, reason: form.reason ?? "", by: staff)
        return done(id)
    }

    @Sendable func publish(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        _ = try await kit.form(PlainForm.self, from: request, context: context)
        try await budgets.publishResults(roundID: id, by: staff)
        return done(id)
    }

    struct ProgressForm: PostedForm {
        var csrf: String?
        var progress: String?
        var note: String?
    }

    @Sendable func progress(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try BudgetPages.id(context)
        let form = try await kit.form(ProgressForm.self, from: request, context: context)
        guard let project = context.parameters.get("project").flatMap({ Int64($0) }) else { throw PageError.notFound }
        guard let progress = BudgetProjectProgress(rawValue: form.progress ?? "") else {
            throw DomainError.invalid("invalid_progress", th: "กรุณาเลือกความคืบหน้า", en: "Choose the progress.")
        }
        try await budgets.addProgress(roundID: id, projectID: project, progress: progress, note: form.note ?? "", by: staff)
        return done(id)
    }
}
