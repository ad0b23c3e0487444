public import Domain
public import Foundation
public import Store

/// What agency officers and the triage desk do: list their cases, read one (with the
/// citizen's contact, logged), and act on it.
public struct AgencyService: Sendable {
    let store: CaseStore
    public let reference: Reference
    public let rules: ServiceRules
    public let clock: @Sendable () -> Date
    /// Told of every case this service changed, after the change committed (statistics).
    public let changed: @Sendable (CaseRecord) -> Void
    /// Writes the messages changes send; nil when notifications are off.
    let notifications: NotificationComposer?
    let outbox: OutboxStore?

    public init(
        store: CaseStore, reference: Reference, rules: ServiceRules, clock: @escaping @Sendable () -> Date = { Date() },
        changed: @escaping @Sendable (CaseRecord) -> Void = { _ in }, notifications: NotificationComposer? = nil,
        outbox: OutboxStore? = nil
    ) {
        self.notifications = notifications
        self.outbox = outbox
        self.store = store
        self.reference = reference
        self.rules = rules
        self.clock = clock
        self.changed = changed
    }

    /// The whole timeline of `record`, staff-only notes included, after an action.
    public func timeline(of record: CaseRecord) async throws -> [CaseEvent] {
        try await store.events(caseID: record.id)
    }

    /// One page of the cases `staff` may see, filtered; officers see only their agency's.
    public func list(_ filter: CaseListFilter, by staff: StaffMember) async throws -> (cases: [CaseRecord], hasMore: Bool) {
        var scoped = filter
        scoped.agencyCode = CaseAccessPolicy.listingScope(staff)
        if staff.role == .officer, scoped.agencyCode == nil { return ([], false) }
        return try await store.list(scoped, at: clock())
    }

    /// A case as staff see it: its timeline with internal notes, and the citizen's contact,
    /// whose reading is logged with `reason`.
    /// - Throws: `caseNotFound` for an unknown case or one of another agency.
    public func details(code: String, by staff: StaffMember, reason: String) async throws -> (
        record: CaseRecord, events: [CaseEvent], contact: CaseContact?
    ) {
        guard let canonical = TrackingCode.canonical(code),
            let found = try await store.findWithTimeline(code: canonical, secret: nil),
            CaseAccessPolicy.canView(staff, agencyCode: found.record.state.agencyCode, status: found.record.state.status)
        else { throw DomainError.caseNotFound }
        let contact = try await store.readContact(
            caseID: found.record.id, staffID: staff.id, reason: reason, at: clock())
        return (found.record, found.events, contact)
    }

