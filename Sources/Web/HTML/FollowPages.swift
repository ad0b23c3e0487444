import Domain
import Foundation
import Hummingbird
import Pages
import Services
import Statistics

/// "Me too" on the pages: following a case from its page or from the filing form's "already reported?"
/// list, the follow's code and secret (shown once), and the followed case seen with that code.
///
/// As with cases, the follow's secret never travels in a URL: it is kept in a short-lived HttpOnly
/// cookie scoped to `/follows/{code}`.
struct FollowPages {
    let kit: PageKit
    let duplicates: DuplicateService
    let citizen: CitizenPages

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.post("cases/{code}/me-too", use: follow)
        router.get("follows/{code}", use: followed)
    }

    struct FollowForm: PostedForm {
        var csrf: String?
        var contact_email: String?
        var contact_phone: String?
        var consent: String?
        var notify_email: String?
        var notify_sms: String?
    }

    static func cookie(_ kit: PageKit, code: String, secret: String) -> Cookie {
        kit.cookie(CitizenPages.trackCookie, secret, path: "/follows/\(code)", maxAge: CitizenPages.trackLifetime)
    }

    @Sendable func follow(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(FollowForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let code = try CitizenPages.code(context)
        let contact = FilingRequest.ContactInput(phone: form.contact_phone?.nonBlank, email: form.contact_email?.nonBlank)
        let followed: DuplicateService.Followed
        do {
            followed = try await duplicates.follow(
                code: code, contact: contact.isEmpty ? nil : contact,
                consent: form.consent != nil ? .init(version: citizen.cases.rules.consentVersion, accepted: true) : nil,
                notify: (form.notify_email != nil ? [.email] : []) + (form.notify_sms != nil ? [.sms] : []),
                language: view.language == .english ? .en : .th)
        } catch let error as DomainError where error.kind == .invalid || error.kind == .conflict {
            // The case page again, with why (a closed case, a missing consent).
            let tracked = try await citizen.trackedCase(code: code, secret: nil)
            return try await citizen.casePage(
                tracked, access: nil, view: view, request: request,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: nil)], flash: nil,
                status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
        let model = FollowedPage(
            code: followed.code, secret: followed.secret, caseCode: followed.record.code,
            meTooCount: followed.record.meTooCount)
        return try kit.page(
            model, title: view.text("title_followed"), view: view, request: request,
            cookies: [Self.cookie(kit, code: followed.code, secret: followed.secret)])
    }

    @Sendable func followed(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let raw = try context.parameters.require("code")
        guard let code = TrackingCode.canonical(raw.removingPercentEncoding ?? raw, prefix: DuplicateService.followPrefix)
        else { throw PageError.notFound }
        guard let secret = request.cookies[CitizenPages.trackCookie]?.value, CitizenPages.isCookieSafe(secret) else {
            return kit.redirect(to: "/track?code=\(code)")
        }
        let found: (follow: CaseFollow, record: CaseRecord, events: [CaseEvent])
        do {
            found = try await duplicates.followed(code: code, secret: secret)
        } catch let error as DomainError where error.kind == .notFound {
            context.credentialRefused.set()
            return kit.redirect(to: "/track?code=\(code)")
        }
        return try await citizen.casePage(
            .public(found.record, found.events), access: nil, view: view, request: request, errors: [],
            flash: view.text("followed_flash", ["code": found.follow.code]), status: .ok)
    }
}

extension CitizenPages {
    /// A similar case as the pages list it: public (redacted) fields only.
    func similarItem(_ similar: SimilarCase, view: PageKit.View) -> SimilarItem {
        let record = similar.record
        return SimilarItem(
            code: record.code, similarTitle: record.publicTitle, text: String(record.publicText.prefix(400)),
            statusName: statusName(record.state.status, view), areaName: areaName(record.area, view),
            filedAt: view.format.date(record.filedAt), meTooCount: record.meTooCount,
            percent: Int((similar.score * 100).rounded()), sharedWords: similar.sharedWords.joined(separator: ", "))
    }

    /// The filing form again, with the open public cases like the one typed ("already reported?").
    func checkSimilar(
        _ form: FilingForm, duplicates: DuplicateService, view: PageKit.View, request: Request
    ) async throws -> Response {
        var coordinates: (Double?, Double?) = (nil, nil)
        if let lat = form.latitude.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
            let lon = form.longitude.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), lat.isFinite, lon.isFinite
        {
            coordinates = (lat, lon)
        }
        do {
            let found = try await duplicates.similar(
                text: [form.title, form.text].compactMap { $0 }.joined(separator: "\n"),
                area: .init(province: form.province?.nonBlank, district: form.district?.nonBlank),
                latitude: coordinates.0, longitude: coordinates.1, category: form.category?.nonBlank)
            let items = found.map { similarItem($0, view: view) }
            return try renderFileForm(form, errors: [], view: view, request: request, status: .ok, similar: items)
        } catch let error as DomainError where error.kind == .invalid {
            return try renderFileForm(
                form, errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: Self.field(of: error.code))],
                view: view, request: request, status: .unprocessableContent)
        }
    }
}
