import CoreMetrics
public import Logging
public import Domain
public import Foundation
import NIOPosix
public import Statistics
public import Store
import Metrics
import Synchronization

/// Keeps the in-memory statistics current: a full load from the database at start (and again
/// whenever the change feed had to reconnect, or every so often without a feed), and each change
/// this process or another commits as it happens.
///
/// Every figure the API and the pages publish is asked of this service and computed over a
/// snapshot of the facts, once per question and `cacheLifetime` (one cache, keyed by the typed
/// question, for both).
public final class StatisticsService: Sendable {
    public let live: LiveStatistics
    let store: StatisticsStore
    let clock: @Sendable () -> Date
    let cache: TimedCache<Question, Dated<Answer>>
    /// Whether a full load has completed: until then there are no figures to give. Shared by the
    /// services `reusingAnswers` makes, which share the facts.
    private let loaded: Flag

    final class Flag: Sendable {
        let value = Atomic(false)
    }

    /// Asked for figures before the first full load completed (a server answers before its load,
    /// which takes tens of seconds at national size, so that it can say it is not ready yet).
    public struct NotLoaded: Error {}

    /// A question whose answer is cached.
    enum Question: Hashable {
        case figures(StatisticsQuery)
        case trends
        /// An answer as published (`form` names it: "stats", "agencies:20", …), for the question `query`.
        case published(form: String, query: StatisticsQuery)
    }

    enum Answer: Sendable {
        case figures([GroupFigures])
        case trends([TrendWindow])
        case published([UInt8])
    }

    /// Figures with the time they were computed for (Unix seconds).
    public struct Dated<Value: Sendable>: Sendable {
        public var value: Value
        public var computedAt: Int64
    }

    /// The categories, districts and provinces rising most over the last `days` days.
    public struct TrendWindow: Sendable {
        public var days: Int
        /// Bangkok day numbers of the first day of the recent window and of the one before.
        public var recentFrom: Int32
        public var previousFrom: Int32
        public var categories: [Trends.Rise]
        public var districts: [Trends.Rise]
        public var provinces: [Trends.Rise]
    }

    /// - Parameter cacheLifetime: how long an answer is reused (zero: computed for every question).
    public init(
        store: StatisticsStore, live: LiveStatistics = LiveStatistics(), cacheLifetime: Duration = .seconds(10),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.live = live
        self.clock = clock
        self.cache = TimedCache(lifetime: cacheLifetime)
        self.loaded = Flag()
    }

    private init(sharing other: StatisticsService, cacheLifetime: Duration) {
        store = other.store
        live = other.live
        clock = other.clock
        cache = TimedCache(lifetime: cacheLifetime)
        loaded = other.loaded
    }

    /// The same facts, answering with its own cache of `lifetime`.
    public func reusingAnswers(for lifetime: Duration) -> StatisticsService {
        StatisticsService(sharing: self, cacheLifetime: lifetime)
    }

    /// Whether the facts of every case are in memory (a full load has completed).
    public var isLoaded: Bool { loaded.value.load(ordering: .acquiring) }

    /// - Throws: `NotLoaded` while the first load runs.
    public func requireLoaded() throws {
        guard isLoaded else { throw NotLoaded() }
    }

    /// Whole seconds an answer may be reused, for HTTP caching headers.
    public var maxAge: Int { Int(cache.lifetime.components.seconds) }

    // MARK: Questions

    /// Where questions are computed: up to a second each at ten million cases, on every core (the
    /// engine's chunks), so not on the pool's threads, which every request needs. One thread for the
    /// process: however many different questions arrive at once, one runs (on every core) and the
    /// others queue. Each holds about 120 MB at ten million cases (its rows, their groups, a duration
    /// column gathered); two at once lifted the peak past the 2.5 GB an instance is given.
    private static let engineThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// The figures of each group of `query`.
    public func figures(_ query: StatisticsQuery) async throws -> Dated<[GroupFigures]> {
        try requireLoaded()
        let (live, clock) = (self.live, self.clock)
        let answer = try await cache.value(key: .figures(query)) {
            let now = Int64(clock().timeIntervalSince1970)
            let figures = try await Self.engineThreads.runIfActive {
                live.read { StatisticsEngine.figures($0, query: query, now: now) }
            }
            return Dated(value: .figures(figures), computedAt: now)
        }
        guard case .figures(let groups) = answer.value else { preconditionFailure("a figures question has a figures answer") }
        return Dated(value: groups, computedAt: answer.computedAt)
    }

    /// The agencies of `query`'s period and filters, ranked (`LeagueTable`); those with fewer than
    /// `minimumCases` listed unranked.
    public func league(
        _ query: StatisticsQuery, minimumCases: Int
    ) async throws -> Dated<(ranked: [LeagueTable.Entry], unranked: [LeagueTable.Entry])> {
        var byAgency = query
        byAgency.groupBy = [.agency]
        let figures = try await figures(byAgency)
        return Dated(value: LeagueTable.rank(figures.value, minimumCases: minimumCases), computedAt: figures.computedAt)
    }

