import Domain
import Foundation
import Hummingbird
import Pages
import Services

/// The public consultation pages: `/consultations` and `/consultations/{id}`, with the participant's
/// verification by one-time code and the opinion form while open, and the themes and responses once
/// closed. The participant's token lives in an HttpOnly cookie scoped to `/consultations`, never in a URL.
struct ConsultationPages {
    let kit: PageKit
    let consultations: ConsultationService
    let reference: Reference

    static let participantCookie = "siang_participant"

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("consultations", use: list)
        router.get("consultations/{id}", use: show)
        router.post("consultations/{id}/code", use: sendCode)
        router.post("consultations/{id}/verify", use: verify)
        router.post("consultations/{id}/opinions", use: giveOpinion)
    }

    static func id(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw PageError.notFound }
        return id
    }

    func agencyName(_ code: String, _ language: Language) -> String {
        reference.agencies[code].map { language.pick($0.nameTH, $0.nameEN) } ?? code
    }

    func phaseName(_ phase: ConsultationPhase, _ view: PageKit.View) -> String { view.text("consultation_phase_\(phase.rawValue)") }

    func row(_ figures: ConsultationService.Figures, _ view: PageKit.View) -> ConsultationRow {
        ConsultationRow(
            id: figures.consultation.id, title: figures.consultation.title,
            agencyName: agencyName(figures.consultation.agencyCode, view.language), phaseName: phaseName(figures.phase, view),
            closes: view.format.date(figures.consultation.closesAt),
            opinions: view.text("consultation_opinions_count", ["count": view.format.number(figures.participation.opinions)]))
    }

    func participation(_ value: ConsultationParticipation, _ view: PageKit.View) -> String {
        view.text(
            "consultation_participation",
            ["opinions": view.format.number(value.opinions), "participants": view.format.number(value.participants)])
    }

    func theme(_ theme: ConsultationTheme, _ view: PageKit.View) -> ThemeView {
        ThemeView(
            id: theme.id, label: theme.isOther ? view.language.pick("อื่น ๆ", "Other") : theme.label,
            size: view.text("consultation_theme_size", ["count": view.format.number(theme.size)]),
            words: theme.words.joined(separator: " · "), quotes: theme.quotes.map { ThemeView.Quote(text: $0) },
            stances: view.text(
                "consultation_stances",
                [
                    "agree": view.format.percent(theme.stances.share(.agree)),
                    "disagree": view.format.percent(theme.stances.share(.disagree)),
                    "neutral": view.format.percent(theme.stances.share(.neutral)),
                ]),
            response: theme.response)
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let figures = try await consultations.figures()
        return try kit.page(
            ConsultationListPage(consultations: figures.map { row($0, view) }), title: view.text("title_consultations"),
            view: view, request: request)
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let flash = request.uri.queryParameters.get("done").flatMap {
            ["opinion", "verified"].contains($0) ? view.text("consultation_flash_\($0)") : nil
        }
        return try await page(id: try Self.id(context), request: request, view: view, flash: flash)
    }

    /// The consultation page, with `errors` and what the visitor typed kept after a refusal.
    func page(
        id: Int64, request: Request, view: PageKit.View, errors: [FormError] = [], text: String = "", address: String = "",
        flash: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let found = try await consultations.view(id: id)
        let consultation = found.consultation
        var verified = false
        if let token = request.cookies[Self.participantCookie]?.value { verified = await consultations.isValidToken(token) }
        var model = ConsultationPage(
            consultationID: id, heading: consultation.title, agencyName: agencyName(consultation.agencyCode, view.language),
            phaseName: phaseName(found.phase, view),
            dates: view.text(
                "consultation_dates",
                ["opens": view.format.date(consultation.opensAt), "closes": view.format.date(consultation.closesAt)]),
            question: consultation.question,
            sections: consultation.sections.enumerated().map { ConsultationPage.Section(number: $0.offset + 1, text: $0.element) },
            participation: participation(found.participation, view), errors: errors, verify: nil, opinionForm: nil,
            themes: found.themes.map { theme($0, view) }, isClosed: found.phase == .closed,
            responsesPublished: found.responsesPublished)
        if found.phase == .open {
            if verified || consultation.allowsAnonymous {
                let sections = consultation.sections.isEmpty ? [] : [SelectOption(code: "", name: view.text("consultation_section_whole"))]
                    + consultation.sections.indices.map {
                        SelectOption(code: "\($0 + 1)", name: view.text("consultation_section_n", ["number": "\($0 + 1)"]))
                    }
                model.opinionForm = ConsultationPage.OpinionForm(text: text, sectionOptions: sections, anonymous: !verified)
            } else {
                model.verify = ConsultationPage.Verify(address: address)
            }
        }
        return try kit.page(model, title: consultation.title, view: view, request: request, status: status, flash: flash)
    }

    struct CodeForm: PostedForm {
        var csrf: String?
        var address: String?
    }

    @Sendable func sendCode(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(CodeForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let address = (form.address ?? "").trimmingCharacters(in: .whitespaces)
        let consultation = try await consultations.consultation(id: id)
        do {
            let phase = consultations.phase(of: consultation)
            guard phase == .open else { throw DomainError.consultationNotOpen(phase) }
            let issued = try await consultations.sendCode(to: address, language: view.language == .english ? .en : .th)
            return try kit.page(
                ConsultationCodePage(consultationID: id, heading: consultation.title, codeID: issued.id, errors: []),
                title: view.text("title_consultation_code"), view: view, request: request)
        } catch let error as DomainError {
            return try await page(
                id: id, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "participant-address")],
                address: address, status: error.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }

    struct VerifyForm: PostedForm {
        var csrf: String?
        var code_id: String?
        var code: String?
    }

    @Sendable func verify(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(VerifyForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let codeID = Int64(form.code_id ?? "") ?? 0
        do {
            let token = try await consultations.verifyParticipant(codeID: codeID, code: form.code ?? "")
            let cookie = kit.cookie(Self.participantCookie, token.token, path: "/consultations", maxAge: 3600)
            return kit.redirect(to: "/consultations/\(id)?done=verified#opinion", cookies: [cookie])
        } catch let error as DomainError where error.kind == .invalid {
            let consultation = try await consultations.consultation(id: id)
            return try kit.page(
                ConsultationCodePage(
                    consultationID: id, heading: consultation.title, codeID: codeID,
                    errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "code")]),
                title: view.text("title_consultation_code"), view: view, request: request, status: .unprocessableContent)
        }
    }

    struct OpinionForm: PostedForm {
        var csrf: String?
        var text: String?
        var stance: String?
        var section: String?
    }

    @Sendable func giveOpinion(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await kit.form(OpinionForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let token = request.cookies[Self.participantCookie]?.value
        do {
            let stance = try ConsultationsController.stance(form.stance ?? "neutral")
            _ = try await consultations.giveOpinion(
                consultationID: id,
                .init(text: form.text ?? "", stance: stance, section: form.section.flatMap { Int($0) }, token: token))
            return kit.redirect(to: "/consultations/\(id)?done=opinion")
        } catch let error as DomainError where error.kind != .notFound {
            return try await page(
                id: id, request: request, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "opinion-text")],
                text: form.text ?? "", status: error.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }
}
