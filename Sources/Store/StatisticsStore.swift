public import Domain
public import Foundation
public import Postgres
public import Statistics

/// Every SQL statement behind statistics and open data.
public struct StatisticsStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The facts of every case, read in one consistent snapshot through a cursor.
    public func loadFacts() async throws -> FactColumns {
        try await pool.transaction(isolation: .repeatableRead) { connection in
            var columns = FactColumns()
            if let estimate = try connection.query("SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases'").first?.int(0),
                estimate > 0
            {
                columns.reserveCapacity(estimate)
            }
            try connection.cursor(
                """
                SELECT id, extract(epoch FROM filed_at)::bigint, category_code, agency_code, province_code, district_code,
                       subdistrict_code, status, kind, channel, extract(epoch FROM acknowledged_at)::bigint,
                       extract(epoch FROM first_answered_at)::bigint, extract(epoch FROM resolved_at)::bigint,
                       extract(epoch FROM acknowledge_due)::bigint, extract(epoch FROM first_answer_due)::bigint,
                       extract(epoch FROM resolution_due)::bigint, reopen_count, rating
                FROM cases
                """, batch: 10_000
            ) { result in
                for row in result.rows { columns.upsert(try Self.facts(row)) }
                return true
            }
            return columns
        }
    }

    static func facts(_ row: Row) throws -> CaseFacts {
        guard let status = CaseStatus(rawValue: try row.string(7)), let kind = CaseKind(rawValue: try row.string(8)) else {
            throw Row.DecodingError(column: 7, expected: "status and kind", text: row.optionalString(7))
        }
        func time(_ column: Int) throws -> Int64? { try row.optionalInt(column).map(Int64.init) }
        return CaseFacts(
            id: Int64(try row.int(0)), filedAt: Int64(try row.int(1)), category: try row.string(2),
            agency: row.optionalString(3), provinceCode: row.optionalString(4), districtCode: row.optionalString(5),
            subdistrictCode: row.optionalString(6), status: status, kind: kind, channel: try row.string(9),
            acknowledgedAt: try time(10), firstAnsweredAt: try time(11), resolvedAt: try time(12),
            acknowledgeDue: Int64(try row.int(13)), firstAnswerDue: Int64(try row.int(14)),
            resolutionDue: Int64(try row.int(15)), reopenCount: try row.int(16), rating: try row.optionalInt(17))
    }

    /// One public case as open data publishes it: public fields only, text redacted.
    public struct OpenCase: Sendable {
        public var code: String
        public var kind: String
        public var category: String
        public var agency: String?
        public var province: String?
        public var district: String?
        public var status: String
        public var filedAt: Date
        public var acknowledgedAt: Date?
        public var firstAnsweredAt: Date?
        public var resolvedAt: Date?
        public var closedAt: Date?
        public var acknowledgeDue: Date
        public var firstAnswerDue: Date
        public var resolutionDue: Date
        public var rating: Int?
        public var reopenCount: Int
        public var title: String?
        public var text: String
    }

    /// Streams the public cases filed in [from, before) in filing order, `batch` at a time,
    /// over a connection held for the whole export; `body` may await (writing to a slow client)
    /// between batches, and returns false to stop.
    ///
    /// Selects public columns only (`public_text`, never `text`; no contact), from public cases only.
    public func forEachOpenCase(
        from: Date?, before: Date?, batch: Int = 2000, _ body: ([OpenCase]) async throws -> Bool
    ) async throws {
        try await pool.withLease { lease in
            try await lease.run { try $0.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
            do {
                try await lease.run { connection in
                    try connection.query(
                        """
                        DECLARE open_cases NO SCROLL CURSOR FOR
                        SELECT code, kind, category_code, agency_code, province_code, district_code, status, filed_at,
                               acknowledged_at, first_answered_at, resolved_at, closed_at, acknowledge_due,
                               first_answer_due, resolution_due, rating, reopen_count, public_title, public_text
                        FROM cases
                        WHERE is_public AND ($1::timestamptz IS NULL OR filed_at >= $1)
                          AND ($2::timestamptz IS NULL OR filed_at < $2)
                        ORDER BY filed_at, id
                        """, [from, before])
                }
                while true {
                    let rows = try await lease.run { connection in
                        try connection.query("FETCH \(batch) FROM open_cases").rows.map(Self.openCase)
                    }
                    if rows.isEmpty { break }
                    guard try await body(rows), rows.count == batch else { break }
                }
                try await lease.run { try $0.execute("COMMIT") }
            } catch {
                _ = try? await lease.run { try $0.execute("ROLLBACK") }
                throw error
            }
        }
    }

    static func openCase(_ row: Row) throws -> OpenCase {
        OpenCase(
            code: try row.string(0), kind: try row.string(1), category: try row.string(2), agency: row.optionalString(3),
            province: row.optionalString(4), district: row.optionalString(5), status: try row.string(6),
            filedAt: try row.date(7), acknowledgedAt: try row.optionalDate(8), firstAnsweredAt: try row.optionalDate(9),
            resolvedAt: try row.optionalDate(10), closedAt: try row.optionalDate(11), acknowledgeDue: try row.date(12),
            firstAnswerDue: try row.date(13), resolutionDue: try row.date(14), rating: try row.optionalInt(15),
            reopenCount: try row.int(16), title: row.optionalString(17), text: try row.string(18))
    }
}
