public import Domain

/// Computes statistics over fact columns: filter, group by up to two dimensions, and every
/// figure of `GroupFigures` per group, exactly.
public enum StatisticsEngine {
    static let openStatuses: Set<CaseStatus> = [.received, .triage, .assigned, .accepted, .inProgress]

    /// The figures of every non-empty group, ordered by the groups' keys.
    /// - Parameter now: Unix seconds; what "overdue" and "deadline passed" are measured against.
    public static func figures(_ columns: FactColumns, query: StatisticsQuery, now: Int64) -> [GroupFigures] {
        let rows = matchingRows(columns, query: query)
        let dimensions = Array(query.groupBy.prefix(2))
        let keyColumns = dimensions.map { keys(columns, $0, rows: rows) }

        // Group numbers: dense when the key space is small, through a dictionary otherwise.
        var groupOf = [Int32](repeating: 0, count: rows.count)
        var groupKeys: [(Int32, Int32)] = []
        if dimensions.isEmpty {
            if !rows.isEmpty { groupKeys = [(0, 0)] }
        } else {
            var numbers: [Int64: Int32] = [:]
            for index in rows.indices {
                let first = keyColumns[0][index]
                let second = keyColumns.count > 1 ? keyColumns[1][index] : 0
                let combined = Int64(first) << 32 | Int64(UInt32(bitPattern: second))
                if let number = numbers[combined] {
                    groupOf[index] = number
                } else {
                    let number = Int32(groupKeys.count)
                    numbers[combined] = number
                    groupKeys.append((first, second))
                    groupOf[index] = number
                }
            }
        }
        let groupCount = groupKeys.count
        guard groupCount > 0 else { return [] }

        var figures = groupKeys.map { key -> GroupFigures in
            var named: [StatisticsDimension: String] = [:]
            for (position, dimension) in dimensions.enumerated() {
                named[dimension] = label(columns, dimension, position == 0 ? key.0 : key.1)
            }
            return GroupFigures(key: named)
        }
        var durationCounts = [[Int]](repeating: [Int](repeating: 0, count: groupCount), count: 3)
        let statuses = FactColumns.statuses
        let open = statuses.map { openStatuses.contains($0) }
        let resolvedIndex = statuses.map { $0 == .resolved || $0 == .closed }
        let rejectedIndex = Int32(statuses.firstIndex(of: .rejected)!)
        let mergedIndex = Int32(statuses.firstIndex(of: .merged)!)
        let withdrawnIndex = Int32(statuses.firstIndex(of: .withdrawn)!)

        for (index, row) in rows.enumerated() {
            let r = Int(row)
            let group = Int(groupOf[index])
            let status = columns.status[r]
            let elapsed = now - columns.filed[r]
            let acknowledged = columns.acknowledged[r]
            let answered = columns.firstAnswered[r]
            let resolved = columns.resolved[r]
            let isOpen = open[Int(status)]
            let exited = status == mergedIndex || status == withdrawnIndex
            figures[group].filed += 1
            if isOpen { figures[group].open += 1 }
            if resolvedIndex[Int(status)] { figures[group].resolved += 1 }
            if status == rejectedIndex { figures[group].rejected += 1 }
            if status == mergedIndex { figures[group].merged += 1 }
            if status == withdrawnIndex { figures[group].withdrawn += 1 }
            if isOpen
                && ((acknowledged < 0 && elapsed > Int64(columns.acknowledgeDue[r]))
                    || (answered < 0 && elapsed > Int64(columns.firstAnswerDue[r]))
                    || elapsed > Int64(columns.resolutionDue[r]))
            {
                figures[group].overdue += 1
            }
            if acknowledged >= 0 { durationCounts[0][group] += 1 }
            if answered >= 0 { durationCounts[1][group] += 1 }
            if resolved >= 0 { durationCounts[2][group] += 1 }
            if answered >= 0 || (elapsed > Int64(columns.firstAnswerDue[r]) && !exited) {
                figures[group].firstAnswerDue += 1
                if answered >= 0 && answered <= columns.firstAnswerDue[r] { figures[group].firstAnswerMet += 1 }
            }
            if resolved >= 0 || (elapsed > Int64(columns.resolutionDue[r]) && !exited && status != rejectedIndex) {
                figures[group].resolutionDue += 1
                if resolved >= 0 && resolved <= columns.resolutionDue[r] { figures[group].resolutionMet += 1 }
            }
            let reopens = columns.reopens[r]
            if resolved >= 0 || reopens > 0 || resolvedIndex[Int(status)] { figures[group].results += 1 }
            if reopens > 0 {
                figures[group].reopenedCases += 1
                figures[group].appeals += Int(reopens)
            }
            let stars = columns.rating[r]
            if stars > 0 {
                figures[group].ratings += 1
                figures[group].ratingSum += Int(stars)
                figures[group].stars[Int(stars) - 1] += 1
            }
        }

        // Durations: each group's values gathered into one slice of a flat buffer, then selected.
        let durationColumns = [columns.acknowledged, columns.firstAnswered, columns.resolved]
        for measure in 0..<3 {
            var starts = [Int](repeating: 0, count: groupCount + 1)
            for group in 0..<groupCount { starts[group + 1] = starts[group] + durationCounts[measure][group] }
            var fill = starts
            var values = [Int32](repeating: 0, count: starts[groupCount])
            let column = durationColumns[measure]
            for (index, row) in rows.enumerated() {
                let value = column[Int(row)]
                guard value >= 0 else { continue }
                let group = Int(groupOf[index])
                values[fill[group]] = value
                fill[group] += 1
            }
            values.withUnsafeMutableBufferPointer { buffer in
                for group in 0..<groupCount {
                    var slice = UnsafeMutableBufferPointer(rebasing: buffer[starts[group]..<starts[group + 1]])
                    let result = DurationFigures(
                        count: slice.count, median: Percentile.continuous(0.5, of: &slice),
                        p90: Percentile.continuous(0.9, of: &slice))
                    switch measure {
                    case 0: figures[group].acknowledge = result
                    case 1: figures[group].firstAnswer = result
                    default: figures[group].resolution = result
                    }
                }
            }
        }
        return figures.sorted { lhs, rhs in
            for dimension in dimensions where lhs.key[dimension] != rhs.key[dimension] {
                return (lhs.key[dimension] ?? "") < (rhs.key[dimension] ?? "")
            }
            return false
        }
    }

