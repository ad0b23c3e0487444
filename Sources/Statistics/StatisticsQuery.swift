public import Domain

/// What cases can be grouped by.
public enum StatisticsDimension: String, Sendable, Hashable, CaseIterable, Codable {
    case category, agency, province, district, subdistrict, status, kind, channel, month, week, day
}

/// A statistics question: which cases (filters), grouped how (at most two dimensions).
public struct StatisticsQuery: Sendable, Hashable {
    public var groupBy: [StatisticsDimension]
    /// First and last day of filing, inclusive, as Bangkok day numbers (`BangkokCalendar`).
    public var fromDay: Int32?
    public var toDay: Int32?
    public var categories: [String]?
    public var agencies: [String]?
    /// A province, district or subdistrict code.
    public var area: String?
    public var kinds: [CaseKind]?

    public init(
        groupBy: [StatisticsDimension] = [], fromDay: Int32? = nil, toDay: Int32? = nil, categories: [String]? = nil,
        agencies: [String]? = nil, area: String? = nil, kinds: [CaseKind]? = nil
    ) {
        self.groupBy = groupBy
        self.fromDay = fromDay
        self.toDay = toDay
        self.categories = categories
        self.agencies = agencies
        self.area = area
        self.kinds = kinds
    }
}

/// The distribution of one duration (seconds), with exact percentiles.
public struct DurationFigures: Sendable, Equatable {
    public var count: Int
    /// percentile_cont(0.5), as PostgreSQL computes it (linear between the two middle values).
    public var median: Double?
    /// percentile_cont(0.9).
    public var p90: Double?

    public init(count: Int, median: Double? = nil, p90: Double? = nil) {
        self.count = count
        self.median = median
        self.p90 = p90
    }
}

/// Every figure of one group of cases.
///
/// Definitions: *open* cases are received, in triage, assigned, accepted or in progress;
/// *resolved* are resolved or closed. *Overdue* counts open cases with a deadline passed and
/// not met, now. The first-answer share counts a case once it was answered or its deadline
/// passed (merged and withdrawn cases never answered are left out) and meets it if answered
/// by the deadline; the resolution share likewise (rejected ones also left out). A case
/// *reached a result* if it was ever resolved; *reopened* ones were appealed at least once.
public struct GroupFigures: Sendable, Equatable {
    /// The group's value per dimension: a code, or a date ("2026-11", "2026-11-16", "2026-11-21").
    public var key: [StatisticsDimension: String]
    public var filed = 0
    public var open = 0
    public var resolved = 0
    public var rejected = 0
    public var merged = 0
    public var withdrawn = 0
    public var overdue = 0
    public var acknowledge = DurationFigures(count: 0)
    public var firstAnswer = DurationFigures(count: 0)
    public var resolution = DurationFigures(count: 0)
    public var firstAnswerDue = 0
    public var firstAnswerMet = 0
    public var resolutionDue = 0
    public var resolutionMet = 0
    public var results = 0
    public var reopenedCases = 0
    public var appeals = 0
    public var ratings = 0
    public var ratingSum = 0
    /// How many ratings gave 1, 2, 3, 4 and 5 stars.
    public var stars = [0, 0, 0, 0, 0]

    public init(key: [StatisticsDimension: String]) {
        self.key = key
    }

    public var firstAnswerShare: Double? { firstAnswerDue == 0 ? nil : Double(firstAnswerMet) / Double(firstAnswerDue) }
    public var resolutionShare: Double? { resolutionDue == 0 ? nil : Double(resolutionMet) / Double(resolutionDue) }
    public var reopenShare: Double? { results == 0 ? nil : Double(reopenedCases) / Double(results) }
    public var meanStars: Double? { ratings == 0 ? nil : Double(ratingSum) / Double(ratings) }
}
