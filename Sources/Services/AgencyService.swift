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

    public init(
        store: CaseStore, reference: Reference, rules: ServiceRules, clock: @escaping @Sendable () -> Date = { Date() },
        changed: @escaping @Sendable (CaseRecord) -> Void = { _ in }
    ) {
        self.store = store
        self.reference = reference
        self.rules = rules
        self.clock = clock
        self.changed = changed
    }

    /// One page of the cases `staff` may see, filtered; officers see only their agency's.
    /// The whole timeline of `record`, staff-only notes included, after an action.
    public func timeline(of record: CaseRecord) async throws -> [CaseEvent] {
        try await store.events(caseID: record.id)
    }

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
            return CaseStore.Change(state: state, due: due, entry: entry, isPublic: isPublic)
        }
        changed(record)
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
