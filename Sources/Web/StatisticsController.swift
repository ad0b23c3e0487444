import Domain
import Foundation
import Hummingbird
import Services
import Statistics
import Synchronization

/// Public statistics: `/api/v1/stats`, `/api/v1/stats/agencies` and `/api/v1/stats/trends`.
///
/// Answers are computed from the in-memory facts of every case and cached per query until the
/// facts change or ten seconds pass (overdue counts move with the clock); concurrent identical
/// queries wait for one computation.
struct StatisticsController {
    let statistics: StatisticsService
    let json: StatisticsJSONBuilder
    let clock: @Sendable () -> Date
    let cache: ResponseCache

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats", use: stats)
        group.get("stats/agencies", use: agencies)
        group.get("stats/trends", use: trends)
    }

    struct QueryJSON: Encodable {
        var group_by: [String]
        var from: String?
        var to: String?
        var category: [String]?
        var agency: [String]?
        var area: String?
        var kind: [String]?
    }

    struct StatsJSON: Encodable {
        var query: QueryJSON
        var time_zone: String
        var generated_at: String
        var groups: [FiguresJSON]
    }

    @Sendable func stats(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let query = try StatisticsParameters.parse(request.uri.queryParameters, allowGrouping: true)
        return try await cached(request, kind: "stats") { columns, now in
            let groups = StatisticsEngine.figures(columns, query: query.query, now: now)
            return StatsJSON(
                query: query.echo, time_zone: "Asia/Bangkok", generated_at: BangkokTime.format(Date(timeIntervalSince1970: TimeInterval(now))),
                groups: groups.map { json.figures($0) })
        }
    }

    struct LeagueJSON: Encodable {
        var query: QueryJSON
        var time_zone: String
        var generated_at: String
        var minimum_cases: Int
        var ranking_rule: String
        var ranked: [FiguresJSON]
        var unranked: [FiguresJSON]
    }

    @Sendable func agencies(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var query = try StatisticsParameters.parse(request.uri.queryParameters, allowGrouping: false)
        query.query.groupBy = [.agency]
        var minimum = 20
        if let text = request.uri.queryParameters.get("min_cases") {
            guard let value = Int(text), value >= 0, value <= 1_000_000 else {
                throw APIError.badRequest(
                    "invalid_min_cases", th: "min_cases ต้องเป็นจำนวนเต็มไม่ติดลบ", en: "\"min_cases\" must be a whole number ≥ 0.")
            }
            minimum = value
        }
        let (parsed, minimumCases) = (query, minimum)
        return try await cached(request, kind: "agencies") { columns, now in
            let (query, minimum) = (parsed, minimumCases)
            let (ranked, unranked) = LeagueTable.rank(
                StatisticsEngine.figures(columns, query: query.query, now: now), minimumCases: minimum)
            return LeagueJSON(
                query: query.echo, time_zone: "Asia/Bangkok",
                generated_at: BangkokTime.format(Date(timeIntervalSince1970: TimeInterval(now))), minimum_cases: minimum,
                ranking_rule:
                    "share answered within the first-answer deadline (higher first), then share resolved within target "
                    + "(higher first), then median time to first answer (shorter first), then agency code; agencies with "
                    + "fewer than minimum_cases cases filed in the period are listed unranked",
                ranked: ranked.map { json.figures($0.figures, rank: $0.rank) },
                unranked: unranked.map { json.figures($0.figures) })
        }
    }

    struct RiseJSON: Encodable {
        var key: NameJSON
        var recent: Int
        var previous: Int
        var change: Int
        var ratio: Double
    }

    struct WindowJSON: Encodable {
        var days: Int
        var recent_from: String
        var previous_from: String
        var categories: [RiseJSON]
        var districts: [RiseJSON]
        var provinces: [RiseJSON]
    }

    struct TrendsJSON: Encodable {
        var time_zone: String
        var generated_at: String
        var windows: [WindowJSON]
    }

    @Sendable func trends(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await cached(request, kind: "trends") { columns, now in
            let today = BangkokCalendar.day(now)
            let windows = [7, 30].map { days -> WindowJSON in
                func rises(_ dimension: StatisticsDimension, _ name: (String) -> NameJSON) -> [RiseJSON] {
                    Trends.rising(columns, dimension: dimension, days: Int32(days), now: now).map {
                        RiseJSON(
                            key: name($0.key), recent: $0.recent, previous: $0.previous, change: $0.change,
                            ratio: (($0.ratio * 100).rounded()) / 100)
                    }
                }
                return WindowJSON(
                    days: days, recent_from: BangkokCalendar.dateString(ofDay: today - Int32(days) + 1),
                    previous_from: BangkokCalendar.dateString(ofDay: today - 2 * Int32(days) + 1),
                    categories: rises(.category, json.category), districts: rises(.district, json.area),
                    provinces: rises(.province, json.area))
            }
            return TrendsJSON(
                time_zone: "Asia/Bangkok", generated_at: BangkokTime.format(Date(timeIntervalSince1970: TimeInterval(now))),
                windows: windows)
        }
    }

    /// Answers from the cache when an answer to the same query is recent enough, else computes
    /// (once for concurrent callers) over a snapshot of the facts.
    func cached<Body: Encodable & SendableMetatype>(
        _ request: Request, kind: String, compute: @escaping @Sendable (FactColumns, Int64) -> Body
    ) async throws -> Response {
        let key = kind + "?" + (request.uri.query ?? "")
        let (clock, live) = (self.clock, statistics.live)
        let bytes = try await cache.value(key: key) {
            let now = Int64(clock().timeIntervalSince1970)
            return try StreamingJSONEncoder().encode(compute(live.snapshot().columns, now)) + [0x0A]
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=\(cache.maxAge)"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Encoded statistics answers by query.
typealias ResponseCache = TimedCache<[UInt8]>

/// Answers by query, reused for `lifetime`; one computation per key at a time. A zero
/// lifetime computes every time.
///
/// Why a fixed lifetime rather than "until the facts change": with filings arriving every
/// second the facts always change, and every popular query would be recomputed every second
/// over millions of cases. Published figures at most `lifetime` old are what HTTP caches in
/// front would serve anyway (the answers say `max-age` the same).
final class TimedCache<Value: Sendable>: Sendable {
    struct Entry {
        var created: ContinuousClock.Instant
        var task: Task<Value, any Error>
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: Duration
    let capacity = 500

    init(lifetime: Duration = .seconds(10)) {
        self.lifetime = lifetime
    }

    /// Whole seconds for the Cache-Control header.
    var maxAge: Int { Int(lifetime.components.seconds) }

    func value(key: String, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard lifetime > .zero else { return try await compute() }
        let now = ContinuousClock.now
        let (task, created) = entries.withLock { entries -> (Task<Value, any Error>, ContinuousClock.Instant) in
            if let entry = entries[key], now - entry.created < lifetime {
                return (entry.task, entry.created)
            }
            if entries.count >= capacity {
                entries = entries.filter { now - $0.value.created < lifetime }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            let task = Task { try await compute() }
            entries[key] = Entry(created: now, task: task)
            return (task, now)
        }
        do {
            return try await task.value
        } catch {
            // A failure is not remembered: the next caller tries again.
            entries.withLock { entries in
                if entries[key]?.created == created { entries[key] = nil }
            }
            throw error
        }
    }
}

/// The query string of the statistics endpoints.
struct StatisticsParameters {
    var query = StatisticsQuery()
    var echo = StatisticsController.QueryJSON(group_by: [])

    static func parse(_ parameters: Parameters, allowGrouping: Bool) throws -> StatisticsParameters {
        func list(_ name: String) -> [String]? {
            guard let value = parameters.get(name), !value.isEmpty else { return nil }
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func invalid(_ name: String, _ th: String, _ en: String) -> APIError {
            APIError.badRequest("invalid_\(name)", th: th, en: en)
        }
        var result = StatisticsParameters()
        if allowGrouping, let names = list("group_by") {
            guard names.count <= 2 else {
                throw invalid("group_by", "จัดกลุ่มได้ไม่เกินสองมิติ", "\"group_by\" takes at most two dimensions.")
            }
            result.query.groupBy = try names.map { name in
                guard let dimension = StatisticsDimension(rawValue: name) else {
                    throw invalid(
                        "group_by", "ไม่รู้จักมิติ \(name)",
                        "Unknown dimension \"\(name)\"; use " + StatisticsDimension.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                }
                return dimension
            }
            guard Set(result.query.groupBy).count == result.query.groupBy.count else {
                throw invalid("group_by", "มิติซ้ำกัน", "\"group_by\" names a dimension twice.")
            }
            result.echo.group_by = names
        }
        for (name, isStart) in [("from", true), ("to", false)] {
            guard let text = parameters.get(name), !text.isEmpty else { continue }
            guard let day = BangkokCalendar.parseDay(text) else {
                throw invalid(name, "\(name) ต้องเป็นวันที่ YYYY-MM-DD", "\"\(name)\" must be a date, YYYY-MM-DD.")
            }
            if isStart {
                result.query.fromDay = day
                result.echo.from = text
            } else {
                result.query.toDay = day
                result.echo.to = text
            }
        }
        if let from = result.query.fromDay, let to = result.query.toDay, from > to {
            throw invalid("to", "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม", "\"to\" is before \"from\".")
        }
        result.query.categories = list("category")
        result.echo.category = result.query.categories
        result.query.agencies = list("agency")
        result.echo.agency = result.query.agencies
        if let area = parameters.get("area"), !area.isEmpty {
            guard [2, 4, 6].contains(area.count), area.allSatisfy(\.isNumber) else {
                throw invalid("area", "area ต้องเป็นรหัสพื้นที่ 2, 4 หรือ 6 หลัก", "\"area\" must be a 2-, 4- or 6-digit area code.")
            }
            result.query.area = area
            result.echo.area = area
        }
        if let kinds = list("kind") {
            result.query.kinds = try kinds.map { value in
                guard let kind = CaseKind(rawValue: value) else {
                    throw invalid("kind", "ไม่รู้จักประเภท \(value)", "\"kind\" must be complaint, suggestion or inquiry.")
                }
                return kind
            }
            result.echo.kind = kinds
        }
        return result
    }
}
