import Domain
import Foundation
import Hummingbird
import HummingbirdAuth
import Pages
import Services

/// The staff's consultation pages under `/agency/consultations` (signed in): open a consultation, see
/// its themes (live while it runs), and once closed rename, merge, split and respond to them, then
/// publish the responses. Refusals show the error page with the service's message; every form is
/// checked for CSRF.
struct ConsultationStaffPages {
    let kit: PageKit
    let consultations: ConsultationService
    let accounts: StaffAccounts
    let pages: ConsultationPages

    func addRoutes(to router: Router<SiangRequestContext>, sessions: SessionMiddleware<SiangRequestContext>) {
        let group = router.group("agency/consultations").add(middleware: sessions)
            .add(middleware: StaffSessionMiddleware(accounts: accounts))
        group.get("", use: list)
        group.post("", use: open)
        group.get("{id}", use: show)
        group.post("{id}/themes/{theme}/rename", use: rename)
        group.post("{id}/themes/{theme}/merge", use: merge)
        group.post("{id}/themes/{theme}/split", use: split)
        group.post("{id}/themes/{theme}/response", use: respond)
        group.post("{id}/publish", use: publish)
    }

    func areas(_ view: PageKit.View) -> [SelectOption] {
        pages.reference.data.areas.filter { $0.level == .district || $0.level == .province }.map {
            SelectOption(code: $0.code, name: view.language.pick($0.nameTH, $0.nameEN))
        }
    }

    func listPage(_ staff: StaffMember, request: Request, view: PageKit.View, errors: [FormError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let figures = try await consultations.figures().filter { staff.role == .admin || $0.consultation.agencyCode == staff.agencyCode }
        return try kit.page(
            StaffConsultationListPage(consultations: figures.map { pages.row($0, view) }, errors: errors, areas: areas(view)),
            title: view.text("title_staff_consultations"), view: view, request: request, status: status)
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await listPage(try AgencyPages.staff(context), request: request, view: kit.view(request, context: context))
    }

    struct OpenForm: PostedForm {
        var csrf: String?
        var title: String?
        var question: String?
        var sections: String?
        var area: String?
        var opens_at: String?
        var closes_at: String?
        var allows_anonymous: String?
    }

    @Sendable func open(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let form = try await kit.form(OpenForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        do {
            func date(_ text: String?, _ field: String) throws -> Date {
                try BudgetStaffController.date(TypedDate.gregorian(text ?? ""), field: field)
            }
            let sections = (form.sections ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let consultation = try await consultations.open(
                by: staff,
                .init(
                    title: form.title ?? "", question: form.question ?? "", sections: sections, areaCode: form.area,
                    opensAt: try date(form.opens_at, "opens_at"), closesAt: try date(form.closes_at, "closes_at"),
                    allowsAnonymous: form.allows_anonymous != nil))
            return kit.redirect(to: "/agency/consultations/\(consultation.id)")
        } catch let error as DomainError where error.kind == .invalid {
            return try await listPage(
                staff, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "consultation-title")],
                status: .unprocessableContent)
        }
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        let view = kit.view(request, context: context)
        let found = try await consultations.staffThemes(id: id, by: staff)
        let participation = try await consultations.figures().first { $0.consultation.id == id }?.participation
            ?? .init(consultationID: id, opinions: 0, participants: 0, verifiedOpinions: 0)
        let themes = found.themes.map { theme -> StaffConsultationPage.Theme in
            let shown = pages.theme(theme, view)
            return StaffConsultationPage.Theme(
                id: theme.id, label: shown.label, size: shown.size, words: shown.words, quotes: shown.quotes,
                stances: shown.stances, response: theme.response,
                others: found.themes.filter { $0.id != theme.id }.map {
                    SelectOption(code: "\($0.id)", name: $0.isOther ? view.language.pick("อื่น ๆ", "Other") : $0.label)
                }, responseText: theme.response ?? "")
        }
        let model = StaffConsultationPage(
            consultationID: id, heading: found.consultation.title,
            phaseName: pages.phaseName(consultations.phase(of: found.consultation), view),
            participation: pages.participation(participation, view), live: found.live, editable: !found.live,
            published: found.consultation.publishedAt != nil, themes: themes)
        let flash = request.uri.queryParameters.get("done") != nil ? view.text("staff_consultation_flash_saved") : nil
        return try kit.page(model, title: found.consultation.title, view: view, request: request, flash: flash)
    }

    static func theme(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("theme"), let id = Int64(text), id > 0 else { throw PageError.notFound }
        return id
    }

    func done(_ id: Int64) -> Response { kit.redirect(to: "/agency/consultations/\(id)?done=1") }

    struct LabelForm: PostedForm {
        var csrf: String?
        var label: String?
    }

    @Sendable func rename(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        let form = try await kit.form(LabelForm.self, from: request, context: context)
        try await consultations.rename(id: id, themeID: try Self.theme(context), label: form.label ?? "", by: staff)
        return done(id)
    }

    struct MergeForm: PostedForm {
        var csrf: String?
        var from: String?
    }

    @Sendable func merge(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        let form = try await kit.form(MergeForm.self, from: request, context: context)
        try await consultations.merge(
            id: id, into: try Self.theme(context), from: form.from.flatMap { Int64($0) }.map { [$0] } ?? [], by: staff)
        return done(id)
    }

    struct PlainForm: PostedForm {
        var csrf: String?
    }

    @Sendable func split(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        _ = try await kit.form(PlainForm.self, from: request, context: context)
        _ = try await consultations.split(id: id, themeID: try Self.theme(context), opinionIDs: nil, label: nil, by: staff)
        return done(id)
    }

    struct ResponseForm: PostedForm {
        var csrf: String?
        var text: String?
    }

    @Sendable func respond(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        let form = try await kit.form(ResponseForm.self, from: request, context: context)
        try await consultations.respond(id: id, themeID: try Self.theme(context), text: form.text ?? "", by: staff)
        return done(id)
    }

    @Sendable func publish(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyPages.staff(context)
        let id = try ConsultationPages.id(context)
        _ = try await kit.form(PlainForm.self, from: request, context: context)
        _ = try await consultations.publish(id: id, by: staff)
        return done(id)
    }
}
