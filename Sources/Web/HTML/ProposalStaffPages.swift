import Domain
import Foundation
import Hummingbird
import Pages
import Services
import Statistics

/// Staff's proposal pages, behind the same sign-in as the inbox: the moderation queue (triage
/// officers and administrators), the proposals an agency must answer, and one proposal with the
/// forms to publish, reject, count flagged supports, answer and report progress.
struct ProposalStaffPages {
    let kit: PageKit
    let proposals: ProposalService

    func addRoutes(to signedIn: RouterGroup<SiangRequestContext>) {
        signedIn.get("proposals", use: queue)
        signedIn.get("proposals/{code}", use: show)
        signedIn.post("proposals/{code}/{action}", use: act)
    }

    var reference: Reference { proposals.reference }

    func item(_ record: ProposalRecord, view: PageKit.View) -> StaffProposalsPage.Item {
        StaffProposalsPage.Item(
            code: record.code, heading: record.title, statusName: ProposalPages.statusName(record.status, view.language),
            supports: view.format.number(record.supports), flaggedSupports: view.format.number(record.flaggedSupports),
            due: record.answerDue.map { view.format.date($0) })
    }

    @Sendable func queue(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let staff = try AgencyPages.staff(context)
        let moderator = ProposalService.moderates(staff)
        var queue: (pending: [ProposalRecord], flagged: [ProposalRecord]) = ([], [])
        if moderator { queue = try await proposals.moderationQueue(by: staff) }
        let inbox = try await proposals.inbox(by: staff)
        let model = StaffProposalsPage(
            moderator: moderator, pending: queue.pending.map { item($0, view: view) },
            flagged: queue.flagged.map { item($0, view: view) }, toAnswer: inbox.proposals.map { item($0, view: view) })
        return try kit.page(model, title: view.text("title_staff_proposals"), view: view, request: request)
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await page(request, context: context, errors: [], flash: request.uri.queryParameters.get("saved") != nil
            ? kit.view(request, context: context).text("flash_proposal_updated") : nil)
    }

    func page(
        _ request: Request, context: SiangRequestContext, errors: [FormError], flash: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = kit.view(request, context: context)
        let staff = try AgencyPages.staff(context)
        guard let code = context.parameters.get("code") else { throw PageError.notFound }
        let found: (record: ProposalRecord, events: [ProposalEvent])
        do {
            found = try await proposals.staffView(code: code, by: staff)
        } catch let error as DomainError where error.kind == .notFound {
            throw PageError.notFound
        }
        let record = found.record
        let language = view.language
        let moderator = ProposalService.moderates(staff, record)
        let answerer = ProposalService.answers(record, staff: staff)
        let model = StaffProposalPage(
            code: record.code, heading: record.title, text: record.text,
            statusName: ProposalPages.statusName(record.status, language),
            scopeName: ProposalPages(kit: kit, proposals: proposals, behindProxy: false).scopeName(record.scope, view: view),
            categoryName: language.categoryName(record.categoryCode, reference: reference),
            supports: view.format.number(record.supports), flaggedCount: view.format.number(record.flaggedSupports),
            agencyName: record.agencyCode.flatMap { reference.agencies[$0] }.map { language.pick($0.nameTH, $0.nameEN) } ?? "-",
            canModerate: moderator && record.status == .pending,
            canDecideFlagged: moderator && record.flaggedSupports > 0,
            canAnswer: answerer && (record.status == .routed || (record.status == .answered && record.answer == .underStudy)),
            canReportProgress: answerer && record.status == .answered && record.answer?.isAdoption == true,
            reasons: ProposalRejection.allCases.map {
                SelectOption(code: $0.rawValue, name: language.pick(ProposalWords.rejection($0).th, ProposalWords.rejection($0).en))
            },
            answers: ProposalAnswer.allCases.map {
                SelectOption(code: $0.rawValue, name: language.pick(ProposalWords.answer($0).th, ProposalWords.answer($0).en))
            },
            timeline: found.events.map {
                .init(at: view.format.dateTime($0.at), what: view.text("proposal_event_\($0.kind.rawValue)"), note: $0.note)
            },
            errors: errors)
        return try kit.page(model, title: record.code, view: view, request: request, status: status, flash: flash)
    }

    struct ActionForm: PostedForm {
        var csrf: String?
        var reason: String?
        var note: String?
        var duplicate_of: String?
        var answer: String?
        var text: String?
        var study_until: String?
        var implemented: String?
        var decision: String?
    }

    @Sendable func act(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(ActionForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let staff = try AgencyPages.staff(context)
        guard let code = context.parameters.get("code"), let action = context.parameters.get("action") else {
            throw PageError.notFound
        }
        do {
            switch action {
            case "publish":
                _ = try await proposals.publish(code: code, by: staff)
            case "reject":
                guard let reason = form.reason.flatMap(ProposalRejection.init(rawValue:)) else {
                    throw DomainError.invalid("invalid_reason", th: "กรุณาเลือกเหตุผล", en: "Choose a reason.")
                }
                let result = try await proposals.reject(
                    code: code, reason: reason, note: form.note, duplicateOf: form.duplicate_of?.nonBlank, by: staff)
                if let caseCode = result.caseCode { return kit.redirect(to: "/agency/cases/\(caseCode)") }
            case "answer":
                guard let answer = form.answer.flatMap(ProposalAnswer.init(rawValue:)) else {
                    throw DomainError.invalid("invalid_answer", th: "กรุณาเลือกคำตอบ", en: "Choose an answer.")
                }
                var studyUntil: Date?
                if let typed = form.study_until?.nonBlank {
                    guard let day = BangkokDays.parse(TypedDate.gregorian(typed)) else {
                        throw DomainError.invalid("invalid_study_until", th: "วันที่ต้องอยู่ในรูป YYYY-MM-DD", en: "The date must be YYYY-MM-DD.")
                    }
                    studyUntil = day
                }
                _ = try await proposals.answer(code: code, answer: answer, text: form.text ?? "", studyUntil: studyUntil, by: staff)
            case "progress":
                _ = try await proposals.progress(code: code, note: form.note ?? "", implemented: form.implemented != nil, by: staff)
            case "flagged":
                guard let decision = form.decision.flatMap(FlaggedSupportDecision.init(rawValue:)) else {
                    throw DomainError.invalid("invalid_decision", th: "กรุณาเลือก", en: "Choose confirm or discount.")
                }
                _ = try await proposals.decideFlagged(code: code, ids: nil, decision: decision, by: staff)
            default:
                throw PageError.notFound
            }
            return kit.redirect(to: "/agency/proposals/\(code)?saved=1")
        } catch let error as DomainError where error.kind != .notFound {
            return try await page(
                request, context: context,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: nil)], flash: nil,
                status: error.kind == .forbidden ? .forbidden : error.kind == .conflict ? .conflict : .unprocessableContent)
        } catch let error as DomainError where error.kind == .notFound {
            throw PageError.notFound
        }
    }
}

/// A Bangkok day typed as YYYY-MM-DD, as the start of that day.
enum BangkokDays {
    static func parse(_ text: String) -> Date? {
        guard let day = BangkokCalendar.parseDay(text) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(BangkokCalendar.startOf(day: day)))
    }
}