    /// An answer as the API publishes it, made by `publish` from this service's figures and kept in
    /// the same cache, under the same lifetime, as the figures: a popular query is then one lookup,
    /// not a computation and an encoding, per request.
    /// - Parameter form: what `publish` makes of the figures (an endpoint and its own parameters).
    public func published(
        _ form: String, query: StatisticsQuery, publish: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        try requireLoaded()
        let answer = try await cache.value(key: .published(form: form, query: query)) {
            Dated(value: .published(try await publish()), computedAt: 0)
        }
        guard case .published(let bytes) = answer.value else { preconditionFailure("a published question has bytes") }
        return bytes
    }

    /// What rose most over the last 7 and 30 days.
    public func trends() async throws -> Dated<[TrendWindow]> {
        try requireLoaded()
        let (live, clock) = (self.live, self.clock)
        let answer = try await cache.value(key: .trends) {
            let now = Int64(clock().timeIntervalSince1970)
            let today = BangkokCalendar.day(now)
            let windows = try await Self.engineThreads.runIfActive {
                live.read { columns in [7, 30].map { days in
                    func rising(_ dimension: StatisticsDimension) -> [Trends.Rise] {
                        Trends.rising(columns, dimension: dimension, days: Int32(days), now: now)
                    }
                    return TrendWindow(
                        days: days, recentFrom: today - Int32(days) + 1, previousFrom: today - 2 * Int32(days) + 1,
                        categories: rising(.category), districts: rising(.district), provinces: rising(.province))
                } }
            }
            return Dated(value: .trends(windows), computedAt: now)
        }
        guard case .trends(let windows) = answer.value else { preconditionFailure("a trends question has a trends answer") }
        return Dated(value: windows, computedAt: answer.computedAt)
    }

    // MARK: Open data

    /// The published columns of open data, in order.
    public static var openDataColumnNames: [String] { StatisticsStore.openDataColumns.map(\.name) }

    /// Streams the public cases filed in [from, before) as chunks of `format` (see `StatisticsStore`).
    public func exportOpenData(
        _ format: OpenDataFormat, from: Date?, before: Date?, now: Date, _ body: ([UInt8]) async throws -> Void
    ) async throws {
        try await store.exportOpenData(format, from: from, before: before, now: now, body)
    }

    // MARK: Keeping the facts current

    /// Reloads every case's facts from the database.
    @discardableResult
    public func reload() async throws -> Load {
        let start = ContinuousClock.now
        live.beginReload()
        var columns: FactColumns
        do {
            columns = try await store.loadFacts()
        } catch {
            live.abandonReload()
            throw error
        }
        let (cases, memoryBytes) = (columns.count, columns.memoryBytes)
        // Handed over, not shared: the changes re-applied over the reload then write in place.
        live.replace(with: &columns)
        loaded.value.store(true, ordering: .releasing)
        let elapsed = ContinuousClock.now - start
        CoreMetrics.Timer(label: "siang_statistics_reload_seconds").record(duration: elapsed)
        return Load(
            cases: cases, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            memoryBytes: memoryBytes)
    }

    /// What a full load read and how long it took.
    public struct Load: Sendable {
        public var cases: Int
        public var seconds: Double
        public var memoryBytes: Int

        /// For the log line of a load.
        public var metadata: Logger.Metadata {
            ["cases": "\(cases)", "seconds": "\((seconds * 10).rounded() / 10)", "memory_mb": "\(memoryBytes / 1_048_576)"]
        }
    }

    /// Counts a case as it now is (call after the change committed).
    public func record(_ record: CaseRecord) {
        live.post(Self.facts(of: record))
    }

    static func facts(of record: CaseRecord) -> CaseFacts {
        facts(
            id: record.id, filedAt: record.filedAt, kind: record.kind, channel: record.channel, area: record.area,
            due: record.due, state: record.state)
    }

    /// The facts of a generated case (`siang demo`, `siang bench stats`), numbered `id`.
    public static func facts(of generated: BulkCase, id: Int64) -> CaseFacts {
        facts(
            id: id, filedAt: generated.filedAt, kind: generated.kind, channel: generated.channel, area: generated.area,
            due: generated.due, state: generated.state)
    }

    static func facts(
        id: Int64, filedAt: Date, kind: CaseKind, channel: String, area: CaseArea, due: DueDates, state: CaseState
    ) -> CaseFacts {
        func seconds(_ date: Date?) -> Int64? { date.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        return CaseFacts(
            id: id, filedAt: seconds(filedAt)!, category: state.categoryCode, agency: state.agencyCode,
            provinceCode: area.provinceCode, districtCode: area.districtCode, subdistrictCode: area.subdistrictCode,
            status: state.status, kind: kind, channel: channel, acknowledgedAt: seconds(state.acknowledgedAt),
            firstAnsweredAt: seconds(state.firstAnsweredAt), resolvedAt: seconds(state.resolvedAt),
            acknowledgeDue: seconds(due.acknowledge)!, firstAnswerDue: seconds(due.firstAnswer)!,
            resolutionDue: seconds(due.resolution)!, reopenCount: state.reopenCount, rating: state.rating)
    }
}
