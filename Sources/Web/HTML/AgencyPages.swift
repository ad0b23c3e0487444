import Classification
import Domain
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import Pages
import Photos
import Services
import Statistics

/// The staff pages: password sign-in with a server-side session, the inbox (overdue first,
/// filters, keyset pages), a case with the citizen's contact (each reading logged) and every
/// action as a form, and the triage queue. They call the same `AgencyService` as the API.
struct AgencyPages {
    let kit: PageKit
    let agency: AgencyService
    let accounts: StaffAccounts
    let citizen: CitizenPages
    /// Reads the other problems a case's text names, for the officer to see (not stored: cheap to redo).
    let analyzer: TextAnalyzer
    var photos: PhotoService { citizen.photos }
    /// Likely duplicates on the case page, and the clusters page.
    var duplicates: DuplicateService? = nil

    /// A signed-in session lasts a working day; signing in again starts a new one.
    static let sessionLifetime: Duration = .seconds(12 * 3600)
    static let pageSize = 50

    func addRoutes(to router: Router<SiangRequestContext>, sessions: SessionMiddleware<SiangRequestContext>) {
        let group = router.group("agency").add(middleware: sessions)
        group.get("sign-in", use: signInForm)
        group.post("sign-in", use: signIn)
        let signedIn = group.add(middleware: StaffSessionMiddleware(accounts: accounts))
        signedIn.post("sign-out", use: signOut)
        signedIn.get("password", use: passwordForm)
        signedIn.post("password", use: changePassword)
        signedIn.get("", use: inbox)
        signedIn.get("cases/{code}", use: showCase)
        signedIn.post("cases/{code}/actions", use: act)
        signedIn.get("cases/{code}/photos/{photo}/{file}", use: photo)
        signedIn.post("cases/{code}/photos/{photo}/hide", use: hidePhoto)
        signedIn.get("clusters", use: clusters)
        signedIn.post("clusters/merge", use: mergeCluster)
    }

    var reference: Reference { agency.reference }

    // MARK: Signing in and out

    @Sendable func signInForm(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let flash = request.uri.queryParameters.get("out") != nil ? view.text("flash_signed_out") : nil
        return try kit.page(
            SignInPage(email: "", errors: []), title: view.text("title_sign_in"), view: view, request: request,
            flash: flash)
    }

    struct SignInForm: PostedForm {
        var csrf: String?
        var email: String?
        var password: String?
    }

    @Sendable func signIn(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let form = try await kit.form(SignInForm.self, from: request, context: context)
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        let password = form.password ?? ""
        if !email.isEmpty, !password.isEmpty, email.count <= 254, password.count <= 200,
            let staff = try await accounts.signIn(email: email, password: password)
        {
            // A new session id at every sign-in, so an id planted before cannot be taken over.
            context.sessions.createSession(
                StaffSession(staffID: staff.id, generation: staff.sessionGeneration), expiresIn: Self.sessionLifetime)
            return kit.redirect(to: "/agency")
        }
        let view = kit.view(request, context: context)
        let model = SignInPage(
            email: String(email.prefix(254)),
            errors: [FormError(message: view.text("error_sign_in_failed"), field: "email")])
        return try kit.page(
            model, title: view.text("title_sign_in"), view: view, request: request, status: .unauthorized)
    }

    struct CSRFForm: PostedForm {
        var csrf: String?
    }

    @Sendable func signOut(_ request: Request, context: SiangRequestContext) async throws -> Response {
        _ = try await kit.form(CSRFForm.self, from: request, context: context)
        context.sessions.clearSession()
        return kit.redirect(to: "/agency/sign-in?out=1")
    }

    // MARK: Changing the password

    @Sendable func passwordForm(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let view = kit.view(request, context: context)
        return try passwordPage(request, view: view, staff: staff, errors: [], status: .ok)
    }