    /// Applies an officer's action to a case of theirs.
    /// - Throws: `caseNotFound` (unknown, or another agency's); `forbidden` when the role may not
    ///   do this; `invalid` for unknown agencies or categories; the lifecycle's `conflict`s.
    public func act(code: String, action: StaffAction, by staff: StaffMember) async throws -> CaseRecord {
        guard let canonical = TrackingCode.canonical(code) else { throw DomainError.caseNotFound }
        try checkReferences(of: action)
        var relatedCode: String?
        if case .merge(let target, _) = action {
            guard let target = TrackingCode.canonical(target) else { throw Self.mergeTargetNotFound }
            guard target != canonical else {
                throw DomainError(
                    .conflict, code: "invalid_merge_target", th: "รวมเรื่องเข้ากับตัวเองไม่ได้",
                    en: "A case cannot be merged into itself.")
            }
            relatedCode = target
        }
        let now = clock()
        let lifecycle = rules.lifecycle
        let composer = notifications
        let deadlines = reference.deadlines
        let record = try await store.change(code: canonical, relatedCode: relatedCode, actor: .staff(staff)) { context in
            let current = context.current
            guard CaseAccessPolicy.canView(staff, agencyCode: current.state.agencyCode, status: current.state.status) else {
                throw DomainError.caseNotFound
            }
            guard CaseAccessPolicy.canApply(action, staff, agencyCode: current.state.agencyCode, status: current.state.status)
            else {
                throw DomainError(
                    .forbidden, code: "action_not_allowed",
                    th: "บทบาทของท่านทำรายการ \"\(action.name)\" กับเรื่องนี้ไม่ได้",
                    en: "Your role may not \(action.name) this case.")
            }
            var action = action
            if case .merge(_, let note) = action {
                guard let target = context.related,
                    CaseAccessPolicy.canView(staff, agencyCode: target.state.agencyCode, status: target.state.status)
                else { throw Self.mergeTargetNotFound }
                guard target.id != current.id, !target.state.status.isFinal else {
                    throw DomainError(
                        .conflict, code: "invalid_merge_target",
                        th: "รวมเรื่องเข้ากับเรื่องที่ปิดแล้วหรือเรื่องเดียวกันไม่ได้",
                        en: "A case can only be merged into another case that is still open.")
                }
                action = .merge(into: target.code, note: note)
            }
            let (state, entry) = try Lifecycle.apply(action, to: current.state, at: now, rules: lifecycle)
            var due = current.due
            if state.agencyCode != current.state.agencyCode || state.categoryCode != current.state.categoryCode {
                due = deadlines.dueDates(filedAt: current.filedAt, category: state.categoryCode, agency: state.agencyCode)
            }
            // Moving a case into a private category hides it at once; out of one, only as the citizen agreed.
            let isPublic = CaseVisibility.isPublic(
                publicAgreed: current.publicRequested, category: state.categoryCode,
                privateCategories: rules.privateCategories)
            var after = current
            after.state = state
            let notices =
                composer?.notices(for: after, entry: entry, previousAgency: current.state.agencyCode, at: now) ?? .none
            return CaseStore.Change(state: state, due: due, entry: entry, isPublic: isPublic, notices: notices, at: now)
        }
        changed(record)
        if case .resolve = action { try await passResult(of: record) }
        return record
    }

    static let mergeTargetNotFound = DomainError(
        .invalid, code: "merge_target_not_found", th: "ไม่พบเรื่องที่จะรวมเข้าด้วย",
        en: "The case to merge into does not exist or is not yours.")

    func checkReferences(of action: StaffAction) throws(DomainError) {
        func agency(_ code: String) throws(DomainError) {
            guard reference.agencies[code] != nil else {
                throw .invalid("unknown_agency", th: "ไม่พบหน่วยงาน \(code)", en: "No agency \"\(code)\".")
            }
        }
        func category(_ code: String) throws(DomainError) {
            guard reference.categories[code] != nil else {
                throw .invalid("unknown_category", th: "ไม่พบหมวดหมู่ \(code)", en: "No category \"\(code)\".")
            }
        }
        switch action {
        case .transfer(let target, _): if let target { try agency(target) }
        case .recategorise(let code, _): try category(code)
        case .place(let target, let code, _):
            try agency(target)
            if let code { try category(code) }
        default: break
        }
    }
}

// MARK: Notifications

extension AgencyService {
    static let noOutbox = DomainError(
        .notFound, code: "notifications_off", th: "ระบบแจ้งเตือนไม่ได้เปิดใช้", en: "Notifications are not enabled.")

    /// The messages sent (or still to send) about `record`.
    public func deliveries(of record: CaseRecord) async throws -> [DeliveryRecord] {
        try await outbox?.deliveries(caseID: record.id) ?? []
    }

    /// The messages about the case with `code`, for staff who may see the case.
    /// - Throws: `caseNotFound` (unknown, or another agency's).
    public func deliveries(code: String, by staff: StaffMember) async throws -> [DeliveryRecord] {
        guard let canonical = TrackingCode.canonical(code),
            let found = try await store.find(code: canonical, secret: nil),
            CaseAccessPolicy.canView(staff, agencyCode: found.record.state.agencyCode, status: found.record.state.status)
        else { throw DomainError.caseNotFound }
        return try await deliveries(of: found.record)
    }

    /// Messages in `status`: an officer's of their agency, everyone's for administrators.
    public func deliveries(status: DeliveryStatus, by staff: StaffMember, limit: Int = 100) async throws -> [DeliveryRecord] {
        guard let outbox else { throw Self.noOutbox }
        return try await outbox.deliveries(status: status, agencyCode: try Self.agencyScope(staff), limit: limit)
    }