    /// Indices of the cases the query's filters keep.
    static func matchingRows(_ columns: FactColumns, query: StatisticsQuery) -> [Int32] {
        func allowed(_ codes: [String]?, in book: CodeBook) -> [Bool]? {
            guard let codes else { return nil }
            var allowed = [Bool](repeating: false, count: book.codes.count)
            for code in codes { if let number = book.lookup(code) { allowed[Int(number)] = true } }
            return allowed
        }
        let categories = allowed(query.categories, in: columns.categories)
        let agencies = allowed(query.agencies, in: columns.agencies)
        var kinds: [Bool]?
        if let wanted = query.kinds { kinds = FactColumns.kinds.map(wanted.contains) }
        var areaColumn: [Int32]?
        var areaNumber: Int32 = -1
        if let area = query.area {
            areaNumber = columns.areas.lookup(area) ?? -1
            switch area.count {
            case 2: areaColumn = columns.province
            case 4: areaColumn = columns.district
            default: areaColumn = columns.subdistrict
            }
        }
        let from = query.fromDay ?? Int32.min
        let to = query.toDay ?? Int32.max
        var rows: [Int32] = []
        rows.reserveCapacity(columns.count)
        for index in 0..<columns.count {
            let day = columns.day[index]
            guard day >= from, day <= to else { continue }
            if let categories, !categories[Int(columns.category[index])] { continue }
            if let agencies, !agencies[Int(columns.agency[index])] { continue }
            if let kinds, !kinds[Int(columns.kind[index])] { continue }
            if let areaColumn, areaColumn[index] != areaNumber { continue }
            rows.append(Int32(index))
        }
        return rows
    }

    /// The key of each matching row in `dimension`.
    static func keys(_ columns: FactColumns, _ dimension: StatisticsDimension, rows: [Int32]) -> [Int32] {
        let column: [Int32]
        switch dimension {
        case .category: column = columns.category
        case .agency: column = columns.agency
        case .province: column = columns.province
        case .district: column = columns.district
        case .status: column = columns.status
        case .kind: column = columns.kind
        case .channel: column = columns.channel
        case .month: column = columns.month
        case .day: column = columns.day
        case .week: return rows.map { BangkokCalendar.weekStart(ofDay: columns.day[Int($0)]) }
        }
        return rows.map { column[Int($0)] }
    }

    /// The published value of a key: a code, a status or kind name, or a date.
    static func label(_ columns: FactColumns, _ dimension: StatisticsDimension, _ key: Int32) -> String {
        switch dimension {
        case .category: return columns.categories.code(key) ?? ""
        case .agency: return columns.agencies.code(key) ?? ""
        case .province, .district: return columns.areas.code(key) ?? ""
        case .channel: return columns.channels.code(key) ?? ""
        case .status: return FactColumns.statuses[Int(key)].rawValue
        case .kind: return FactColumns.kinds[Int(key)].rawValue
        case .month: return BangkokCalendar.monthString(key)
        case .week, .day: return BangkokCalendar.dateString(ofDay: key)
        }
    }
}
