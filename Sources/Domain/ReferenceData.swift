/// The reference data every case is placed against: categories, areas, agencies, routing
/// rules and deadlines. Loaded from `Seeds/` and `Config/` into the database, then read back.
public struct ReferenceData: Sendable {
    public var taxonomyVersion: String
    public var categories: [Category]
    public var areas: [Area]
    public var agencies: [Agency]
    public var routingRules: [RoutingRule]
    public var deadlines: [DeadlineRule]
    /// Codes of abolished areas → the codes that took their place (DOPA, via geothai), so an old
    /// record's code still resolves. Read from `Seeds/areas/abolished.csv`, not kept in the database.
    public var successors: [String: [String]] = [:]

    public init(
        taxonomyVersion: String, categories: [Category], areas: [Area], agencies: [Agency], routingRules: [RoutingRule],
        deadlines: [DeadlineRule]
    ) {
        self.taxonomyVersion = taxonomyVersion
        self.categories = categories
        self.areas = areas
        self.agencies = agencies
        self.routingRules = routingRules
        self.deadlines = deadlines
    }

    /// The deadline book of `deadlines`.
    public var deadlineBook: DeadlineBook {
        var book = DeadlineBook()
        for rule in deadlines {
            if let agency = rule.agencyCode {
                book.overrides[agency, default: [:]][rule.categoryCode] = rule.policy
            } else if let category = rule.categoryCode {
                book.byCategory[category] = rule.policy
            }
        }
        return book
    }
}

/// One row of the deadline table: a category's default (no agency), or an agency's override
/// for one category or, without a category, for all.
public struct DeadlineRule: Sendable, Hashable {
    public var categoryCode: String?
    public var agencyCode: String?
    public var policy: DeadlinePolicy

    public init(categoryCode: String?, agencyCode: String?, policy: DeadlinePolicy) {
        self.categoryCode = categoryCode
        self.agencyCode = agencyCode
        self.policy = policy
    }
}