    func passwordPage(
        _ request: Request, view: PageKit.View, staff: StaffMember, errors: [FormError], status: HTTPResponse.Status
    ) throws -> Response {
        let model = PasswordPage(
            required: staff.mustChangePassword, errors: errors,
            newHint: view.text("password_new_hint", ["minimum": String(StaffAccounts.minimumPasswordLength)]))
        return try kit.page(model, title: view.text("title_password"), view: view, request: request, status: status)
    }

    struct PasswordForm: PostedForm {
        var csrf: String?
        var current: String?
        var new: String?
        var repeated: String?
    }

    @Sendable func changePassword(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let form = try await kit.form(PasswordForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        let new = form.new ?? ""
        guard new == (form.repeated ?? "") else {
            return try passwordPage(
                request, view: view, staff: staff,
                errors: [FormError(message: view.text("error_password_mismatch"), field: "repeated")],
                status: .unprocessableContent)
        }
        let generation: Int
        do {
            generation = try await accounts.changePassword(of: staff, current: form.current ?? "", new: new)
        } catch let error as DomainError where error.kind == .invalid {
            let field = error.code == "wrong_password" ? "current" : "new"
            return try passwordPage(
                request, view: view, staff: staff,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN), field: field)],
                status: APIError(error).status)
        }
        // Every other session of the account has ended (a new generation); this one goes on under a new
        // id, as at sign-in: whoever held the old id knew the old password's session.
        context.sessions.createSession(StaffSession(staffID: staff.id, generation: generation), expiresIn: Self.sessionLifetime)
        return kit.redirect(to: "/agency?done=password")
    }

    // MARK: Inbox

    @Sendable func inbox(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let view = kit.view(request, context: context)
        let query = request.uri.queryParameters
        let status = query.get("status").flatMap(CaseStatus.init(rawValue:))
        let category = query.get("category").flatMap { reference.categories[$0] != nil ? $0 : nil }
        let overdueOnly = query.get("overdue") == "true"
        let after = query.get("after").flatMap(ListQuery.position)
        let statuses = status.map { [$0] } ?? CaseStatus.allCases.filter(\.isOpen)

        var rows: [CaseRecord] = []
        var hasMore = false
        // Overdue cases lead the first page; the pages that follow list the rest, newest first.
        if after == nil, !overdueOnly {
            let overdue = try await agency.list(
                .init(agencyCode: nil, statuses: statuses, categories: category.map { [$0] }, overdue: true, limit: Self.pageSize),
                by: staff)
            rows = overdue.cases
        }
        let page = try await agency.list(
            .init(
                agencyCode: nil, statuses: statuses, categories: category.map { [$0] }, overdue: overdueOnly ? true : false,
                after: after, limit: Self.pageSize),
            by: staff)
        rows += page.cases
        hasMore = page.hasMore

        var nextPage: String?
        if hasMore, let last = page.cases.last {
            var items = ["after=\(ListQuery.cursor(filedAt: last.filedAt, id: last.id))"]
            if let status { items.append("status=\(status.rawValue)") }
            if let category { items.append("category=\(category)") }
            if overdueOnly { items.append("overdue=true") }
            nextPage = "/agency?" + items.map(PageKit.percentEncodedQueryItem).joined(separator: "&")
        }
        let now = agency.clock()
        let heading: String
        switch staff.role {
        case .officer: heading = view.text("inbox_heading_agency", ["agency": citizen.agencyName(staff.agencyCode, view)])
        case .triage, .partner: heading = view.text("inbox_heading_triage")
        case .admin: heading = view.text("inbox_heading_all")
        }
        let model = InboxPage(
            heading: heading,
            staffLine: view.text("staff_line", ["name": staff.name, "role": view.text("role_\(staff.role.rawValue)")]),
            isTriage: staff.role != .officer,
            isAdmin: staff.role == .admin,
            statuses: CaseStatus.allCases.map {
                SelectOption(code: $0.rawValue, name: citizen.statusName($0, view), selected: $0 == status)
            },
            categories: citizen.categoryOptions(view, selected: category),
            overdueOnly: overdueOnly,
            rows: rows.map { record in
                InboxPage.Row(
                    code: record.code,
                    subject: record.title ?? String(record.text.prefix(120)) + (record.text.count > 120 ? "…" : ""),
                    categoryName: citizen.categoryName(record.state.categoryCode, view),
                    filedAt: view.format.date(record.filedAt),
                    statusName: citizen.statusName(record.state.status, view),
                    overdue: record.isOverdue(at: now), areaName: citizen.areaName(record.area, view),
                    due: view.format.date(record.due.resolution))
            },
            nextPage: nextPage)
        let flash = query.get("done") == "password" ? view.text("flash_password_changed") : nil
        return try kit.page(model, title: view.text("title_inbox"), view: view, request: request, flash: flash)
    }

    // MARK: A case

    @Sendable func showCase(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        let flash = request.uri.queryParameters.get("done") != nil ? view.text("flash_action_done") : nil
        return try await casePage(request, context: context, view: view, errors: [], flash: flash, status: .ok)
    }

    func casePage(
        _ request: Request, context: SiangRequestContext, view: PageKit.View, errors: [String], flash: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let staff = try Self.staff(context)
        let code = try CitizenPages.code(context)
        let found = try await agency.details(code: code, by: staff, reason: "หน้าเรื่องในระบบเจ้าหน้าที่ (web case page)")
        let record = found.record
        let state = record.state
        let format = view.format
        let now = agency.clock()
        var contact: AgencyCasePage.Contact?
        var contactErased: String?
        if let given = found.contact {
            contact = AgencyCasePage.Contact(
                name: given.name ?? "–", phone: given.phone ?? "–", email: given.email ?? "–",
                anonymous: record.anonymous)
        } else if let erasure = found.events.last(where: { $0.kind == TimelineKind.contactErased }) {
            contactErased = format.dateTime(erasure.at)
        }
        let details = AgencyCasePage.Details(
            code: record.code, statusCode: state.status.rawValue, statusName: citizen.statusName(state.status, view),
            overdue: record.isOverdue(at: now), caseTitle: record.title, text: record.text,
            kindName: view.text("kind_\(record.kind.rawValue)"),
            categoryName: citizen.categoryName(state.categoryCode, view),
            predicted: record.predictedCategory.flatMap {
                $0 != state.categoryCode ? citizen.categoryName($0, view) : nil
            },
            also: Optional(
                analyzer.analyze(record.text).prediction.also.compactMap {
                    $0.category != state.categoryCode ? citizen.categoryName($0.category, view) : nil
                }.joined(separator: ", ")
            ).flatMap { $0.isEmpty ? nil : $0 },
            agencyName: citizen.agencyName(state.agencyCode, view), areaName: citizen.areaName(record.area, view),
            address: record.address,
            location: record.latitude.flatMap { lat in record.longitude.map { String(format: "%.6f, %.6f", lat, $0) } },
            filedAt: format.dateTime(record.filedAt), dueAcknowledge: format.dateTime(record.due.acknowledge),
            dueFirstAnswer: format.dateTime(record.due.firstAnswer),
            dueResolution: format.dateTime(record.due.resolution),
            rating: state.rating.map { view.text("stars_value", ["stars": String($0)]) },
            contact: contact, contactErased: contactErased, resolution: state.resolution,
            resultHeading: view.text(state.status.isOpen ? "case_previous_result" : "case_result"),
            timeline: found.events.map { event in
                AgencyCasePage.Event(
                    at: format.dateTime(event.at), iso: BangkokTime.format(event.at),
                    what: citizen.eventName(event.kind, view),
                    internal: event.isInternal, note: event.note)
            },
            notifications: try await agency.deliveries(of: record).map { delivery in
                AgencyCasePage.Notification(
                    channel: view.text("channel_\(delivery.channel.rawValue)"),
                    what: view.text("event_\(delivery.event.rawValue.replacingOccurrences(of: ".", with: "_"))"),
                    at: format.dateTime(delivery.sentAt ?? delivery.createdAt), statusCode: delivery.status.rawValue,
                    status: view.text("delivery_\(delivery.status.rawValue)"), attempts: delivery.attempts,
                    error: delivery.lastError)
            },
            actions: actions(for: record, staff: staff, view: view),
            errors: errors.map { FormError(message: $0) },
            // Served from under /agency, where the session cookie proves the officer; hidden ones too, marked.
            photos: PhotoGallery.make(
                try await photos.photos(of: record, for: .staff), base: "/agency/cases/\(record.code)", view: view,
                hideCode: staff.role == .partner ? nil : record.code))
        var page = AgencyCasePage(case: details)
        if let duplicates, staff.role != .partner {
            page.case.similar = try await duplicates.similar(toCase: record.code, by: staff).similar.map {
                citizen.similarItem($0, view: view)
            }
            page.case.hasSimilar = !page.case.similar.isEmpty
        }
        return try kit.page(
            page, title: view.text("title_case", ["code": record.code]), view: view,
            request: request,
            status: status, flash: flash)
    }

    /// The forms for the actions this staff member may take on this case now: those the access
    /// policy allows and the lifecycle accepts in the case's status.
    func actions(for record: CaseRecord, staff: StaffMember, view: PageKit.View) -> [AgencyCasePage.Action] {
        let state = record.state
        let agencies = reference.data.agencies.sorted { citizen.agencyName($0.code, view) < citizen.agencyName($1.code, view) }
        // Which note each form asks for, and whether it must be given.
        let notes: [StaffActionKind: (String, Bool)] = [
            .comment: ("action_comment_note", true), .resolve: ("action_result", true),
            .transfer: ("action_transfer_note", true),
        ]
        return Lifecycle.allowedActions(in: state.status, agencyCode: state.agencyCode, for: staff).map { kind in
            let name = kind.rawValue
            let (noteKey, noteRequired) = notes[kind] ?? ("action_note", false)
            var form = AgencyCasePage.Action(
                name: name, label: view.text("action_\(name)"), noteLabel: view.text(noteKey),
                noteRequired: noteRequired,
                needsInternal: name == "comment", needsTarget: name == "merge",
                needsAgency: name == "transfer" || name == "place",
                needsCategory: name == "recategorise" || name == "place",
                needsReason: name == "reject", acceptsPhotos: AgencyController.actionsWithPhotos.contains(name),
                agencyOptions: [], categoryOptions: [], reasonOptions: [])
            if form.needsAgency {
                form.agencyOptions = agencies.filter { $0.code != state.agencyCode }.map {
                    SelectOption(code: $0.code, name: citizen.agencyName($0.code, view))
                }
                if name == "transfer" {
                    form.agencyOptions.insert(SelectOption(code: "triage", name: view.text("action_to_triage")), at: 0)
                }
            }
            if form.needsCategory {
                form.categoryOptions = citizen.categoryOptions(view, selected: state.categoryCode)
            }
            if form.needsReason {
                form.reasonOptions = RejectionReason.allCases.map {
                    SelectOption(code: $0.rawValue, name: view.language.pick($0.nameTH, $0.nameEN))
                }
            }
            return form
        }
    }

    struct ActionForm: PostedForm {
        var csrf: String?
        var action: String?
        var note: String?
        var `internal`: String?
        var reason: String?
        var agency: String?
        var category: String?
        var target: String?
    }

    @Sendable func act(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let (form, upload) = try await kit.formWithFiles(
            ActionForm.self, from: request, context: context, maxFiles: photos.limits.maxCount, spool: photos.spool)
        defer { withExtendedLifetime(upload) {} }
        let code = try CitizenPages.code(context)
        let name = form.action ?? ""
        // The form has one text box: a resolution's result, or else the note.
        let asked = StaffActionRequest(
            action: name, note: name == "resolve" ? nil : form.note, isInternal: form.internal == "true",
            result: name == "resolve" ? form.note : nil, reason: form.reason, agency: form.agency, category: form.category,
            into: form.target)
        do {
            let action = try asked.action(rules: agency.rules)
            // Result photos are checked before the action is taken, and attached once it has committed.
            var cleaned: [CleanPhoto] = []
            if let upload, upload.fileRejection != nil || !upload.files.isEmpty {
                if let rejection = upload.fileRejection { throw PhotoService.refusal(rejection) }
                guard AgencyController.actionsWithPhotos.contains(name) else {
                    throw DomainError.invalid(
                        "photos_not_allowed", th: "แนบรูปได้เฉพาะการแจ้งผลและความเห็น",
                        en: "Photos may be attached only to a result or a comment.")
                }
                cleaned = try await photos.clean(upload.files)
            }
            let record = try await agency.act(code: code, action: action, by: staff)
            if !cleaned.isEmpty { _ = try await photos.addByStaff(cleaned, to: record, by: staff) }
            // A case that left this officer's agency cannot be shown to them again: back to the inbox.
            guard CaseAccessPolicy.canView(staff, agencyCode: record.state.agencyCode, status: record.state.status) else {
                return kit.redirect(to: "/agency")
            }
            return kit.redirect(to: "/agency/cases/\(record.code)?done=\(name)")
        } catch let error as DomainError where error.kind != .notFound {
            return try await refused(APIError(error), request: request, context: context)
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await refused(error, request: request, context: context)
        }
    }

    /// `GET /agency/cases/{code}/photos/{photo}/{file}`: a photo of the case for a signed-in officer who
    /// may see the case (the session cookie is scoped to /agency).
    @Sendable func photo(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        do {
            return try await PhotosController.serve(
                request, context: context, photos: photos, viewer: .staff(staff), caseCode: try CitizenPages.code(context))
        } catch is APIError {
            throw PageError.notFound
        }
    }

    struct HideForm: PostedForm {
        var csrf: String?
        var reason: String?
    }

    /// Hides a photo from the public, with the reason typed beside it.
    @Sendable func hidePhoto(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let form = try await kit.form(HideForm.self, from: request, context: context)
        let code = try CitizenPages.code(context)
        // Named `photo` as in the image route beside it (the router wants one name per position): here its id.
        guard let id = context.parameters.get("photo").flatMap(Int64.init) else { throw PageError.notFound }
        do {
            _ = try await photos.hide(code: code, photoID: id, reason: form.reason ?? "", by: staff)
            return kit.redirect(to: "/agency/cases/\(code)?done=hide")
        } catch let error as DomainError where error.kind == .invalid {
            return try await refused(APIError(error), request: request, context: context)
        }
    }

    /// The case page again, saying why the action was refused.
    func refused(_ error: APIError, request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        return try await casePage(
            request, context: context, view: view, errors: [view.language.pick(error.messageTH, error.messageEN)], flash: nil,
            status: error.status)
    }

    static func staff(_ context: SiangRequestContext) throws -> StaffMember {
        guard let staff = context.staff else { throw PageError(status: .unauthorized, heading: "error_generic_heading", message: "error_sign_in_required") }
        return staff
    }
}

