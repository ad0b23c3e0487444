public import Foundation

/// An officer's action on a case (`POST /api/v1/agency/cases/{code}/actions`).
public enum StaffAction: Sendable, Equatable {
    case accept(note: String?)
    case start(note: String?)
    /// `internal` comments are for staff only; others are shown to the citizen.
    case comment(note: String, internal: Bool)
    case resolve(result: String)
    case reject(reason: RejectionReason, note: String?)
    /// To another agency, or back to the triage desk (`agency == nil`).
    case transfer(agency: String?, note: String)
    case recategorise(category: String, note: String?)
    case merge(into: String, note: String?)
    /// A triage officer places a case from the triage queue.
    case place(agency: String, category: String?, note: String?)

    public var name: String { kind.rawValue }

    public var kind: StaffActionKind {
        switch self {
        case .accept: return .accept
        case .start: return .start
        case .comment: return .comment
        case .resolve: return .resolve
        case .reject: return .reject
        case .transfer: return .transfer
        case .recategorise: return .recategorise
        case .merge: return .merge
        case .place: return .place
        }
    }
}

/// What a staff action is, without its details: the closed set pages offer forms for.
public enum StaffActionKind: String, Sendable, CaseIterable {
    case accept, start, comment, resolve, reject, transfer, recategorise, merge, place

    /// The statuses a case may be in for this action: the one table `Lifecycle.apply` checks and
    /// `Lifecycle.allowedActions` offers from.
    public var allowedFrom: Set<CaseStatus> {
        switch self {
        case .accept: return [.assigned]
        case .start: return [.accepted]
        case .comment, .recategorise: return [.triage, .assigned, .accepted, .inProgress, .resolved]
        case .resolve: return [.accepted, .inProgress]
        case .reject, .merge: return [.triage, .assigned, .accepted, .inProgress]
        case .transfer: return [.assigned, .accepted, .inProgress]
        case .place: return [.triage]
        }
    }
}

/// A citizen's action on their own case (proved by the tracking secret).
public enum CitizenAction: Sendable, Equatable {
    case feedback(stars: Int, comment: String?)
    /// An appeal (อุทธรณ์) against a result, within the reopen window.
    case reopen(reason: String)
    case withdraw(reason: String?)
}

/// The part of a case its lifecycle rules read and change.
public struct CaseState: Sendable, Equatable {
    public var status: CaseStatus
    public var agencyCode: String?
    public var categoryCode: String
    public var acknowledgedAt: Date?
    public var firstAnsweredAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var transferCount: Int
    public var reopenCount: Int
    /// Agencies that held the case before, oldest first (for the transfer loop guard).
    public var previousAgencies: [String]
    public var mergedInto: String?
    public var rejectionReason: RejectionReason?
    public var resolution: String?
    public var rating: Int?
    public var ratingComment: String?
    public var ratedAt: Date?

    public init(
        status: CaseStatus, agencyCode: String?, categoryCode: String, acknowledgedAt: Date? = nil,
        firstAnsweredAt: Date? = nil, resolvedAt: Date? = nil, closedAt: Date? = nil, transferCount: Int = 0,
        reopenCount: Int = 0, previousAgencies: [String] = [], mergedInto: String? = nil,
        rejectionReason: RejectionReason? = nil, resolution: String? = nil, rating: Int? = nil,
        ratingComment: String? = nil, ratedAt: Date? = nil
    ) {
        self.status = status
        self.agencyCode = agencyCode
        self.categoryCode = categoryCode
        self.acknowledgedAt = acknowledgedAt
        self.firstAnsweredAt = firstAnsweredAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.transferCount = transferCount
        self.reopenCount = reopenCount
        self.previousAgencies = previousAgencies
        self.mergedInto = mergedInto
        self.rejectionReason = rejectionReason
        self.resolution = resolution
        self.rating = rating
        self.ratingComment = ratingComment
        self.ratedAt = ratedAt
    }
}

/// A timeline entry the lifecycle produces for a change.
public struct TimelineEntry: Sendable, Equatable {
    public var kind: TimelineKind
    public var fromStatus: CaseStatus?
    public var toStatus: CaseStatus?
    public var agencyCode: String?
    public var categoryCode: String?
    public var note: String?
    public var isInternal: Bool

    public init(
        kind: TimelineKind, fromStatus: CaseStatus? = nil, toStatus: CaseStatus? = nil, agencyCode: String? = nil,
        categoryCode: String? = nil, note: String? = nil, isInternal: Bool = false
    ) {
        self.kind = kind
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.agencyCode = agencyCode
        self.categoryCode = categoryCode
        self.note = note
        self.isInternal = isInternal
    }
}

/// Limits of the lifecycle, from configuration.
public struct LifecycleRules: Sendable, Equatable {
    /// How many times a case may be transferred in all.
    public var maximumTransfers: Int
    /// How many times a case may go back to an agency that already held it (ping-pong).
    public var maximumReturns: Int
    /// How long after a result the citizen may appeal.
    public var reopenWindow: TimeInterval

