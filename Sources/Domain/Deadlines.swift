public import Foundation

/// How long an agency has for a category: to acknowledge, to give a first answer (15 days
/// by the Royal Decree on Good Governance's practice) and to resolve.
public struct DeadlinePolicy: Sendable, Hashable, Codable {
    public var acknowledgeHours: Int
    public var firstAnswerDays: Int
    public var resolutionDays: Int

    public init(acknowledgeHours: Int, firstAnswerDays: Int, resolutionDays: Int) {
        self.acknowledgeHours = acknowledgeHours
        self.firstAnswerDays = firstAnswerDays
        self.resolutionDays = resolutionDays
    }

    /// Used for a category with no policy of its own.
    public static let standard = DeadlinePolicy(acknowledgeHours: 72, firstAnswerDays: 15, resolutionDays: 30)
}

/// The due dates of one case.
public struct DueDates: Sendable, Hashable, Codable {
    public var acknowledge: Date
    public var firstAnswer: Date
    public var resolution: Date

    public init(acknowledge: Date, firstAnswer: Date, resolution: Date) {
        self.acknowledge = acknowledge
        self.firstAnswer = firstAnswer
        self.resolution = resolution
    }

    /// Whether an open case has missed a deadline it has not yet met.
    public func isOverdue(status: CaseStatus, acknowledgedAt: Date?, firstAnsweredAt: Date?, at now: Date) -> Bool {
        Self.isOverdue(
            open: status.isOpen, acknowledged: acknowledgedAt != nil, firstAnswered: firstAnsweredAt != nil, now: now,
            acknowledgeDue: acknowledge, firstAnswerDue: firstAnswer, resolutionDue: resolution)
    }

    /// The overdue rule itself, on plain values of any time scale (dates here, Unix seconds in the
    /// statistics engine's columns); the store's SQL (`CaseRulesSQL.overdue`) writes the same rule.
    @inlinable
    public static func isOverdue<Time: Comparable>(
        open: Bool, acknowledged: Bool, firstAnswered: Bool, now: Time, acknowledgeDue: Time, firstAnswerDue: Time,
        resolutionDue: Time
    ) -> Bool {
        guard open else { return false }
        return (!acknowledged && now > acknowledgeDue) || (!firstAnswered && now > firstAnswerDue) || now > resolutionDue
    }
}

/// Every deadline policy: per category, and per agency overriding those (for one category or all).
public struct DeadlineBook: Sendable {
    public var byCategory: [String: DeadlinePolicy]
    /// agency → category (nil: every category) → policy.
    public var overrides: [String: [String?: DeadlinePolicy]]

    public init(byCategory: [String: DeadlinePolicy] = [:], overrides: [String: [String?: DeadlinePolicy]] = [:]) {
        self.byCategory = byCategory
        self.overrides = overrides
    }

    /// The policy for `category` at `agency`: the agency's override for the category, else its
    /// override for every category, else the category's, else the standard one.
    public func policy(category: String, agency: String?) -> DeadlinePolicy {
        if let agency, let agencyOverrides = overrides[agency] {
            if let policy = agencyOverrides[category] { return policy }
            if let policy = agencyOverrides[nil] { return policy }
        }
        return byCategory[category] ?? .standard
    }

    /// Due dates of a case filed at `filedAt`, counted from filing whatever happens later.
    public func dueDates(filedAt: Date, category: String, agency: String?) -> DueDates {
        let policy = policy(category: category, agency: agency)
        return DueDates(
            acknowledge: filedAt.addingTimeInterval(Double(policy.acknowledgeHours) * 3600),
            firstAnswer: filedAt.addingTimeInterval(Double(policy.firstAnswerDays) * 86_400),
            resolution: filedAt.addingTimeInterval(Double(policy.resolutionDays) * 86_400))
    }
}
