import ArgumentParser
import Classification
import Foundation
import Setup
import Services
import Statistics
import Postgres
import Store
import Web
import JSONBytes

/// `siang bench stats`: the statistics engine alone, one question at a time (on every core), over generated cases or the
/// database's.
///
/// By default the same cases `siang demo` writes, kept in memory only, so the cost of each public
/// statistics query can be seen without HTTP, caching or a database (`bench/stats.sh` and
/// `bench/scale.sh` measure those end to end). With `--from-database` the facts are loaded as a
/// server loads them at start, and the load's speed and the facts' memory are reported too.
struct StatsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Milliseconds per statistics query (median, p99) over N generated cases, one at a time, uncached."
    )

    @Option(help: "How many generated cases.")
    var cases = 1_000_000

    @Option(help: "Over how many days back from now.")
    var days = 365

    @Option(help: "Seconds to run each query for.")
    var seconds = 1.0

    @Flag(help: "Load the facts of the database's cases (as serve does at start) instead of generating them.")
    var fromDatabase = false

    func validate() throws {
        guard cases > 0, cases <= 20_000_000 else { throw ValidationError("--cases must be from 1 to 20,000,000") }
        guard days > 0, days <= 3650 else { throw ValidationError("--days must be from 1 to 3,650") }
    }

    struct Timing: Encodable {
        var query: String
        var groups: Int
        var runs: Int
        var median_ms: Double
        var p99_ms: Double
    }

    struct Report: Encodable {
        var cases: Int
        var facts_built_seconds: Double
        /// With --from-database: the cases table's size on disk, and how fast the load read it.
        var table_mb: Double?
        var load_mb_per_second: Double?
        var facts_memory_mb: Double
        var threads: Int
        var queries: [Timing]
    }

    func run() async throws {
        let now = Date()
        let clock = ContinuousClock()
        let started = clock.now
        var tableBytes: Int?
        let columns: FactColumns
        if fromDatabase {
            var loaded = FactColumns()
            try await withDatabase { database, _, _ in
                tableBytes = try await database.pool.withConnection(idempotent: true) {
                    try $0.query("SELECT pg_table_size('cases')").rows[0].int(0)
                }
                loaded = try await StatisticsStore(pool: database.pool).loadFacts()
            }
            columns = loaded
        } else {
            columns = try await generated(now: now)
        }
        let built = (clock.now - started).seconds

        let nowSeconds = Int64(now.timeIntervalSince1970)
        let today = BangkokCalendar.day(nowSeconds)
        let year = (from: today - 364, to: today)
        let dimensions: [[StatisticsDimension]] = [
            [], [.category], [.agency], [.province], [.district], [.status], [.month], [.category, .month],
        ]
        var queries: [(String, () -> Int)] = dimensions.map { groupBy in
            let name = "stats group_by=" + groupBy.map(\.rawValue).joined(separator: ",")
            return (name, { StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: groupBy), now: nowSeconds).count })
        }
        let yearly: [(String, StatisticsQuery)] = [
            ("group_by=district,month", StatisticsQuery(groupBy: [.district, .month])),
            ("group_by=week", StatisticsQuery(groupBy: [.week])),
            ("group_by=day", StatisticsQuery(groupBy: [.day])),
            ("group_by=kind,channel", StatisticsQuery(groupBy: [.kind, .channel])),
            ("group_by=month&category=road,flooding&area=10", StatisticsQuery(groupBy: [.month], categories: ["road", "flooding"], area: "10")),
            ("agencies", StatisticsQuery(groupBy: [.agency])),
        ]
        for (name, base) in yearly {
            var query = base
            (query.fromDay, query.toDay) = year
            queries.append(("stats one year " + name, { StatisticsEngine.figures(columns, query: query, now: nowSeconds).count }))
        }
        queries.append(("agencies league table", {
            LeagueTable.rank(StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.agency]), now: nowSeconds), minimumCases: 20).ranked.count
        }))
        queries.append(("trends (7 and 30 days; categories, districts, provinces)", {
            [7, 30].reduce(0) { total, window in
                [StatisticsDimension.category, .district, .province].reduce(total) {
                    $0 + Trends.rising(columns, dimension: $1, days: Int32(window), now: nowSeconds).count
                }
            }
        }))

        let timings = queries.map { name, query in measure(name, query) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let megabytes = tableBytes.map { Double($0) / 1_048_576 }
        let report = Report(
            cases: columns.count, facts_built_seconds: (built * 10).rounded() / 10, table_mb: megabytes.map { $0.rounded() },
            load_mb_per_second: megabytes.map { ($0 / built).rounded() },
            facts_memory_mb: (Double(columns.memoryBytes) / 1_048_576).rounded(), threads: 1, queries: timings)
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }

    /// The cases `siang demo` would write, as facts.
    func generated(now: Date) async throws -> FactColumns {
        let home = try SiangHome.locate()
        let reference = Reference(try SeedFiles.referenceData(home: home))
        let corpus = try SeedFiles.corpus(seeds: home.seeds).map { ($0.text, $0.category) }
        let generator = DemoGenerator(
            reference: reference, corpus: corpus, days: days, now: now, rules: try await SiangSettings.load(home: home).serviceRules)
        let stream = generator.stream(count: cases)
        var columns = FactColumns()
        columns.reserveCapacity(cases)
        var id: Int64 = 0
        while case let batch = stream.next(count: 10_000), !batch.isEmpty {
            for generated in batch {
                id += 1
                columns.upsert(StatisticsService.facts(of: generated, id: id))
            }
        }
        return columns
    }

    func measure(_ name: String, _ query: () -> Int) -> Timing {
        let groups = query()  // warm-up
        let clock = ContinuousClock()
        var samples: [Double] = []
        let start = clock.now
        repeat {
            let before = clock.now
            _ = query()
            samples.append((clock.now - before).seconds * 1000)
        } while (clock.now - start).seconds < seconds || samples.count < 5
        samples.sort()
        func rounded(_ value: Double) -> Double { value.rounded(toPlaces: 2) }
        return Timing(
            query: name, groups: groups, runs: samples.count, median_ms: rounded(samples[samples.count / 2]),
            p99_ms: rounded(samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
