public import Domain
public import Foundation
public import Store

/// Proposals in public statistics and open data: counts by topic, scope and status, how each agency
/// answered by the deadline (beside its complaints in the league table), supports per month, and
/// the public proposals as CSV or JSON Lines.
///
/// Computed in SQL when asked and reused for `lifetime`; supports per month, which reads every
/// support, for ten minutes (unless `lifetime` is zero, as in tests), and answered from the last count
/// while it is counted again.
public struct ProposalStatistics: Sendable {
    let store: ProposalStore
    let clock: @Sendable () -> Date
    let cache: TimedCache<String, Figures>
    let agencyCache: TimedCache<String, [ProposalAgencyFigures]>
    let monthCache: TimedCache<String, [Month]>

    public typealias Month = (month: String, supports: Int)

    public init(store: ProposalStore, clock: @escaping @Sendable () -> Date, lifetime: Duration = .seconds(60)) {
        self.store = store
        self.clock = clock
        cache = TimedCache(lifetime: lifetime)
        agencyCache = TimedCache(lifetime: lifetime)
        monthCache = TimedCache(lifetime: lifetime == .zero ? .zero : max(lifetime, .seconds(600)), keepsLast: true)
    }

    /// Starts counting supports per month in the background (once the cases are loaded, so that the
    /// statistics page's first visitor does not wait for it).
    public func prepareSupportsPerMonth() {
        let store = self.store
        monthCache.refresh(key: "months") { try await store.supportsPerMonth() }
    }

    /// How each agency answered the proposals that reached it (the statistics page's column).
    public func agencies() async throws -> [ProposalAgencyFigures] {
        let (store, clock) = (self.store, self.clock)
        return try await agencyCache.value(key: "agencies") { try await store.agencyAnswers(at: clock()) }
    }

    /// Every figure of the proposals' statistics.
    public struct Figures: Sendable {
        public var byTopic: [(code: String, count: Int)]
        public var byScope: [(scope: ProposalScopeLevel, count: Int)]
        public var byStatus: [(status: ProposalStatus, count: Int)]
        public var agencies: [ProposalAgencyFigures]
        public var supportsPerMonth: [(month: String, supports: Int)]
        public var computedAt: Date
    }

    public func figures() async throws -> Figures {
        let (store, clock) = (self.store, self.clock)
        // Supports per month read every support (seconds at millions): the rest meanwhile, and the last
        // figures while they are read again (only the very first caller waits).
        async let monthly = monthCache.recent(key: "months") { try await store.supportsPerMonth() }
        async let answers = agencies()
        let (months, agencies) = try await (monthly, answers)
        return try await cache.value(key: "figures") {
            let counts = try await store.counts()
            func total<Key: Hashable>(_ key: (Int) -> Key) -> [Key: Int] {
                var totals: [Key: Int] = [:]
                for index in counts.indices { totals[key(index), default: 0] += counts[index].count }
                return totals
            }
            let now = clock()
            return Figures(
                byTopic: total { counts[$0].category }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) },
                byScope: ProposalScopeLevel.allCases.map { scope in (scope, total { counts[$0].scope }[scope] ?? 0) },
                byStatus: ProposalStatus.publicStatuses.map { status in (status, total { counts[$0].status }[status] ?? 0) },
                agencies: agencies, supportsPerMonth: months, computedAt: now)
        }
    }

    /// The published columns, in order.
    public static var openDataColumns: [String] { ProposalStore.openDataColumns }

    /// Streams every public proposal in `format`, a page of rows at a time.
    public func exportOpenData(_ format: OpenDataFormat, _ body: ([UInt8]) async throws -> Void) async throws {
        let columns = Self.openDataColumns
        if format == .csv {
            try await body(Array(columns.joined(separator: ",").utf8) + [0x0A])
        }
        var after: Int64 = 0
        while true {
            let page = try await store.openDataPage(after: after, limit: 1000)
            guard let last = page.lastID else { return }
            var bytes: [UInt8] = []
            for row in page.rows {
                switch format {
                case .csv: bytes += Array(row.map(OpenDataText.csvCell).joined(separator: ",").utf8)
                case .jsonLines: bytes += Array(OpenDataText.jsonObject(zip(columns, row)).utf8)
                }
                bytes.append(0x0A)
            }
            try await body(bytes)
            after = last
        }
    }
}

/// Writing open-data cells: CSV quoted as RFC 4180 wants, with a leading apostrophe for a cell a
/// spreadsheet would run as a formula; JSON with its escapes, numbers left as numbers.
enum OpenDataText {
    static let numeric: Set = ["estimated_cost", "supports", "threshold", "budget_round"]

    static func csvCell(_ value: String?) -> String {
        guard var text = value else { return "" }
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "'" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonObject(_ pairs: some Sequence<(String, String?)>) -> String {
        "{" + pairs.map { name, value in
            let encoded: String
            if let value {
                encoded = numeric.contains(name) ? value : jsonString(value)
            } else {
                encoded = "null"
            }
            return jsonString(name) + ":" + encoded
        }.joined(separator: ",") + "}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
