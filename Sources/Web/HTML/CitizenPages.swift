import Domain
import Foundation
import Hummingbird
import Pages
import Photos
import Services
import Statistics
import ThaiText

/// The citizen's pages: home, filing, the code-and-secret page, tracking, a case's page, rating
/// and appeal, who used the contact details and their erasure, and the language switch. They
/// call the same `CaseService` as the JSON API.
///
/// The tracking secret never travels in a URL: after filing or tracking it is kept in a
/// short-lived HttpOnly cookie scoped to that case's path, and forms post it from there.
struct CitizenPages {
    let kit: PageKit
    let cases: CaseService
    let photos: PhotoService
    let json: CaseJSONBuilder
    let figures: PageFigures
    /// Proposals' codes are followed with their secret from the same form.
    var proposals: ProposalService? = nil
    /// "Already reported?" on the filing form, and "me too" codes on the tracking form.
    var duplicates: DuplicateService? = nil

    static let trackCookie = "siang_track"
    static let newCaseCookie = "siang_new"
    /// How long a browser stays able to act on a case after showing its secret.
    static let trackLifetime = 3600

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("/", use: home)
        router.get("file", use: fileForm)
        router.post("file", use: file)
        router.get("cases/{code}/filed", use: filed)
        router.get("track", use: trackForm)
        router.post("track", use: track)
        router.get("cases/{code}", use: showCase)
        router.post("cases/{code}/feedback", use: feedback)
        router.post("cases/{code}/reopen", use: reopen)
        router.post("cases/{code}/erase-contact", use: eraseContact)
        router.post("cases/{code}/location", use: setLocation)
        router.get("cases/{code}/photos/{photo}/{file}", use: photo)
        router.get("language/{language}", use: switchLanguage)
    }

    var reference: Reference { cases.reference }

    // MARK: Home

    @Sendable func home(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        return try await kit.sharedPage(request, view: view, cache: figures.pages) { try await renderHome(request, view: view) }
    }

    func renderHome(_ request: Request, view: PageKit.View) async throws -> String {
        let total = try await figures.overall()
        var model = HomePage()
        if total.filed > 0 {
            model.headline = HomePage.Headline(
                filed: view.format.number(total.filed), answered: view.format.percent(total.firstAnswerShare),
                resolved: view.format.number(total.resolved),
                satisfaction: total.meanStars.map { view.format.number($0, fractionDigits: 1) + " / 5" } ?? "–")
        }
        return try kit.render(model, title: view.text("title_home"), view: view, request: request, shared: true)
    }

    // MARK: Filing

    struct FilingForm: PostedForm {
        var csrf: String?
        var idempotency_key: String?
        var kind: String?
        var title: String?
        var text: String?
        var category: String?
        var province: String?
        var district: String?
        var subdistrict: String?
        var address: String?
        var latitude: String?
        var longitude: String?
        var contact_name: String?
        var contact_phone: String?
        var contact_email: String?
        var consent: String?
        var anonymous: String?
        var notify_email: String?
        var notify_sms: String?
        /// Set by the "already reported?" button: show similar cases instead of filing.
        var check: String?
    }

    @Sendable func fileForm(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        var form = FilingForm()
        form.kind = request.uri.queryParameters.get("kind")
        return try renderFileForm(form, errors: [], view: view, request: request, status: .ok)
    }

    func renderFileForm(
        _ form: FilingForm, errors: [FormError], view: PageKit.View, request: Request, status: HTTPResponse.Status,
        similar: [SimilarItem]? = nil
    ) throws -> Response {
        let kind = CaseKind(rawValue: form.kind ?? "") ?? .complaint
        let language = view.language
        let provinces = reference.data.areas.filter { $0.level == .province }
            .sorted { $0.name(language) < $1.name(language) || ($0.name(language) == $1.name(language) && $0.code < $1.code) }
        let districts = Dictionary(grouping: reference.data.areas.filter { $0.level == .district }) { $0.parentCode ?? "" }
        let model = FilingPage(
            form: FilingPage.Fields(
                idempotencyKey: form.idempotency_key.flatMap { Self.isIdempotencyKey($0) ? $0 : nil }
                    ?? CSRFToken.make(),
                title: form.title ?? "", text: form.text ?? "", address: form.address ?? "",
                latitude: form.latitude ?? "", longitude: form.longitude ?? "",
                contactName: form.contact_name ?? "", contactPhone: form.contact_phone ?? "",
                contactEmail: form.contact_email ?? "", consent: form.consent != nil, anonymous: form.anonymous != nil,
                notifyEmail: form.notify_email != nil, notifySMS: form.notify_sms != nil,
                subdistrict: form.subdistrict ?? ""),
            kinds: CaseKind.allCases.map {
                FilingPage.Kind(value: $0.rawValue, name: view.text("kind_\($0.rawValue)"), checked: $0 == kind)
            },
            categories: categoryOptions(view, selected: form.category),
            provinces: provinces.map {
                SelectOption(code: $0.code, name: $0.name(language), selected: $0.code == form.province)
            },
            districtGroups: provinces.compactMap { province -> FilingPage.DistrictGroup? in
                // Bangkok's and the chosen province's districts only: the page stays small; siang.js
                // fetches another province's when it is chosen, and without script a subdistrict's name
                // with the province places the case.
                guard province.code == "10" || province.code == form.province || form.district?.hasPrefix(province.code) == true,
                    let list = districts[province.code], !list.isEmpty
                else { return nil }
                return FilingPage.DistrictGroup(
                    province: province.code, provinceName: province.name(language),
                    districts: list.sorted { $0.name(language) < $1.name(language) }.map {
                        SelectOption(code: $0.code, name: $0.name(language), selected: $0.code == form.district)
                    })
            },
            subdistricts: reference.data.areas.filter { $0.level == .subdistrict && $0.parentCode == form.district }.map {
                SelectOption(code: $0.code, name: $0.nameTH, selected: false)
            },
            errors: errors, checked: similar != nil, similar: similar ?? [], hasSimilar: !(similar ?? []).isEmpty)
        return try kit.page(model, title: view.text("title_file"), view: view, request: request, status: status)
    }

    func categoryOptions(_ view: PageKit.View, selected: String?) -> [SelectOption] {
        reference.data.categories.map {
            SelectOption(code: $0.code, name: view.language.pick($0.nameTH, $0.nameEN), selected: $0.code == selected)
        }
    }

    @Sendable func file(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (form, upload) = try await kit.formWithFiles(
            FilingForm.self, from: request, context: context, maxFiles: photos.limits.maxCount, spool: photos.spool)
        let view = kit.view(request, context: context)
        if form.check != nil, let duplicates { return try await checkSimilar(form, duplicates: duplicates, view: view, request: request) }
        // Photos are checked and cleaned before anything is filed: a bad one shows the form again.
        var cleaned: [CleanPhoto] = []
        do {
            if let rejection = upload?.fileRejection { throw PhotoService.refusal(rejection) }
            cleaned = try await photos.clean(upload?.files ?? [])
        } catch let error as DomainError {
            return try renderFileForm(
                form, errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: "photos")],
                view: view, request: request, status: .unprocessableContent)
        }
        defer { withExtendedLifetime(upload) {} }

        var coordinates: (Double?, Double?) = (nil, nil)
        for (index, text) in [form.latitude, form.longitude].enumerated() {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
            guard let value = Double(text), value.isFinite else {
                return try renderFileForm(
                    form,
                    errors: [
                        FormError(message: view.text("error_number"), field: index == 0 ? "latitude" : "longitude")
                    ],
                    view: view, request: request, status: .unprocessableContent)
            }
            if index == 0 { coordinates.0 = value } else { coordinates.1 = value }
        }
        let contact = FilingRequest.ContactInput(
            name: form.contact_name?.nonBlank, phone: form.contact_phone?.nonBlank, email: form.contact_email?.nonBlank)
        let filing = FilingRequest(
            kind: CaseKind(rawValue: form.kind ?? "") ?? .complaint, text: form.text ?? "", title: form.title?.nonBlank,
            category: form.category?.nonBlank,
            area: .init(
                province: form.province?.nonBlank, district: form.district?.nonBlank, subdistrict: form.subdistrict?.nonBlank),
            latitude: coordinates.0, longitude: coordinates.1, address: form.address?.nonBlank,
            contact: contact.isEmpty ? nil : contact, anonymous: form.anonymous != nil, isPublic: true,
            consent: form.consent != nil ? .init(version: cases.rules.consentVersion, accepted: true) : nil, channel: "web",
            notify: (form.notify_email != nil ? [.email] : []) + (form.notify_sms != nil ? [.sms] : []),
            language: view.language == .english ? .en : .th)
        let idempotency = form.idempotency_key.flatMap { key in
            Self.isIdempotencyKey(key) ? IdempotencyKey(key: "web:" + key, requestFingerprint: Self.fingerprint(form)) : nil
        }
        let filed: FiledCase
        do {
            filed = try await cases.file(filing, idempotency: idempotency, photos: cleaned)
        } catch let error as DomainError where error.kind == .invalid || error.kind == .conflict {
            let message = view.language.pick(error.messageTH, error.messageEN)
            return try renderFileForm(
                form,
                errors: [
                    FormError(
                        message: message,
                        field: error.field.map { String($0.split(separator: ".").last ?? "") } ?? Self.field(of: error.code))
                ], view: view,
                request: request,
                status: .unprocessableContent)
        }
        let code = filed.record.code
        var cookies = [kit.cookie(Self.trackCookie, filed.secret, path: "/cases/\(code)", maxAge: Self.trackLifetime)]
        if !filed.isReplay {
            cookies.append(kit.cookie(Self.newCaseCookie, filed.secret, path: "/cases/\(code)", maxAge: 600))
        }
        // The photo's position rides to the next page in the citizen's own browser, never stored unless accepted.
        if filed.record.latitude == nil, let offered = cleaned.lazy.compactMap(\.location).first {
            let value = Self.coordinate(offered.latitude) + "_" + Self.coordinate(offered.longitude)
            cookies.append(kit.cookie(Self.photoLocationCookie, value, path: "/cases/\(code)", maxAge: 600))
        }
        return kit.redirect(to: "/cases/\(code)/filed", cookies: cookies)
    }

    /// The form field a filing refusal is about, so the error summary can link to it.
    static func field(of code: String) -> String? {
        let fields: [(String, String)] = [
            ("consent", "consent"), ("contact_name", "contact_name"), ("phone", "contact_phone"), ("email", "contact_email"),
            ("address", "address"), ("title", "title"), ("text", "text"), ("category", "category"),
            ("district", "district"), ("province", "province"), ("area", "province"), ("lat", "latitude"), ("lon", "longitude"),
            ("location", "latitude"), ("notify", "notify_email"),
        ]
        return fields.first { code.contains($0.0) }?.1
    }

    static func isIdempotencyKey(_ key: String) -> Bool { CSRFToken.isWellFormed(key) }

    /// The filing's fields in a fixed order, so a repeated post of the same form is recognised
    /// as the same request and a different one under a reused key is refused.
    static func fingerprint(_ form: FilingForm) -> String {
        [
            form.kind, form.title, form.text, form.category, form.province, form.district, form.address, form.latitude,
            form.longitude, form.contact_name, form.contact_phone, form.contact_email, form.consent, form.anonymous,
            form.notify_email, form.notify_sms, form.subdistrict,
        ].map { ($0 ?? "").replacingOccurrences(of: "\u{1F}", with: " ") }.joined(separator: "\u{1F}")
    }

    @Sendable func filed(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let code = try Self.code(context)
        let secret = request.cookies[Self.newCaseCookie]?.value
        let tracked = try await trackedCase(code: code, secret: secret ?? request.cookies[Self.trackCookie]?.value)
        guard case .citizen(let record, _) = tracked else { throw PageError.notFound }
        var model = FiledPage(
            code: record.code, secret: secret, statusName: statusName(record.state.status, view),
            categoryName: categoryName(record.state.categoryCode, view),
            agencyName: agencyName(record.state.agencyCode, view),
            dueFirstAnswer: view.format.date(record.due.firstAnswer))
        if record.latitude == nil, let offered = request.cookies[Self.photoLocationCookie].flatMap({ Self.location($0.value) }) {
            let (lat, lon) = (Self.coordinate(offered.0), Self.coordinate(offered.1))
            model.photoLocation = FiledPage.PhotoLocationOffer(
                lat: lat, lon: lon, mapURL: "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=18/\(lat)/\(lon)")
        }
        // Shown once: the cookie that carried the secret here is cleared by this answer.
        let clear = kit.cookie(Self.newCaseCookie, "", path: "/cases/\(record.code)", maxAge: 0)
        return try kit.page(model, title: view.text("title_filed"), view: view, request: request, cookies: [clear])
    }

    static let photoLocationCookie = "siang_photo_location"

    /// A coordinate as the offer shows and posts it: six decimal places.
    static func coordinate(_ value: Double) -> String { String(format: "%.6f", value) }

    /// "lat_lon" (the offer's cookie; a cookie's value holds no comma), when both are numbers in range
    /// (a cookie comes from the browser: an offer out of range is not shown).
    static func location(_ text: String) -> (Double, Double)? {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]), (-90...90).contains(lat),
            (-180...180).contains(lon)
        else { return nil }
        return (lat, lon)
    }

    struct LocationForm: PostedForm {
        var csrf: String?
        var lat: String?
        var lon: String?
    }

    /// The citizen accepts their photo's position as the case's location (the secret from this
    /// browser's cookie, as for other citizen actions).
    @Sendable func setLocation(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(LocationForm.self, from: request, context: context)
        let code = try Self.code(context)
        guard let secret = request.cookies[Self.trackCookie]?.value else { return kit.redirect(to: "/track?code=\(code)") }
        // Numbers here; whether they are a place on Earth is the service's to say.
        guard let latitude = form.lat.flatMap(Double.init), let longitude = form.lon.flatMap(Double.init) else {
            let view = kit.view(request, context: context)
            return try await refusal(
                request, context: context, words: view.language.pick("พิกัดไม่ถูกต้อง", "The position is not valid."),
                status: .unprocessableContent)
        }
        let clear = kit.cookie(Self.photoLocationCookie, "", path: "/cases/\(code)", maxAge: 0)
        do {
            let record = try await cases.setLocation(code: code, secret: secret, latitude: latitude, longitude: longitude)
            return kit.redirect(to: "/cases/\(record.code)?done=located", cookies: [clear])
        } catch let error as DomainError where error.kind == .invalid || error.kind == .conflict {
            let view = kit.view(request, context: context)
            return try await refusal(
                request, context: context, words: view.language.pick(error.messageTH, error.messageEN),
                status: error.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }

    // MARK: Tracking

    @Sendable func trackForm(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let code = request.uri.queryParameters.get("code").map { String($0.prefix(40)) } ?? ""
        return try kit.page(
            TrackPage(code: code, errors: []), title: view.text("title_track"), view: view, request: request)
    }

    struct TrackForm: PostedForm {
        var csrf: String?
        var code: String?
        var secret: String?
    }

    @Sendable func track(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(TrackForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let secret = form.secret?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if let proposals, let code = form.code.flatMap({ TrackingCode.canonical($0.trimmingCharacters(in: .whitespaces), prefix: "PR") }),
            Self.isCookieSafe(secret), !secret.isEmpty,
            case .proposer(let record, _)? = try? await proposals.track(code: code, secret: secret)
        {
            return kit.redirect(to: "/proposals/\(record.code)", cookies: [Self.proposerCookie(kit, code: record.code, secret: secret)])
        }
        if let code = form.code.flatMap({ TrackingCode.canonical($0.trimmingCharacters(in: .whitespaces)) }),
            Self.isCookieSafe(secret), !secret.isEmpty,
            case .citizen(let record, _)? = try? await cases.track(code: code, secret: secret)
        {
            let cookie = kit.cookie(Self.trackCookie, secret, path: "/cases/\(record.code)", maxAge: Self.trackLifetime)
            return kit.redirect(to: "/cases/\(record.code)", cookies: [cookie])
        }
        if let duplicates,
            let code = form.code.flatMap({ TrackingCode.canonical($0.trimmingCharacters(in: .whitespaces), prefix: DuplicateService.followPrefix) }),
            Self.isCookieSafe(secret), !secret.isEmpty, (try? await duplicates.followed(code: code, secret: secret)) != nil
        {
            return kit.redirect(to: "/follows/\(code)", cookies: [FollowPages.cookie(kit, code: code, secret: secret)])
        }
        // One message for a wrong code and a wrong secret: the form must not tell which cases exist.
        let model = TrackPage(
            code: String((form.code ?? "").prefix(40)),
            errors: [FormError(message: view.text("error_track_failed"), field: "code")])
        return try kit.page(model, title: view.text("title_track"), view: view, request: request, status: .notFound)
    }

    /// The proposer's secret, kept for the proposal's pages only (as a case's is for the case's).
    static func proposerCookie(_ kit: PageKit, code: String, secret: String) -> Cookie {
        kit.cookie(trackCookie, secret, path: "/proposals/\(code)", maxAge: trackLifetime)
    }

    static func isCookieSafe(_ value: String) -> Bool {
        value.count <= 100 && value.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
    }

    /// The case as this browser may see it: the citizen's view when its cookie holds the right
    /// secret, else the public view (or not found).
    func trackedCase(code: String, secret: String?) async throws -> CaseService.Tracking {
        do {
            return try await cases.track(code: code, secret: secret)
        } catch let error as DomainError where error.code == "invalid_secret" {
            return try await cases.track(code: code, secret: nil)
        }
    }

    @Sendable func showCase(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let code = try Self.code(context)
        let secret = request.cookies[Self.trackCookie]?.value
        let tracked = try await trackedCase(code: code, secret: secret)
        // A secret that did not match still shows the public view, but counts as a wrong try.
        if secret != nil, case .public = tracked { context.credentialRefused.set() }
        let access = try await cases.contactAccess(of: tracked)
        let flashKey = request.uri.queryParameters.get("done").flatMap {
            ["rated", "reopened", "erased", "nothing_to_erase", "located"].contains($0) ? "flash_\($0)" : nil
        }
        return try await casePage(
            tracked, access: access, view: view, request: request, errors: [], flash: flashKey.map { view.text($0) },
            status: .ok)
    }


    func casePage(
        _ tracked: CaseService.Tracking, access: ContactAccessLog?, view: PageKit.View, request: Request,
        errors: [FormError], flash: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let now = cases.clock()
        let (record, events, isCitizen): (CaseRecord, [CaseEvent], Bool)
        switch tracked {
        case .citizen(let r, let e): (record, events, isCitizen) = (r, e, true)
        case .public(let r, let e): (record, events, isCitizen) = (r, e, false)
        }
        let state = record.state
        let format = view.format
        // The citizen's browser proves access with the cookie scoped to this case's path, so its photos
        // are served from under that path; the public gets the shared, cacheable URLs.
        let gallery = PhotoGallery.make(
            try await photos.photos(of: record, for: isCitizen ? .citizen : .anyone),
            base: isCitizen ? "/cases/\(record.code)" : "", view: view)
        let details = CasePage.Details(
            isCitizen: isCitizen, code: record.code, statusCode: state.status.rawValue,
            statusName: statusName(state.status, view), overdue: record.isOverdue(at: now),
            kindName: view.text("kind_\(record.kind.rawValue)"), categoryName: categoryName(state.categoryCode, view),
            agencyName: agencyName(state.agencyCode, view), areaName: areaName(record.area, view),
            filedAt: format.dateTime(record.filedAt), open: state.status.isOpen,
            dueAcknowledge: format.date(record.due.acknowledge), dueFirstAnswer: format.date(record.due.firstAnswer),
            dueResolution: format.date(record.due.resolution),
            text: isCitizen ? record.text : record.publicText,
            caseTitle: isCitizen ? record.title : record.publicTitle,
            address: isCitizen ? record.address : nil,
            resolvedAt: state.resolvedAt.map(format.dateTime),
            resolution: state.resolution.map { isCitizen ? $0 : PersonalData.redact($0) },
            resultHeading: view.text(state.status.isOpen ? "case_previous_result" : "case_result"),
            rejection: state.rejectionReason.map { view.language.pick($0.nameTH, $0.nameEN) },
            mergedInto: state.mergedInto,
            rating: state.rating.map { view.text("stars_value", ["stars": String($0)]) },
            canRate: isCitizen && json.canRate(state),
            starChoices: isCitizen
                ? (1...5).map { CasePage.StarChoice(value: $0, label: view.text("stars_\($0)")) } : [],
            reopenUntil: isCitizen ? json.reopenDeadline(state, now: now).map(format.dateTime) : nil,
            privacy: isCitizen ? access.map { privacyModel($0, status: state.status, view: view) } : nil,
            errors: errors, photos: gallery,
            timeline: events.map { event in
                CasePage.Event(
                    at: format.dateTime(event.at), iso: BangkokTime.format(event.at), what: eventName(event.kind, view),
                    note: isCitizen ? event.note : CaseJSONBuilder.publicNote(of: event))
            },
            meTooCount: record.meTooCount,
            canFollow: !isCitizen && duplicates != nil && Duplicates.isFollowable(isPublic: record.isPublic, status: state.status))
        return try kit.page(
            CasePage(case: details), title: view.text("title_case", ["code": record.code]), view: view,
            request: request,
            status: status, flash: flash)
    }

    // MARK: Rating and appeal

    struct FeedbackForm: PostedForm {
        var csrf: String?
        var stars: String?
        var comment: String?
    }

    @Sendable func feedback(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(FeedbackForm.self, from: request, context: context)
        guard let stars = form.stars.flatMap({ Int($0) }), (1...5).contains(stars) else {
            return try await refusal(request, context: context, message: "error_stars_required", field: "stars-1")
        }
        return try await act(request, context: context, action: .feedback(stars: stars, comment: form.comment?.nonBlank), done: "rated")
    }

    struct ReopenForm: PostedForm {
        var csrf: String?
        var reason: String?
    }

    @Sendable func reopen(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(ReopenForm.self, from: request, context: context)
        return try await act(request, context: context, action: .reopen(reason: form.reason ?? ""), done: "reopened")
    }

    /// Applies a citizen's action with the secret from this browser's tracking cookie; a refusal
    /// shows the case again with the reason.
    func act(_ request: Request, context: SiangRequestContext, action: CitizenAction, done: String) async throws -> Response {
        let code = try Self.code(context)
        guard let secret = request.cookies[Self.trackCookie]?.value else {
            return kit.redirect(to: "/track?code=\(code)")
        }
        do {
            let record = try await cases.act(code: code, secret: secret, action: action)
            return kit.redirect(to: "/cases/\(record.code)?done=\(done)")
        } catch let error as DomainError where error.kind == .invalid || error.kind == .conflict {
            let view = kit.view(request, context: context)
            return try await refusal(
                request, context: context, words: view.language.pick(error.messageTH, error.messageEN),
                status: error.kind == .invalid ? .unprocessableContent : .conflict)
        }
    }

    func refusal(
        _ request: Request, context: SiangRequestContext, message: String? = nil, words: String? = nil, field: String? = nil,
        status: HTTPResponse.Status = .unprocessableContent
    ) async throws -> Response {
        let view = kit.view(request, context: context)
        let code = try Self.code(context)
        let secret = request.cookies[Self.trackCookie]?.value
        let tracked = try await trackedCase(code: code, secret: secret)
        let access = try await cases.contactAccess(of: tracked)
        let text = words ?? view.text(message ?? "error_bad_form")
        return try await casePage(
            tracked, access: access, view: view, request: request, errors: [FormError(message: text, field: field)],
            flash: nil, status: status)
    }

    /// `GET /cases/{code}/photos/{photo}/{file}`: a photo of the case for this browser, whose tracking
    /// cookie (scoped to the case's path) proves the citizen; public photos to anyone.
    @Sendable func photo(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let viewer = request.cookies[Self.trackCookie].map { PhotoService.Viewer.secret($0.value) } ?? .anyone
        do {
            return try await PhotosController.serve(request, context: context, photos: photos, viewer: viewer, caseCode: code)
        } catch is APIError {
            throw PageError.notFound
        }
    }

    // MARK: Personal data (PDPA)

    /// The case page's section on the contact details: held or erased, each reading by agency
    /// (never the officer), and the erasure form once the case is finished.
    func privacyModel(_ access: ContactAccessLog, status: CaseStatus, view: PageKit.View) -> CasePage.Privacy {
        let format = view.format
        let entries = access.entries.map { entry -> CasePage.Privacy.Entry in
            let who: String
            var reason: String?
            switch entry.kind {
            case .read:
                if let agency = entry.agencyCode {
                    who = agencyName(agency, view)
                } else {
                    who = view.text(entry.role == .admin ? "privacy_reader_admin" : "privacy_reader_triage")
                }
                reason = entry.reason
            case .erasedOnRequest: who = view.text("privacy_erased_on_request")
            case .erasedByRetention: who = view.text("privacy_erased_by_retention")
            }
            return CasePage.Privacy.Entry(
                at: format.dateTime(entry.at), iso: BangkokTime.format(entry.at), who: who, reason: reason)
        }
        return CasePage.Privacy(
            givenAt: access.held.map { format.dateTime($0.givenAt) },
            erasedAt: access.held == nil ? access.erasedAt.map(format.dateTime) : nil,
            none: access.held == nil && access.erasedAt == nil, entries: entries,
            eraseLater: access.held != nil && !access.canErase(in: status), canErase: access.canErase(in: status))
    }

    struct EraseForm: PostedForm {
        var csrf: String?
    }

    /// Erases the contact details of a finished case with the secret from this browser's cookie;
    /// a refusal (the case is not finished) shows the case again with the reason.
    @Sendable func eraseContact(_ request: Request, context: SiangRequestContext) async throws -> Response {
        _ = try await kit.form(EraseForm.self, from: request, context: context)
        let code = try Self.code(context)
        guard let secret = request.cookies[Self.trackCookie]?.value else {
            return kit.redirect(to: "/track?code=\(code)")
        }
        do {
            let (record, outcome, _) = try await cases.eraseContact(code: code, secret: secret)
            let done = outcome == .nothingToErase ? "nothing_to_erase" : "erased"
            return kit.redirect(to: "/cases/\(record.code)?done=\(done)")
        } catch let error as DomainError where error.kind == .invalid || error.kind == .conflict {
            let view = kit.view(request, context: context)
            let words = view.language.pick(error.messageTH, error.messageEN)
            return try await refusal(request, context: context, words: words, status: .conflict)
        }
    }

    // MARK: Language

    @Sendable func switchLanguage(_ request: Request, context: SiangRequestContext) async throws -> Response {
        guard let language = context.parameters.get("language").flatMap(Language.init(rawValue:)) else { throw PageError.notFound }
        let back = request.uri.queryParameters.get("back").flatMap(SameOriginPath.init) ?? .home
        let cookie = kit.cookie(PageKit.languageCookie, language.rawValue, maxAge: 365 * 86_400)
        return kit.redirect(to: back.path, cookies: [cookie])
    }

    // MARK: Names

    static func code(_ context: SiangRequestContext) throws -> String {
        guard let raw = context.parameters.get("code"), let code = TrackingCode.canonical(raw.removingPercentEncoding ?? raw) else {
            throw PageError.notFound
        }
        return code
    }

    func statusName(_ status: CaseStatus, _ view: PageKit.View) -> String {
        view.language.pick(status.nameTH, status.nameEN)
    }

    func categoryName(_ code: String, _ view: PageKit.View) -> String {
        reference.categoryName(code, view.language)
    }

    func agencyName(_ code: String?, _ view: PageKit.View) -> String {
        guard let code else { return view.text("agency_none") }
        return reference.agencyName(code, view.language)
    }

    func areaName(_ area: CaseArea, _ view: PageKit.View) -> String {
        let names = [area.subdistrictCode, area.districtCode, area.provinceCode].compactMap { code in
            code.flatMap { reference.areas[$0] }.map { $0.name(view.language) }
        }
        return names.isEmpty ? view.text("area_unknown") : names.joined(separator: ", ")
    }

    func eventName(_ kind: TimelineKind, _ view: PageKit.View) -> String {
        view.catalogue.strings["event_\(kind.rawValue)"] ?? view.text("event_other")
    }
}

extension Area {
    func name(_ language: Language) -> String { language.pick(nameTH, nameEN) }
}