    public init(maximumTransfers: Int = 5, maximumReturns: Int = 1, reopenWindow: TimeInterval = 30 * 86_400) {
        self.maximumTransfers = maximumTransfers
        self.maximumReturns = maximumReturns
        self.reopenWindow = reopenWindow
    }

    /// Until when the citizen may appeal a result, or nil when they may not (no result, or too late).
    public func appealDeadline(of state: CaseState, at now: Date) -> Date? {
        guard state.status == .resolved, let resolvedAt = state.resolvedAt else { return nil }
        let deadline = resolvedAt.addingTimeInterval(reopenWindow)
        return now <= deadline ? deadline : nil
    }

    /// Resolved cases whose result came before this moment can no longer be appealed and are due to
    /// close (the maintenance service closes them in batches, in SQL).
    public func closingCutoff(at now: Date) -> Date {
        now.addingTimeInterval(-reopenWindow)
    }

    /// Whether the citizen may rate the case's result now: there is a result they have not rated yet.
    public static func canRate(_ state: CaseState) -> Bool {
        guard state.status == .resolved || state.status == .closed, let resolvedAt = state.resolvedAt else { return false }
        return state.ratedAt.map { $0 < resolvedAt } ?? true
    }
}

/// The state machine of a case: which action is allowed in which status, and what it changes.
///
/// Pure: it neither reads nor writes anything; the store loads the state, asks, and saves
/// the answer with its timeline entry in one transaction.
public enum Lifecycle {
    /// The state after `action`, and the timeline entry recording it.
    /// - Throws: `DomainError` (`conflict`) when the action is not allowed in the case's status,
    ///   (`invalid`) when it lacks what it needs.
    public static func apply(
        _ action: StaffAction, to state: CaseState, at now: Date, rules: LifecycleRules
    ) throws(DomainError) -> (CaseState, TimelineEntry) {
        var next = state
        let from = state.status
        switch action {
        case .accept(let note):
            try require(from, for: .accept)
            next.status = .accepted
            if next.acknowledgedAt == nil { next.acknowledgedAt = now }
            return (next, TimelineEntry(kind: .accepted, fromStatus: from, toStatus: .accepted, note: note))

        case .start(let note):
            try require(from, for: .start)
            next.status = .inProgress
            if next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
            return (next, TimelineEntry(kind: .started, fromStatus: from, toStatus: .inProgress, note: note))

        case .comment(let note, let isInternal):
            try requireText(note, field: "note")
            try require(from, for: .comment)
            if !isInternal, next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
            return (next, TimelineEntry(kind: .commented, note: note, isInternal: isInternal))

        case .resolve(let result):
            try requireText(result, field: "result")
            try require(from, for: .resolve)
            next.status = .resolved
            next.resolvedAt = now
            next.resolution = result
            if next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
            return (next, TimelineEntry(kind: .resolved, fromStatus: from, toStatus: .resolved, note: result))

        case .reject(let reason, let note):
            try require(from, for: .reject)
            next.status = .rejected
            next.rejectionReason = reason
            next.closedAt = now
            if next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
            let text = [reason.nameTH, note].compactMap { $0 }.joined(separator: ": ")
            return (next, TimelineEntry(kind: .rejected, fromStatus: from, toStatus: .rejected, note: text))

        case .transfer(let agency, let note):
            try requireText(note, field: "note")
            try require(from, for: .transfer)
            if let agency, agency == state.agencyCode {
                throw DomainError(
                    .conflict, code: "transfer_to_self", th: "เรื่องนี้อยู่กับหน่วยงานนี้อยู่แล้ว",
                    en: "The case is already with this agency.")
            }
            // The way out of a loop is the triage desk, which the limit's own message points to: it stays open.
            guard agency == nil || state.transferCount < rules.maximumTransfers else {
                throw DomainError(
                    .conflict, code: "transfer_limit",
                    th: "เรื่องนี้ถูกโอนครบ \(rules.maximumTransfers) ครั้งแล้ว กรุณาส่งกลับศูนย์คัดกรองหรือดำเนินการเอง",
                    en: "The case has been transferred \(rules.maximumTransfers) times already; "
                        + "handle it or send it to the triage desk.")
            }
            if let agency {
                let holders = state.previousAgencies + [state.agencyCode].compactMap { $0 }
                if holders.contains(agency), Self.returns(in: holders) + 1 > rules.maximumReturns {
                    throw DomainError(
                        .conflict, code: "transfer_loop",
                        th: "หน่วยงานปลายทางเคยได้รับเรื่องนี้แล้ว การโอนกลับไปมาเกินกำหนด กรุณาส่งศูนย์คัดกรอง",
                        en: "The target agency already had this case; it has gone back and forth too often. "
                            + "Send it to the triage desk instead.")
                }
            }
            if let current = state.agencyCode { next.previousAgencies.append(current) }
            next.transferCount += 1
            next.agencyCode = agency
            next.status = agency == nil ? .triage : .assigned
            return (
                next,
                TimelineEntry(kind: .transferred, fromStatus: from, toStatus: next.status, agencyCode: agency, note: note)
            )

        case .recategorise(let category, let note):
            try require(from, for: .recategorise)
            guard category != state.categoryCode else {
                throw DomainError(
                    .conflict, code: "same_category", th: "เรื่องนี้อยู่ในหมวดหมู่นี้อยู่แล้ว",
                    en: "The case already has this category.")
            }
            next.categoryCode = category
            return (next, TimelineEntry(kind: .recategorised, categoryCode: category, note: note, isInternal: true))

        case .merge(let target, let note):
            try require(from, for: .merge)
            next.status = .merged
            next.mergedInto = target
            next.closedAt = now
            return (next, TimelineEntry(kind: .merged, fromStatus: from, toStatus: .merged, note: note ?? target))

        case .place(let agency, let category, let note):
            try require(from, for: .place)
            next.status = .assigned
            next.agencyCode = agency
            if let category { next.categoryCode = category }
            return (
                next,
                TimelineEntry(
                    kind: .placed, fromStatus: from, toStatus: .assigned, agencyCode: agency, categoryCode: category,
                    note: note))
        }
    }

