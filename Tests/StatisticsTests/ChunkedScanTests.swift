import Domain
import Testing

@testable import Statistics

@Suite("Statistics counted in chunks")
struct ChunkedScanTests {
    @Test("counted in several chunks at once, every figure of every group is what one scan gives")
    func chunksAgreeWithOneScan() {
        var generator = SystemRandomNumberGenerator()
        let now: Int64 = 1_796_000_000
        let hour: Int64 = 3600
        func maybe(_ range: ClosedRange<Int64>) -> Int64? {
            Bool.random(using: &generator) ? Int64.random(in: range, using: &generator) : nil
        }
        var columns = FactColumns()
        for id in 1...4_000 {
            let filed = now - Int64.random(in: 0...(400 * 24 * hour), using: &generator)
            let district = String(1001 + Int.random(in: 0..<6, using: &generator))
            columns.upsert(CaseFacts(
                id: Int64(id), filedAt: filed, category: ["road", "flooding", "waste", "light", "noise"].randomElement(using: &generator)!,
                agency: ["bma-district-1001", "bma-district-1002", "mea", nil].randomElement(using: &generator)!,
                provinceCode: "10", districtCode: district, subdistrictCode: nil,
                status: CaseStatus.allCases.randomElement(using: &generator)!, kind: CaseKind.allCases.randomElement(using: &generator)!,
                channel: ["web", "api", "line"].randomElement(using: &generator)!,
                acknowledgedAt: maybe(0...(100 * hour)).map { filed + $0 }, firstAnsweredAt: maybe(0...(400 * hour)).map { filed + $0 },
                resolvedAt: maybe(0...(900 * hour)).map { filed + $0 }, acknowledgeDue: filed + 72 * hour,
                firstAnswerDue: filed + 360 * hour, resolutionDue: filed + 720 * hour,
                reopenCount: Int.random(in: 0...2, using: &generator), rating: Bool.random(using: &generator) ? Int.random(in: 1...5, using: &generator) : nil))
        }
        let groupings: [[StatisticsDimension]] = [[], [.category], [.agency], [.status], [.category, .month], [.district, .day]]
        // Filtered too, so that a row's position among the matching rows is not its position in the columns.
        let lastHalfYear = BangkokCalendar.day(now) - 182
        let queries = groupings.map { StatisticsQuery(groupBy: $0) }
            + groupings.map { StatisticsQuery(groupBy: $0, fromDay: lastHalfYear, categories: ["road", "waste", "noise"]) }
        for query in queries {
            let groupBy = query.groupBy
            let once = StatisticsEngine.figures(columns, query: query, now: now, rowsPerChunk: .max, cores: 1)
            if query.fromDay == nil { #expect(once.reduce(0) { $0 + $1.filed } == 4_000) }
            for cores in [2, 3, 7] {
                let chunked = StatisticsEngine.figures(columns, query: query, now: now, rowsPerChunk: 100, cores: cores)
                #expect(chunked == once, "grouped by \(groupBy) in \(cores) chunks")
            }
        }
    }

    @Test("chunks cover every row once, in order, at most as many as cores, rows and the counters' budget allow")
    func chunkBounds() {
        for (count, rowsPerChunk, cores) in [(11, 2, 5), (4_000, 100, 3), (7, 1, 7), (7, 1, 20), (1, 1, 4), (0, 1, 4)] {
            let chunks = Chunks(count: count, groups: 10, bytesPerGroup: 8, rowsPerChunk: rowsPerChunk, cores: cores)
            #expect(chunks.ranges.flatMap { Array($0) } == Array(0..<count), "\(count) rows, \(cores) cores")
            #expect(chunks.count <= max(1, min(cores, count)))
            #expect(count == 0 || chunks.ranges.allSatisfy { !$0.isEmpty })
        }
        #expect(Chunks(count: 4_000, groups: 10, bytesPerGroup: 192, rowsPerChunk: 100, cores: 3).count == 3)
        let groups = Chunks.counterBudget / 192 / 2
        #expect(Chunks(count: 4_000, groups: groups, bytesPerGroup: 192, rowsPerChunk: 100, cores: 3).count == 2)
        #expect(Chunks(count: 4_000, groups: Chunks.counterBudget, bytesPerGroup: 192, rowsPerChunk: 100, cores: 3).count == 1)
    }
}
