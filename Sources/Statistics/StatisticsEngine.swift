import Domain

/// Computes statistics over fact columns: filter, group by up to two dimensions, and every
/// figure of `GroupFigures` per group, exactly.
public enum StatisticsEngine {

    /// The figures of every non-empty group, ordered by the groups' keys.
    /// - Parameter now: Unix seconds; what "overdue" and "deadline passed" are measured against.
    ///
    /// A question over many rows is counted in chunks, one per core at once (`Chunks`): an all-time
    /// question at ten million cases is otherwise a scan of every row on one thread. Callers run few of
    /// these at once (`StatisticsService`): each uses every core.
    public static func figures(_ columns: FactColumns, query: StatisticsQuery, now: Int64) -> [GroupFigures] {
        figures(columns, query: query, now: now, rowsPerChunk: Chunks.rowsPerChunk, cores: Chunks.cores)
    }

    /// `figures` with the chunking given (tests cut a few thousand rows into several chunks).
    static func figures(
        _ columns: FactColumns, query: StatisticsQuery, now: Int64, rowsPerChunk: Int, cores: Int
    ) -> [GroupFigures] {
        let rows = matchingRows(columns, query: query)
        let dimensions = Array(query.groupBy.prefix(2))
        let (groupOf, groupKeys) = groups(columns, dimensions: dimensions, rows: rows)
        let groupCount = groupKeys.count
        guard groupCount > 0 else { return [] }
        let width = Counter.allCases.count
        let chunks = Chunks(
            count: rows.count, groups: groupCount, bytesPerGroup: width * MemoryLayout<Int>.stride, rowsPerChunk: rowsPerChunk,
            cores: cores)
        let block = groupCount * width
        // Each chunk counts into its own block of flat counters (one slot per group and counter), so the
        // scan does nothing but arithmetic and chunks never share a slot.
        var chunkCounters = [Int](repeating: 0, count: chunks.count * block)
        let scan = Scan(now: now)
        chunkCounters.withUnsafeMutableBufferPointer { all in
            ScanColumns.with(columns, rows: rows, groupOf: groupOf) { pointers in
                let target = Unchecked(all)
                chunks.forEach { chunk, range in
                    let counters = UnsafeMutableBufferPointer(rebasing: target.value[(chunk * block)..<((chunk + 1) * block)])
                    scan.count(range, pointers, width: width, into: counters)
                }
            }
        }
        var counters = Array(chunkCounters[0..<block])
        for chunk in 1..<max(1, chunks.count) {
            for slot in 0..<block { counters[slot] &+= chunkCounters[chunk * block + slot] }
        }

        var figures = (0..<groupCount).map { group -> GroupFigures in
            let key = groupKeys[group]
            var named: [StatisticsDimension: String] = [:]
            for (position, dimension) in dimensions.enumerated() {
                named[dimension] = label(columns, dimension, position == 0 ? key.0 : key.1)
            }
            var result = GroupFigures(key: named)
            func value(_ counter: Counter) -> Int { counters[group * width + counter.rawValue] }
            result.filed = value(.filed)
            result.open = value(.open)
            result.resolved = value(.resolved)
            result.rejected = value(.rejected)
            result.merged = value(.merged)
            result.withdrawn = value(.withdrawn)
            result.overdue = value(.overdue)
            result.firstAnswerDue = value(.firstDue)
            result.firstAnswerMet = value(.firstMet)
            result.resolutionDue = value(.resolutionDue)
            result.resolutionMet = value(.resolutionMet)
            result.results = value(.results)
            result.reopenedCases = value(.reopened)
            result.appeals = value(.appeals)
            result.ratings = value(.ratings)
            result.ratingSum = value(.ratingSum)
            result.stars = [value(.star1), value(.star2), value(.star3), value(.star4), value(.star5)]
            return result
        }

        // Durations: each group's values gathered into one slice of a flat buffer, then selected. Each
        // chunk writes its rows' values into its own part of each group's slice.
        let measures: [(column: [Int32], counter: Counter)] = [
            (columns.acknowledged, .acknowledged), (columns.firstAnswered, .answered), (columns.resolved, .resolvedTime),
        ]
        for (measure, (column, counter)) in measures.enumerated() {
            var offsets = [Int](repeating: 0, count: groupCount + 1)
            for group in 0..<groupCount { offsets[group + 1] = offsets[group] + counters[group * width + counter.rawValue] }
            let starts = offsets
            // Where each chunk's values of each group go: after the earlier chunks' values of that group.
            var fill = [Int](repeating: 0, count: chunks.count * groupCount)
            for group in 0..<groupCount {
                var next = starts[group]
                for chunk in 0..<chunks.count {
                    fill[chunk * groupCount + group] = next
                    next += chunkCounters[chunk * block + group * width + counter.rawValue]
                }
            }
            var values = [Int32](repeating: 0, count: starts[groupCount])
            var results = [DurationFigures](repeating: DurationFigures(count: 0), count: groupCount)
            values.withUnsafeMutableBufferPointer { values in
                fill.withUnsafeMutableBufferPointer { fill in
                    column.withUnsafeBufferPointer { column in
                        rows.withUnsafeBufferPointer { rows in
                            groupOf.withUnsafeBufferPointer { groupOf in
                                let shared = Unchecked((values, fill, column, rows, groupOf))
                                chunks.forEach { chunk, range in
                                    let (values, fill, column, rows, groupOf) = shared.value
                                    let base = chunk * groupCount
                                    for index in range {
                                        let value = column[Int(rows[index])]
                                        guard value >= 0 else { continue }
                                        let slot = base + Int(groupOf[index])
                                        values[fill[slot]] = value
                                        fill[slot] &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
                results.withUnsafeMutableBufferPointer { results in
                    let shared = Unchecked((values, results))
                    // Groups dealt out to the chunks' workers in turn.
                    chunks.forEach { chunk, _ in
                        let (values, results) = shared.value
                        for group in stride(from: chunk, to: groupCount, by: chunks.count) {
                            var slice = UnsafeMutableBufferPointer(rebasing: values[starts[group]..<starts[group + 1]])
                            let (median, p90) = Percentile.medianAndP90(of: &slice)
                            results[group] = DurationFigures(count: slice.count, median: median, p90: p90)
                        }
                    }
                }
            }
            for group in 0..<groupCount {
                switch measure {
                case 0: figures[group].acknowledge = results[group]
                case 1: figures[group].firstAnswer = results[group]
                default: figures[group].resolution = results[group]
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

    /// The counters of a group, in a flat block per group.
    enum Counter: Int, CaseIterable {
        case filed, open, resolved, rejected, merged, withdrawn, overdue, acknowledged, answered, resolvedTime
        case firstDue, firstMet, resolutionDue, resolutionMet, results, reopened, appeals, ratings, ratingSum
        case star1, star2, star3, star4, star5
    }

    /// The columns one scan reads, and the matching rows with their groups, as pointers valid for the
    /// duration of `ScanColumns.with`.
    struct ScanColumns: @unchecked Sendable {
        let rows: UnsafeBufferPointer<Int32>
        let groupOf: UnsafeBufferPointer<Int32>
        let status: UnsafeBufferPointer<Int32>
        let filed: UnsafeBufferPointer<Int64>
        let acknowledged: UnsafeBufferPointer<Int32>
        let answered: UnsafeBufferPointer<Int32>
        let resolved: UnsafeBufferPointer<Int32>
        let acknowledgeDue: UnsafeBufferPointer<Int32>
        let firstAnswerDue: UnsafeBufferPointer<Int32>
        let resolutionDue: UnsafeBufferPointer<Int32>
        let reopens: UnsafeBufferPointer<Int32>
        let rating: UnsafeBufferPointer<Int32>

        static func with(
            _ columns: FactColumns, rows: [Int32], groupOf: [Int32], _ body: (ScanColumns) -> Void
        ) {
            rows.withUnsafeBufferPointer { rows in
            groupOf.withUnsafeBufferPointer { groupOf in
            columns.status.withUnsafeBufferPointer { status in
            columns.filed.withUnsafeBufferPointer { filed in
            columns.acknowledged.withUnsafeBufferPointer { acknowledged in
            columns.firstAnswered.withUnsafeBufferPointer { answered in
            columns.resolved.withUnsafeBufferPointer { resolved in
            columns.acknowledgeDue.withUnsafeBufferPointer { acknowledgeDue in
            columns.firstAnswerDue.withUnsafeBufferPointer { firstAnswerDue in
            columns.resolutionDue.withUnsafeBufferPointer { resolutionDue in
            columns.reopens.withUnsafeBufferPointer { reopens in
            columns.rating.withUnsafeBufferPointer { rating in
                body(ScanColumns(
                    rows: rows, groupOf: groupOf, status: status, filed: filed, acknowledged: acknowledged,
                    answered: answered, resolved: resolved, acknowledgeDue: acknowledgeDue,
                    firstAnswerDue: firstAnswerDue, resolutionDue: resolutionDue, reopens: reopens, rating: rating))
            } } } } } } } } } } } }
        }
    }

    /// What a scan compares rows with: the time, and the statuses' classes.
    struct Scan: Sendable {
        let now: Int64
        let isOpen = FactColumns.statuses.map(\.isOpen)
        let isResolved = FactColumns.statuses.map { $0 == .resolved || $0 == .closed }
        let rejected = Int32(FactColumns.statuses.firstIndex(of: .rejected)!)
        let merged = Int32(FactColumns.statuses.firstIndex(of: .merged)!)
        let withdrawn = Int32(FactColumns.statuses.firstIndex(of: .withdrawn)!)

        /// Counts the rows at positions `range` of the matching rows into `counters`.
        func count(
            _ range: Range<Int>, _ c: ScanColumns, width: Int, into counters: UnsafeMutableBufferPointer<Int>
        ) {
            for index in range {
                let r = Int(c.rows[index])
                let base = Int(c.groupOf[index]) * width
                @inline(__always) func count(_ counter: Counter, _ amount: Int = 1) { counters[base + counter.rawValue] &+= amount }
                let state = c.status[r]
                let elapsed = now - c.filed[r]
                let acknowledged = c.acknowledged[r]
                let answered = c.answered[r]
                let resolved = c.resolved[r]
                let open = isOpen[Int(state)]
                let exited = state == merged || state == withdrawn
                count(.filed)
                if open { count(.open) }
                if isResolved[Int(state)] { count(.resolved) }
                if state == rejected { count(.rejected) }
                if state == merged { count(.merged) }
                if state == withdrawn { count(.withdrawn) }
                if DueDates.isOverdue(
                    open: open, acknowledged: acknowledged >= 0, firstAnswered: answered >= 0, now: elapsed,
                    acknowledgeDue: Int64(c.acknowledgeDue[r]), firstAnswerDue: Int64(c.firstAnswerDue[r]),
                    resolutionDue: Int64(c.resolutionDue[r]))
                {
                    count(.overdue)
                }
                if acknowledged >= 0 { count(.acknowledged) }
                if answered >= 0 { count(.answered) }
                if resolved >= 0 { count(.resolvedTime) }
                if answered >= 0 || (elapsed > Int64(c.firstAnswerDue[r]) && !exited) {
                    count(.firstDue)
                    if answered >= 0 && answered <= c.firstAnswerDue[r] { count(.firstMet) }
                }
                if resolved >= 0 || (elapsed > Int64(c.resolutionDue[r]) && !exited && state != rejected) {
                    count(.resolutionDue)
                    if resolved >= 0 && resolved <= c.resolutionDue[r] { count(.resolutionMet) }
                }
                let reopens = c.reopens[r]
                if resolved >= 0 || reopens > 0 || isResolved[Int(state)] { count(.results) }
                if reopens > 0 {
                    count(.reopened)
                    count(.appeals, Int(reopens))
                }
                let stars = c.rating[r]
                if stars > 0 {
                    count(.ratings)
                    count(.ratingSum, Int(stars))
                    counters[base + Counter.star1.rawValue + Int(stars) - 1] &+= 1
                }
            }
        }
    }

    /// The group of each matching row, and each group's keys. Keys are small numbers, so groups
    /// are numbered through a dense table when the two dimensions' ranges allow it (no hashing).
    /// Keys are read from their columns as they are needed, not copied out for every row first: at
    /// ten million cases each copy was 40 MB, and an all-time question held two beside the rows and
    /// their groups.
    static func groups(_ columns: FactColumns, dimensions: [StatisticsDimension], rows: [Int32]) -> (
        groupOf: [Int32], keys: [(Int32, Int32)]
    ) {
        guard !rows.isEmpty else { return ([], []) }
        guard !dimensions.isEmpty else { return ([Int32](repeating: 0, count: rows.count), [(0, 0)]) }
        let first = KeyReader(columns, dimensions[0])
        let second = dimensions.count > 1 ? KeyReader(columns, dimensions[1]) : .constant
        var (low1, high1, low2, high2) = (Int32.max, Int32.min, Int32.max, Int32.min)
        for row in rows {
            let (a, b) = (first.key(row), second.key(row))
            if a < low1 { low1 = a }
            if a > high1 { high1 = a }
            if b < low2 { low2 = b }
            if b > high2 { high2 = b }
        }
        let span1 = Int(high1) - Int(low1) + 1
        let span2 = Int(high2) - Int(low2) + 1
        var groupOf = [Int32](repeating: 0, count: rows.count)
        var groupKeys: [(Int32, Int32)] = []
        if span1 * span2 <= 4_000_000 {
            var table = [Int32](repeating: -1, count: span1 * span2)
            for index in rows.indices {
                let (a, b) = (first.key(rows[index]), second.key(rows[index]))
                let cell = (Int(a) - Int(low1)) * span2 + (Int(b) - Int(low2))
                var group = table[cell]
                if group < 0 {
                    group = Int32(groupKeys.count)
                    table[cell] = group
                    groupKeys.append((a, b))
                }
                groupOf[index] = group
            }
        } else {
            var numbers: [Int64: Int32] = [:]
            for index in rows.indices {
                let (a, b) = (first.key(rows[index]), second.key(rows[index]))
                let combined = Int64(a) << 32 | Int64(UInt32(bitPattern: b))
                if let group = numbers[combined] {
                    groupOf[index] = group
                } else {
                    let group = Int32(groupKeys.count)
                    numbers[combined] = group
                    groupKeys.append((a, b))
                    groupOf[index] = group
                }
            }
        }
        return (groupOf, groupKeys)
    }

    /// A dimension's key of a row: its column's value, or the week of its day.
    struct KeyReader {
        enum Source { case column, week, none }
        let values: [Int32]
        let source: Source

        static let constant = KeyReader(values: [], source: .none)

        private init(values: [Int32], source: Source) {
            self.values = values
            self.source = source
        }

        init(_ columns: FactColumns, _ dimension: StatisticsDimension) {
            if let column = columns.column(dimension) {
                self.init(values: column, source: .column)
            } else {
                self.init(values: columns.day, source: .week)
            }
        }

        @inline(__always) func key(_ row: Int32) -> Int32 {
            switch source {
            case .column: values[Int(row)]
            case .week: BangkokCalendar.weekStart(ofDay: values[Int(row)])
            case .none: 0
            }
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

    /// The published value of a key: a code, a status or kind name, or a date.
    static func label(_ columns: FactColumns, _ dimension: StatisticsDimension, _ key: Int32) -> String {
        switch dimension {
        case .category, .agency, .province, .district, .subdistrict, .channel: return columns.codeBook(dimension)?.code(key) ?? ""
        case .status: return FactColumns.statuses[Int(key)].rawValue
        case .kind: return FactColumns.kinds[Int(key)].rawValue
        case .month: return BangkokCalendar.monthString(key)
        case .week, .day: return BangkokCalendar.dateString(ofDay: key)
        }
    }
}