    /// The state after a citizen's `action`.
    /// - Throws: `DomainError` as for staff actions; reopening after the window is a conflict.
    public static func apply(
        _ action: CitizenAction, to state: CaseState, at now: Date, rules: LifecycleRules
    ) throws(DomainError) -> (CaseState, TimelineEntry) {
        var next = state
        let from = state.status
        switch action {
        case .feedback(let stars, let comment):
            guard (1...5).contains(stars) else {
                throw .invalid("invalid_stars", th: "คะแนนต้องเป็น 1 ถึง 5 ดาว", en: "Stars must be from 1 to 5.")
            }
            try require(from, in: [.resolved, .closed], action: "feedback")
            guard LifecycleRules.canRate(state) else {
                throw DomainError(
                    .conflict, code: "already_rated", th: "ท่านให้คะแนนผลการดำเนินการนี้แล้ว",
                    en: "You have already rated this result.")
            }
            next.rating = stars
            next.ratingComment = comment
            next.ratedAt = now
            return (next, TimelineEntry(kind: .feedback, note: "\(stars)/5" + (comment.map { " — \($0)" } ?? "")))

        case .reopen(let reason):
            try requireText(reason, field: "reason")
            try require(from, in: [.resolved], action: "reopen")
            guard rules.appealDeadline(of: state, at: now) != nil else {
                let days = Int(rules.reopenWindow / 86_400)
                throw DomainError(
                    .conflict, code: "reopen_window_closed",
                    th: "พ้นกำหนดอุทธรณ์แล้ว (ภายใน \(days) วันหลังแจ้งผล)",
                    en: "The appeal window has closed (\(days) days after the result).")
            }
            next.status = .inProgress
            next.reopenCount += 1
            next.resolvedAt = nil
            return (next, TimelineEntry(kind: .reopened, fromStatus: from, toStatus: .inProgress, note: reason))

        case .withdraw(let reason):
            try require(from, in: [.received, .triage, .assigned, .accepted, .inProgress], action: "withdraw")
            next.status = .withdrawn
            next.closedAt = now
            return (next, TimelineEntry(kind: .withdrawn, fromStatus: from, toStatus: .withdrawn, note: reason))
        }
    }

    /// How many times a case went back to an agency that had held it before.
    static func returns(in holders: [String]) -> Int {
        var seen = Set<String>()
        var returns = 0
        for holder in holders where !seen.insert(holder).inserted { returns += 1 }
        return returns
    }

    static func require(_ status: CaseStatus, for kind: StaffActionKind) throws(DomainError) {
        try require(status, in: kind.allowedFrom, action: kind.rawValue)
    }

    /// The actions `staff` may take on a case held by `agencyCode` in `status`, in the order pages
    /// offer them: those its status allows (`StaffActionKind.allowedFrom`) and the role may take
    /// (`CaseAccessPolicy`). An action may still be refused for its details (the same category, a
    /// transfer loop), with a message saying why.
    public static func allowedActions(
        in status: CaseStatus, agencyCode: String?, for staff: StaffMember
    ) -> [StaffActionKind] {
        StaffActionKind.allCases.filter {
            $0.allowedFrom.contains(status)
                && CaseAccessPolicy.canApply($0, staff, agencyCode: agencyCode, status: status)
        }
    }

    static func require(_ status: CaseStatus, in allowed: Set<CaseStatus>, action: String) throws(DomainError) {
        guard allowed.contains(status) else {
            let allowedList = CaseStatus.allCases.filter(allowed.contains)
            throw DomainError(
                .conflict, code: "illegal_transition",
                th: "ทำรายการ \"\(action)\" ไม่ได้ เมื่อเรื่องอยู่ในสถานะ \"\(status.nameTH)\" "
                    + "(ทำได้เมื่อสถานะเป็น: \(allowedList.map(\.nameTH).joined(separator: ", ")))",
                en: "Cannot \(action) a case that is \(status.rawValue); allowed when it is "
                    + allowedList.map(\.rawValue).joined(separator: ", ") + ".")
        }
    }

    static func requireText(_ text: String, field: String) throws(DomainError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalid("missing_\(field)", th: "กรุณาระบุ \(field)", en: "\"\(field)\" is required.")
        }
    }
}