    /// Sends a dead message again (administrators and the agency's officers).
    /// - Throws: `delivery_not_found` (`notFound`) when there is no such dead message they may see.
    public func retryDelivery(id: Int64, by staff: StaffMember) async throws {
        guard let outbox else { throw Self.noOutbox }
        let visible = try await outbox.deliveries(status: .dead, agencyCode: try Self.agencyScope(staff), limit: 10_000)
        guard visible.contains(where: { $0.id == id }), try await outbox.retry(id: id, at: clock()) else {
            throw DomainError(
                .notFound, code: "delivery_not_found", th: "ไม่พบข้อความที่ส่งไม่สำเร็จตามรหัสนี้",
                en: "No undelivered message with this id.")
        }
    }

    /// The webhooks of the staff member's agency (every agency's for administrators).
    public func webhooks(by staff: StaffMember) async throws -> [AgencyWebhook] {
        guard let outbox else { throw Self.noOutbox }
        return try await outbox.webhooks(agencyCode: try Self.agencyScope(staff))
    }

    /// Registers a webhook for `agencyCode` (an officer: only their own agency) at `url`; returns it with
    /// its signing secret, shown this once.
    /// - Throws: `invalid_url`, `unknown_agency` (`invalid`); `forbidden` for another agency.
    public func addWebhook(url: String, agencyCode: String?, by staff: StaffMember) async throws -> (
        webhook: AgencyWebhook, secret: String
    ) {
        guard let outbox else { throw Self.noOutbox }
        let agency = try Self.agencyScope(staff) ?? agencyCode?.nonBlank
        guard let agency else {
            throw DomainError.invalid("missing_agency", th: "ต้องระบุหน่วยงาน", en: "\"agency\" is required.")
        }
        if let asked = agencyCode?.nonBlank, asked != agency {
            throw DomainError(
                .forbidden, code: "other_agency", th: "เพิ่ม webhook ได้เฉพาะหน่วยงานของท่าน",
                en: "Officers may add webhooks for their own agency only.")
        }
        return try await Self.registerWebhook(url: url, agencyCode: agency, outbox: outbox, at: clock())
    }

    /// Registers a webhook of `agencyCode` at `url` with a new signing secret (the API and `siang webhook add`).
    /// - Throws: `invalid_url`, `unknown_agency` (`invalid`).
    public static func registerWebhook(
        url: String, agencyCode: String, outbox: OutboxStore, at now: Date
    ) async throws -> (webhook: AgencyWebhook, secret: String) {
        try checkWebhookURL(url)
        var generator = SystemRandomNumberGenerator()
        let secret = "whsec_" + TrackingSecret.make(using: &generator) + TrackingSecret.make(using: &generator)
        return (try await outbox.addWebhook(agencyCode: agencyCode, url: url, secret: secret, at: now), secret)
    }

    /// Stops a webhook of the staff member's agency (any, for administrators).
    public func removeWebhook(id: Int64, by staff: StaffMember) async throws {
        guard let outbox else { throw Self.noOutbox }
        guard try await outbox.deactivateWebhook(id: id, agencyCode: try Self.agencyScope(staff)) else {
            throw DomainError(.notFound, code: "webhook_not_found", th: "ไม่พบ webhook นี้", en: "No such webhook.")
        }
    }

    /// The agency whose messages `staff` may see; nil for administrators (all of them).
    static func agencyScope(_ staff: StaffMember) throws(DomainError) -> String? {
        switch staff.role {
        case .admin: return nil
        case .officer:
            guard let agency = staff.agencyCode else { break }
            return agency
        case .triage, .partner: break
        }
        throw DomainError(
            .forbidden, code: "action_not_allowed", th: "บทบาทของท่านจัดการการแจ้งเตือนไม่ได้",
            en: "Your role may not manage notifications.")
    }

    /// A webhook must be an absolute http(s) URL of reasonable length.
    public static func checkWebhookURL(_ url: String) throws(DomainError) {
        guard url.count <= 2000, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "https" || scheme == "http", parsed.host?.isEmpty == false, !url.contains(where: \.isWhitespace)
        else {
            throw DomainError.invalid(
                "invalid_url", th: "ที่อยู่ webhook ต้องเป็น URL แบบ http หรือ https",
                en: "\"url\" must be an absolute http or https URL.")
        }
    }
}
