import JSONBytes
import Domain
import Foundation
import Hummingbird
import Services
import Statistics
import Synchronization

/// Public statistics: `/api/v1/stats`, `/api/v1/stats/agencies` and `/api/v1/stats/trends`.
///
/// Answers come from `StatisticsService` (computed over the in-memory facts, reused for its
/// cache lifetime); this controller only reads the query and writes the JSON.
struct StatisticsController {
    let statistics: StatisticsService
    let json: StatisticsJSONBuilder
    /// Proposals' answers, shown beside each agency's complaints in the league table.
    var proposals: ProposalStatistics? = nil

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
        let (statistics, json) = (self.statistics, self.json)
        return try await respond("stats", query: query.query) {
            let figures = try await statistics.figures(query.query)
            return StatsJSON(
                query: query.echo, time_zone: "Asia/Bangkok", generated_at: Self.time(figures.computedAt),
                groups: figures.value.map { json.figures($0) })
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
        let (statistics, json, parsed, minimumCases, proposals) = (self.statistics, self.json, query, minimum, self.proposals)
        return try await respond("agencies:\(minimum)", query: query.query) {
            let (query, minimum) = (parsed, minimumCases)
            let league = try await statistics.league(query.query, minimumCases: minimum)
            let answers = try await proposals?.agencies().reduce(into: [:]) { $0[$1.agencyCode] = $1 } ?? [:]
            func entry(_ entry: LeagueTable.Entry) -> FiguresJSON {
                var figures = json.figures(entry.figures, rank: entry.rank)
                figures.proposals = answers[entry.agency].map(ProposalAnswersJSON.init)
                return figures
            }
            return LeagueJSON(
                query: query.echo, time_zone: "Asia/Bangkok", generated_at: Self.time(league.computedAt),
                minimum_cases: minimum,
                ranking_rule:
                    "share answered within the first-answer deadline (higher first), then share resolved within target "
                    + "(higher first), then median time to first answer (shorter first), then agency code; agencies with "
                    + "fewer than minimum_cases cases filed in the period are listed unranked; \"proposals\" (all time) "
                    + "shows how the agency answered proposals that reached their threshold, and does not change the rank",
                ranked: league.value.ranked.map(entry), unranked: league.value.unranked.map(entry))
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
        let (statistics, json) = (self.statistics, self.json)
        return try await respond("trends", query: StatisticsQuery()) {
            let trends = try await statistics.trends()
            let windows = trends.value.map { window -> WindowJSON in
                func rises(_ rises: [Trends.Rise], _ name: (String) -> NameJSON) -> [RiseJSON] {
                    rises.map {
                        RiseJSON(
                            key: name($0.key), recent: $0.recent, previous: $0.previous, change: $0.change,
                            ratio: (($0.ratio * 100).rounded()) / 100)
                    }
                }
                return WindowJSON(
                    days: window.days, recent_from: BangkokCalendar.dateString(ofDay: window.recentFrom),
                    previous_from: BangkokCalendar.dateString(ofDay: window.previousFrom),
                    categories: rises(window.categories, json.category), districts: rises(window.districts, json.area),
                    provinces: rises(window.provinces, json.area))
            }
            return TrendsJSON(time_zone: "Asia/Bangkok", generated_at: Self.time(trends.computedAt), windows: windows)
        }
    }

    static func time(_ seconds: Int64) -> String {
        BangkokTime.format(Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The answer `make` writes for `query`, encoded once per cache lifetime (`StatisticsService.published`),
    /// and cacheable by HTTP caches for as long.
    func respond<Body: Encodable>(
        _ form: String, query: StatisticsQuery, _ make: @escaping @Sendable () async throws -> Body
    ) async throws -> Response {
        let bytes = try await statistics.published(form, query: query) {
            try StreamingJSONEncoder().encode(try await make()) + [0x0A]
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=\(statistics.maxAge)",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
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
