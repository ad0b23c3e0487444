import Domain
import Foundation
import Hummingbird
import Pages
import Services

/// The citizens' proposal pages: the list, the propose form (similar proposals shown before
/// posting), the code and secret once, and a proposal with its supports and the support step,
/// which works without JavaScript as two forms (address → code).
struct ProposalPages {
    let kit: PageKit
    let proposals: ProposalService
    let behindProxy: Bool
    /// Rendered pages of the list by language and address (they hold nothing of the visitor's).
    var lists = TimedCache<String, String>(lifetime: .zero)

    /// The supporter token is kept in an HttpOnly cookie for the proposal pages while it is valid,
    /// so a person verified once supports other proposals with one click.
    static let supporterCookie = "siang_supporter"
    static let pageSize = 20

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("proposals", use: list)
        router.get("proposals/new", use: proposeForm)
        router.post("proposals/new", use: propose)
        router.get("proposals/{code}", use: show)
        router.post("proposals/{code}/support/code", use: sendCode)
        router.post("proposals/{code}/support", use: support)
    }

    var reference: Reference { proposals.reference }

    // MARK: The list

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        // One rendering serves everyone asking the same address in the same language for the list
        // cache's lifetime (the API's list is cached as long).
        return try await kit.sharedPage(request, view: view, cache: lists) { try await renderList(request, view: view) }
    }

    func renderList(_ request: Request, view: PageKit.View) async throws -> String {
        let query = request.uri.queryParameters
        let parsed: (ProposalListFilter, page: Int)
        do {
            parsed = try ProposalListQuery.parse(query, reference: reference)
        } catch {
            parsed = (ProposalListFilter(limit: Self.pageSize), 1)
        }
        let (filter, page) = parsed
        let found = try await proposals.list(filter)
        let language = view.language
        func link(_ page: Int) -> String {
            var parts: [String] = []
            for name in ["scope", "topic", "status", "sort"] {
                if let value = query.get(name)?.nonBlank { parts.append("\(name)=\(PageKit.percentEncoded(value))") }
            }
            parts.append("page=\(page)")
            return "/proposals?" + parts.joined(separator: "&")
        }
        let model = ProposalListPage(
            scopes: ProposalScopeLevel.allCases.map {
                SelectOption(code: $0.rawValue, name: view.text("scope_\($0.rawValue)"), selected: filter.scopeLevel == $0)
            },
            categories: reference.data.categories.map {
                SelectOption(
                    code: $0.code, name: language.pick($0.nameTH, $0.nameEN), selected: filter.categories == [$0.code])
            },
            statuses: ProposalStatus.publicStatuses.map {
                SelectOption(
                    code: $0.rawValue, name: Self.statusName($0, language),
                    selected: query.get("status") == $0.rawValue)
            },
            sorts: ProposalListFilter.Order.allCases.map {
                SelectOption(code: $0.rawValue, name: view.text("sort_\($0.rawValue)"), selected: filter.order == $0)
            },
            items: found.proposals.map { item($0, view: view) }, empty: found.proposals.isEmpty,
            previousPage: page > 1 ? link(page - 1) : nil, nextPage: found.hasMore ? link(page + 1) : nil)
        return try kit.render(model, title: view.text("title_proposals"), view: view, request: request, shared: true)
    }

    func item(_ record: ProposalRecord, view: PageKit.View) -> ProposalListPage.Item {
        ProposalListPage.Item(
            code: record.code, heading: record.publicTitle, scopeName: scopeName(record.scope, view: view),
            categoryName: view.language.categoryName(record.categoryCode, reference: reference),
            statusName: Self.statusName(record.status, view.language), supports: view.format.number(record.supports),
            needed: record.status == .published ? record.threshold.map { "\(view.format.number(record.supports)) / \(view.format.number($0))" } : nil)
    }

    static func statusName(_ status: ProposalStatus, _ language: Language) -> String {
        let words = ProposalWords.status(status)
        return language.pick(words.th, words.en)
    }

    func scopeName(_ scope: ProposalScope, view: PageKit.View) -> String {
        guard let code = scope.areaCode else { return view.text("scope_national") }
        let names = [scope.districtCode, scope.provinceCode].compactMap { $0.flatMap { reference.areas[$0] } }
            .map { view.language.pick($0.nameTH, $0.nameEN) }
        return names.isEmpty ? code : names.joined(separator: ", ")
    }

    // MARK: Proposing

    struct ProposeForm: PostedForm {
        var csrf: String?
        var step: String?
        var title: String?
        var text: String?
        var category: String?
        var scope: String?
        var province: String?
        var district: String?
        var cost: String?
        var contact_name: String?
        var contact_phone: String?
        var contact_email: String?
        var notify_email: String?
        var consent: String?
    }

    @Sendable func proposeForm(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await formPage(request, context: context, form: ProposeForm(), similar: nil, errors: [])
    }

    func formPage(
        _ request: Request, context: SiangRequestContext, form: ProposeForm, similar: [ProposalRecord]?,
        errors: [FormError], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = kit.view(request, context: context)
        let language = view.language
        let provinces = reference.data.areas.filter { $0.level == .province }
            .sorted { language.pick($0.nameTH, $0.nameEN) < language.pick($1.nameTH, $1.nameEN) }
        let districts = Dictionary(grouping: reference.data.areas.filter { $0.level == .district }) { $0.parentCode ?? "" }
        let model = ProposePage(
            form: .init(
                heading: form.title ?? "", text: form.text ?? "", cost: form.cost ?? "", contactName: form.contact_name ?? "",
                contactPhone: form.contact_phone ?? "", contactEmail: form.contact_email ?? "", consent: form.consent != nil,
                notifyEmail: form.notify_email != nil),
            scopes: ProposalScopeLevel.allCases.map {
                SelectOption(
                    code: $0.rawValue, name: view.text("scope_\($0.rawValue)"),
                    selected: (form.scope ?? "district") == $0.rawValue)
            },
            categories: reference.data.categories.map {
                SelectOption(code: $0.code, name: language.pick($0.nameTH, $0.nameEN), selected: $0.code == form.category)
            },
            provinces: provinces.map {
                SelectOption(code: $0.code, name: language.pick($0.nameTH, $0.nameEN), selected: $0.code == form.province)
            },
            districtGroups: provinces.compactMap { province -> FilingPage.DistrictGroup? in
                // Bangkok's and the chosen province's districts only: the page stays small; siang.js
                // fetches another province's when it is chosen, and without script a subdistrict's name
                // with the province places the case.
                guard province.code == "10" || province.code == form.province || form.district?.hasPrefix(province.code) == true,
                    let list = districts[province.code], !list.isEmpty
                else { return nil }
                return FilingPage.DistrictGroup(
                    province: province.code, provinceName: language.pick(province.nameTH, province.nameEN),
                    districts: list.sorted { language.pick($0.nameTH, $0.nameEN) < language.pick($1.nameTH, $1.nameEN) }.map {
                        SelectOption(code: $0.code, name: language.pick($0.nameTH, $0.nameEN), selected: $0.code == form.district)
                    })
            },
            similar: (similar ?? []).map {
                .init(code: $0.code, heading: $0.publicTitle, supports: view.format.number($0.supports))
            },
            checkedSimilar: similar != nil, errors: errors)
        return try kit.page(model, title: view.text("title_propose"), view: view, request: request, status: status)
    }

    @Sendable func propose(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(ProposeForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        if form.step == "similar" {
            let found = (try? await proposals.similar(title: form.title ?? "", text: form.text ?? "")) ?? []
            return try await formPage(request, context: context, form: form, similar: found, errors: [])
        }
        var cost: Int64?
        if let text = form.cost?.filter({ !$0.isWhitespace && $0 != "," }), !text.isEmpty {
            guard let value = Int64(text) else {
                return try await formPage(
                    request, context: context, form: form, similar: nil,
                    errors: [FormError(message: view.language.pick("ประมาณการค่าใช้จ่ายต้องเป็นจำนวนบาท", "The cost must be a number of baht."), field: "cost")],
                    status: .unprocessableContent)
            }
            cost = value
        }
        let contact = FilingRequest.ContactInput(name: form.contact_name, phone: form.contact_phone, email: form.contact_email)
        let proposal = ProposalRequest(
            title: form.title ?? "", text: form.text ?? "", scope: form.scope.flatMap(ProposalScopeLevel.init(rawValue:)),
            province: form.province, district: form.district, category: form.category?.nonBlank, estimatedCost: cost,
            contact: contact.isEmpty ? nil : contact,
            consent: form.consent != nil ? .init(version: proposals.consentVersion, accepted: true) : nil,
            notify: form.notify_email != nil && form.contact_email?.nonBlank != nil ? [.email] : [],
            language: view.language == .english ? .en : .th)
        do {
            let proposed = try await proposals.propose(proposal)
            // This browser may follow the pending proposal at once ("go to the proposal").
            return try kit.page(
                ProposedPage(code: proposed.record.code, secret: proposed.secret), title: view.text("title_proposed"), view: view,
                request: request, status: .created,
                cookies: [CitizenPages.proposerCookie(kit, code: proposed.record.code, secret: proposed.secret)])
        } catch let error as DomainError {
            return try await formPage(
                request, context: context, form: form, similar: nil,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: Self.field(of: error))],
                status: .unprocessableContent)
        }
    }

    /// The form field an error is about, for the error summary's link.
    static func field(of error: DomainError) -> String? {
        switch error.code {
        case "missing_title", "title_too_long": "title"
        case "missing_text", "text_too_long": "text"
        case "unknown_area": "province"
        case "unknown_category": "category"
        case "invalid_estimated_cost": "cost"
        case "consent_required", "consent_version": "consent"
        default: error.code.hasPrefix("invalid_contact") ? "contact_name" : nil
        }
    }

    // MARK: A proposal

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await page(request, context: context, support: nil, errors: [], flash: Self.flash(request, view: kit.view(request, context: context)))
    }

    static func flash(_ request: Request, view: PageKit.View) -> String? {
        switch request.uri.queryParameters.get("support") {
        case "supported": view.text("flash_supported")
        case "flagged": view.text("flash_support_flagged")
        case "already_supported": view.text("flash_already_supported")
        default: nil
        }
    }

    func page(
        _ request: Request, context: SiangRequestContext, support step: ProposalPage.Support?, errors: [FormError],
        flash: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = kit.view(request, context: context)
        guard let code = context.parameters.get("code") else { throw PageError.notFound }
        let tracking: ProposalService.Tracking
        do {
            tracking = try await proposerOrPublic(code: code, secret: request.cookies[CitizenPages.trackCookie]?.value)
        } catch let error as DomainError where error.kind == .notFound {
            throw PageError.notFound
        }
        let record = tracking.record
        var ownerNotice: String?
        if case .proposer = tracking {
            switch record.status {
            case .pending: ownerNotice = view.text("proposal_owner_pending")
            case .rejected:
                let reason = record.rejection.map { view.language.pick(ProposalWords.rejection($0).th, ProposalWords.rejection($0).en) }
                ownerNotice = [view.text("proposal_owner_rejected"), reason, record.rejectionNote].compactMap { $0 }.joined(separator: " ")
            default: break
            }
        }
        let days = try await proposals.supportsByDay(of: record)
        let language = view.language
        let format = view.format
        let chart = SVGChart.line(
            id: "supports-\(record.code)", title: view.text("proposal_supports_heading"),
            description: "\(view.text("proposals_supports")): \(format.number(record.supports))",
            points: Self.cumulative(days).map { ChartPoint(label: $0.day, value: Double($0.total)) },
            format: { format.number(Int($0)) })
        var verified = false
        if let cookie = request.cookies[Self.supporterCookie]?.value {
            verified = await proposals.isValidSupporterToken(cookie)
        }
        let now = proposals.clock()
        let model = ProposalPage(
            proposal: .init(
                code: record.code, heading: record.publicTitle, text: record.publicText, statusCode: record.status.rawValue,
                statusName: Self.statusName(record.status, language), scopeName: scopeName(record.scope, view: view),
                categoryName: language.categoryName(record.categoryCode, reference: reference),
                cost: record.estimatedCost.map { format.number(Int($0)) }, supports: format.number(record.supports),
                threshold: record.threshold.map { format.number($0) }, closes: record.closesAt.map { format.date($0) },
                agencyName: record.routedAt == nil
                    ? nil : record.agencyCode.flatMap { reference.agencies[$0] }.map { language.pick($0.nameTH, $0.nameEN) },
                budgetRound: record.budget.map { .init(roundID: $0.roundID, name: $0.roundName) }),
            chart: chart, days: days.map { .init(day: $0.day, supports: format.number($0.supports)) },
            answer: record.answerDue == nil && record.answer == nil
                ? nil
                : ProposalPage.Answer(
                    kindName: record.answer.map { language.pick(ProposalWords.answer($0).th, ProposalWords.answer($0).en) }
                        ?? language.pick("รอคำตอบ", "Awaiting the answer"),
                    answerText: record.answerText, answeredAt: record.answeredAt.map { format.date($0) },
                    due: record.answerDue.map { format.date($0) }, studyUntil: record.studyUntil.map { format.date($0) },
                    late: record.answerIsLate(at: now)),
            timeline: tracking.events.map {
                .init(at: format.dateTime($0.at), what: view.text("proposal_event_\($0.kind.rawValue)"),
                      note: $0.kind == .rejected ? nil : $0.note)
            },
            support: record.acceptsSupports(at: now)
                ? (step ?? ProposalPage.Support(verified: verified, codeID: nil, sentTo: nil)) : nil,
            ownerNotice: ownerNotice, errors: errors)
        return try kit.page(model, title: record.publicTitle, view: view, request: request, status: status, flash: flash)
    }

    /// The proposal as the proposer sees it when the browser holds its secret (a pending or rejected
    /// one included), else as the public does.
    func proposerOrPublic(code: String, secret: String?) async throws -> ProposalService.Tracking {
        guard let secret else { return try await proposals.track(code: code) }
        do {
            return try await proposals.track(code: code, secret: secret)
        } catch let error as DomainError where error.code == "invalid_secret" {
            return try await proposals.track(code: code)
        }
    }

    /// Running totals per day, for the chart.
    static func cumulative(_ days: [(day: String, supports: Int)]) -> [(day: String, total: Int)] {
        var total = 0
        return days.map { day in
            total += day.supports
            return (day.day, total)
        }
    }

    // MARK: Supporting

    struct AddressForm: PostedForm {
        var csrf: String?
        var address: String?
    }

    /// Step one: a code to the address given.
    @Sendable func sendCode(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(AddressForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let address = form.address?.trimmingCharacters(in: .whitespaces) ?? ""
        do {
            let issued = try await proposals.sendSupportCode(to: address, language: view.language == .english ? .en : .th)
            return try await page(
                request, context: context, support: .init(verified: false, codeID: String(issued.id), sentTo: address), errors: [],
                flash: nil)
        } catch let error as DomainError {
            return try await page(
                request, context: context, support: nil,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "address")], flash: nil,
                status: .unprocessableContent)
        }
    }

    struct SupportForm: PostedForm {
        var csrf: String?
        var code_id: String?
        var code: String?
        var notify: String?
    }

    /// Step two (or the only step, once verified): the code given back, and the support.
    @Sendable func support(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(SupportForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        guard let code = context.parameters.get("code") else { throw PageError.notFound }
        var cookies: [Cookie] = []
        do {
            var token = request.cookies[Self.supporterCookie]?.value
            if let id = form.code_id.flatMap({ Int64($0) }), let given = form.code {
                let issued = try await proposals.verifySupporter(codeID: id, code: given)
                token = issued.token
                cookies.append(
                    kit.cookie(
                        Self.supporterCookie, issued.token, path: "/proposals",
                        maxAge: Int(proposals.proposalRules.supporterTokenLifetime)))
            }
            guard let token else {
                return try await page(request, context: context, support: nil, errors: [], flash: nil, status: .unauthorized)
            }
            let result = try await proposals.support(
                code: code, token: token, client: context.client(of: request, behindProxy: behindProxy),
                notify: form.notify != nil, language: view.language == .english ? .en : .th)
            return kit.redirect(to: "/proposals/\(code)?support=\(result.outcome.rawValue)", cookies: cookies)
        } catch let error as DomainError where error.kind != .notFound {
            let step: ProposalPage.Support? =
                error.code == "wrong_code" ? .init(verified: false, codeID: form.code_id, sentTo: nil) : nil
            if error.kind == .unauthenticated { cookies.append(kit.cookie(Self.supporterCookie, "", path: "/proposals", maxAge: 0)) }
            var response = try await page(
                request, context: context, support: step,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: step == nil ? nil : "code")],
                flash: nil, status: error.kind == .conflict ? .conflict : .unprocessableContent)
            for cookie in cookies { response.setCookie(cookie) }
            return response
        } catch let error as DomainError where error.kind == .notFound {
            throw PageError.notFound
        }
    }
}

extension Language {
    /// A category's name in this language.
    func categoryName(_ code: String, reference: Reference) -> String {
        reference.categories[code].map { pick($0.nameTH, $0.nameEN) } ?? code
    }
}
