import Domain

/// The Domain's case rules written as SQL, so the store filters by the very rule the Swift code
/// applies (FixMyStreet's `open_states()` feeding both its Perl and its SQL).
enum CaseRulesSQL {
    /// `'received', 'triage', …`: the statuses in which a case is open (`CaseStatus.isOpen`), as an SQL
    /// list. The values are the enum's own raw values, never input, so they are safe to write into SQL.
    static let openStatusList = CaseStatus.allCases.filter(\.isOpen).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Whether the case `c` is overdue at the time in `now` (a parameter such as `$8`), as
    /// `DueDates.isOverdue` decides it: open, and past a deadline it has not met.
    static func overdue(at now: String) -> String {
        """
        (c.status IN (\(openStatusList)) AND (
            (c.acknowledged_at IS NULL AND \(now) > c.acknowledge_due)
            OR (c.first_answered_at IS NULL AND \(now) > c.first_answer_due)
            OR \(now) > c.resolution_due))
        """
    }
}