/// Puts the signed-in staff member of the session in the context, or sends the browser to the
/// sign-in page. The member is read fresh on every request, so a deactivated account, or a session begun
/// before the password changed, is out at once.
/// An account whose password was handed to it can only change that password or sign out.
struct StaffSessionMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let accounts: StaffAccounts

    static let allowedBeforePasswordChange: Set<String> = ["/agency/password", "/agency/sign-out"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let session = context.sessions.session, let staff = try await accounts.staff(id: session.staffID),
            session.isCurrent(for: staff)
        else {
            if request.method == .get {
                return Response(status: .seeOther, headers: [.location: "/agency/sign-in", .cacheControl: "no-store"])
            }
            throw PageError(status: .unauthorized, heading: "error_generic_heading", message: "error_sign_in_required")
        }
        if staff.mustChangePassword, !Self.allowedBeforePasswordChange.contains(request.uri.path) {
            if request.method == .get {
                return Response(status: .seeOther, headers: [.location: "/agency/password", .cacheControl: "no-store"])
            }
            throw PageError(status: .forbidden, heading: "error_generic_heading", message: "error_password_change_first")
        }
        var context = context
        context.staff = staff
        context.logger[metadataKey: "staff"] = "\(staff.id)"
        return try await next(request, context)
    }
}
