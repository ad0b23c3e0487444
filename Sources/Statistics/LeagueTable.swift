/// Agencies ranked by how they answer, for the public league table.
///
/// The rule: first the share of cases answered within the first-answer deadline (the 15-day
/// rule), higher first; then the share resolved within the resolution target, higher first;
/// then the median time to first answer, shorter first; then the agency code. An agency with
/// fewer than `minimumCases` filed in the period is not ranked (a small sample can top any
/// table) but is still listed, apart, with its figures.
public enum LeagueTable {
    public struct Entry: Sendable, Equatable {
        public var agency: String
        /// 1-based; nil for agencies below the minimum.
        public var rank: Int?
        public var figures: GroupFigures
    }

    public static func rank(_ figures: [GroupFigures], minimumCases: Int) -> (ranked: [Entry], unranked: [Entry]) {
        let byAgency = figures.compactMap { group in group.key[.agency].map { ($0, group) } }.filter { !$0.0.isEmpty }
        let eligible = byAgency.filter { $0.1.filed >= minimumCases }.sorted { lhs, rhs in
            let left = lhs.1
            let right = rhs.1
            if (left.firstAnswerShare ?? -1) != (right.firstAnswerShare ?? -1) {
                return (left.firstAnswerShare ?? -1) > (right.firstAnswerShare ?? -1)
            }
            if (left.resolutionShare ?? -1) != (right.resolutionShare ?? -1) {
                return (left.resolutionShare ?? -1) > (right.resolutionShare ?? -1)
            }
            let leftMedian = left.firstAnswer.median ?? .infinity
            let rightMedian = right.firstAnswer.median ?? .infinity
            if leftMedian != rightMedian { return leftMedian < rightMedian }
            return lhs.0 < rhs.0
        }
        let ranked = eligible.enumerated().map { Entry(agency: $1.0, rank: $0 + 1, figures: $1.1) }
        let unranked = byAgency.filter { $0.1.filed < minimumCases }.sorted { $0.0 < $1.0 }
            .map { Entry(agency: $0.0, rank: nil, figures: $0.1) }
        return (ranked, unranked)
    }
}

/// Which categories and areas are rising: volume in the last days against the days before.
public enum Trends {
    public struct Rise: Sendable, Equatable {
        public var key: String
        /// Cases filed in the last `days` days (today included).
        public var recent: Int
        /// Cases filed in the `days` days before those.
        public var previous: Int
        public var change: Int { recent - previous }
        /// recent ÷ previous, with one added to each so a new problem does not divide by zero.
        public var ratio: Double { Double(recent + 1) / Double(previous + 1) }

        public init(key: String, recent: Int, previous: Int) {
            self.key = key
            self.recent = recent
            self.previous = previous
        }
    }

    /// The keys of `dimension` (category, district or province) whose volume rose most over the
    /// last `days` days, biggest absolute rise first (then biggest ratio, then key); only rises.
    public static func rising(
        _ columns: FactColumns, dimension: StatisticsDimension, days: Int32, now: Int64, limit: Int = 10
    ) -> [Rise] {
        let today = BangkokCalendar.day(now)
        let recentStart = today - days + 1
        let previousStart = recentStart - days
        guard [.category, .district, .province, .agency].contains(dimension), let keyColumn = columns.column(dimension),
            let book = columns.codeBook(dimension)
        else { return [] }
        var recent: [Int32: Int] = [:]
        var previous: [Int32: Int] = [:]
        for index in 0..<columns.count {
            let day = columns.day[index]
            guard day >= previousStart, day <= today else { continue }
            let key = keyColumn[index]
            guard key > 0 else { continue }
            if day >= recentStart { recent[key, default: 0] += 1 } else { previous[key, default: 0] += 1 }
        }
        let rises = Set(recent.keys).union(previous.keys).compactMap { key -> Rise? in
            guard let code = book.code(key) else { return nil }
            return Rise(key: code, recent: recent[key] ?? 0, previous: previous[key] ?? 0)
        }
        return rises.filter { $0.change > 0 }.sorted { lhs, rhs in
            if lhs.change != rhs.change { return lhs.change > rhs.change }
            if lhs.ratio != rhs.ratio { return lhs.ratio > rhs.ratio }
            return lhs.key < rhs.key
        }.prefix(limit).map { $0 }
    }
}
