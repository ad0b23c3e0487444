import Domain
import Foundation
import Hummingbird
import HummingbirdAuth
import Pages
import Services
import Setup

/// `/agency/models` (administrators, signed in): the classifier's model versions, and training,
/// promoting and rolling back as forms, by the same rules as the API and `siang model`. A refusal
/// (a worse model, nothing to roll back) is shown on the page; other staff get the error page (403).
struct ModelVersionPages {
    let kit: PageKit
    let models: ModelUpdates
    let training: ModelTrainingInputs?
    let settings: ModelUpdateSettings
    let accounts: StaffAccounts
    let clock: @Sendable () -> Date

    func addRoutes(to router: Router<SiangRequestContext>, sessions: SessionMiddleware<SiangRequestContext>) {
        let group = router.group("agency/models").add(middleware: sessions)
            .add(middleware: StaffSessionMiddleware(accounts: accounts))
        group.get("", use: list)
        group.post("", use: train)
        group.post("rollback", use: rollback)
        group.post("{id}/promote", use: promote)
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let flash = request.uri.queryParameters.get("done").flatMap { done in
            ["trained", "promoted", "rolled-back"].contains(done)
                ? view.text("models_done_\(done.replacingOccurrences(of: "-", with: "_"))") + (done == "trained" ? "" : " " + swapText(view))
                : nil
        }
        return try await page(request, context: context, view: view, errors: [], status: .ok, flash: flash)
    }

    /// When running instances use a newly live version.
    func swapText(_ view: PageKit.View) -> String {
        settings.checkSeconds > 0
            ? view.text("models_swap_within", ["seconds": String(settings.checkSeconds)]) : view.text("models_swap_restart")
    }

    func page(
        _ request: Request, context: SiangRequestContext, view: PageKit.View, errors: [FormError],
        status: HTTPResponse.Status, flash: String? = nil
    ) async throws -> Response {
        let overview = try await models.overview(by: try AgencyPages.staff(context))
        let format = view.format
        func finished(_ figures: ModelVersionAccuracy?) -> ModelVersionsPage.Finished? {
            figures.map {
                .init(
                    cases: format.number($0.cases), changed: format.number($0.changed),
                    kept: format.percent($0.cases == 0 ? nil : $0.kept))
            }
        }
        func name(_ version: Int64?) -> String {
            version.map { view.text("stats_model_numbered", ["version": String($0)]) } ?? view.text("stats_model_default")
        }
        let rows = overview.versions.map { item in
            let version = item.version
            return ModelVersionsPage.Row(
                id: version.id, name: name(version.id), state: version.state.rawValue,
                stateName: view.text("models_state_\(version.state.rawValue)"), isLive: version.state == .live,
                createdAt: format.dateTime(version.createdAt), examples: view.text("models_examples", ["count": format.number(version.examples)]),
                comparison: item.comparison.map { comparison in
                    view.text(
                        "models_comparison_line",
                        [
                            "accuracy": format.number(comparison.candidate.accuracy, fractionDigits: 3),
                            "f1": format.number(comparison.candidate.macroF1, fractionDigits: 3),
                            "live": name(comparison.liveVersion),
                            "live_accuracy": format.number(comparison.live.accuracy, fractionDigits: 3),
                            "live_f1": format.number(comparison.live.macroF1, fractionDigits: 3),
                            "cases": format.number(comparison.heldOut),
                        ])
                },
                notWorse: item.comparison?.candidateNotWorse ?? false, finished: finished(item.finished),
                canPromote: version.state == .candidate, canForce: [.refused, .retired, .rolledBack].contains(version.state))
        }
        let model = ModelVersionsPage(
            liveName: name(overview.liveVersion), defaultIsLive: overview.liveVersion == nil,
            defaultFinished: finished(overview.defaultModelFinished), versions: rows, hasVersions: !rows.isEmpty,
            liveVersion: overview.liveVersion, canTrain: training != nil,
            rule: view.text(
                "models_rule",
                [
                    "margin": format.number(settings.promotionMargin, fractionDigits: 3),
                    "minimum": format.number(settings.minimumCases),
                ]) + " " + swapText(view),
            errors: errors)
        return try kit.page(model, title: view.text("models_heading"), view: view, request: request, status: status, flash: flash)
    }

    struct PromoteForm: PostedForm {
        var csrf: String?
        var force: String?
    }

    @Sendable func promote(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let form = try await kit.form(PromoteForm.self, from: request, context: context)
        try ModelUpdates.checkAdministrator(staff)
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else { throw PageError.notFound }
        return try await refusalsShown(request, context: context, done: "promoted") {
            _ = try await models.promote(
                id: id, margin: settings.promotionMargin, force: form.force != nil, by: staff, at: clock())
        }
    }

    struct RollbackForm: PostedForm {
        var csrf: String?
        /// The version live when the page was shown: a second click rolls nothing else back.
        var live: String?
    }

    @Sendable func rollback(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let form = try await kit.form(RollbackForm.self, from: request, context: context)
        guard let live = form.live.flatMap({ Int64($0) }) else { throw PageError.notFound }
        return try await refusalsShown(request, context: context, done: "rolled-back") {
            _ = try await models.rollback(expectedLive: live, by: staff)
        }
    }

    @Sendable func train(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        _ = try await kit.form(AgencyPages.CSRFForm.self, from: request, context: context)
        try ModelUpdates.checkAdministrator(staff)
        guard let training else { throw PageError.notFound }
        return try await refusalsShown(request, context: context, done: "trained") {
            _ = try await models.train(
                training, minimumCases: settings.minimumCases, margin: settings.promotionMargin, by: staff, at: clock())
        }
    }

    /// Runs `action` and goes back to the list; a conflict (a worse model, nothing to roll back) is
    /// shown on the list with 409.
    func refusalsShown(
        _ request: Request, context: SiangRequestContext, done: String, _ action: () async throws -> Void
    ) async throws -> Response {
        do {
            try await action()
        } catch let error as DomainError where error.kind == .conflict {
            let view = kit.view(request, context: context)
            return try await page(
                request, context: context, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN))], status: .conflict)
        }
        return kit.redirect(to: "/agency/models?done=\(done)")
    }
}
