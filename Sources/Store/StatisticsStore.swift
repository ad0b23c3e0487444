public import Domain
public import Foundation
public import Postgres
public import Statistics

/// Every SQL statement behind statistics and open data.
///
/// With a streaming replica (`DATABASE_REPLICA_URL`), the two big reads go there: the full load of
/// the facts and open-data exports. A load first waits until the replica has replayed everything
/// the primary had committed when it began (at most `replicaPatience`, else it reads the primary),
/// so a reload never goes back in time behind changes already applied from the change feed. An
/// export is as old as the replica's lag (seconds at most on a healthy one); an unreachable replica
/// sends both to the primary.
public struct StatisticsStore: Sendable {
    let pool: ConnectionPool
    /// Where loads and exports read: the replica's pool, or the primary's.
    let readPool: ConnectionPool
    let replicaPatience: Duration

    public init(pool: ConnectionPool, replica: ConnectionPool? = nil, replicaPatience: Duration = .seconds(10)) {
        self.pool = pool
        self.readPool = replica ?? pool
        self.replicaPatience = replicaPatience
    }

    /// The facts of every case, read in one consistent snapshot through a cursor.
    public func loadFacts() async throws -> FactColumns {
        try await Self.loadFacts(from: try await caughtUpReadPool())
    }

    /// The replica's pool once it has replayed all the primary had committed now; the primary's
    /// when there is no replica, it cannot be reached, or it is more than `replicaPatience` behind.
    func caughtUpReadPool() async throws -> ConnectionPool {
        guard readPool !== pool else { return pool }
        let position = try await pool.withConnection(idempotent: true) {
            try $0.query("SELECT pg_current_wal_lsn()::text").rows[0].string(0)
        }
        let deadline = ContinuousClock.now + replicaPatience
        while true {
            let caughtUp = try? await readPool.withConnection(idempotent: true) {
                try $0.query(
                    "SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", [position]
                ).rows[0].bool(0)
            }
            guard let caughtUp else { return pool }
            if caughtUp { return readPool }
            if ContinuousClock.now >= deadline { return pool }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Where an export reads: the replica if it answers, else the primary.
    func exportPool() async -> ConnectionPool {
        guard readPool !== pool else { return pool }
        return await readPool.ping() ? readPool : pool
    }

    static func loadFacts(from pool: ConnectionPool) async throws -> FactColumns {
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

    /// The published columns of open data, in order: name, SQL for CSV, SQL for JSON (nil: same).
    ///
    /// Public columns only: the redacted text (`public_text`, or `text` where redaction found
    /// nothing to remove and `public_text` is NULL), never contact data. Times are ISO 8601 in
    /// Bangkok time. `$now` stands for the export's time, for the overdue flag.
    public static let openDataColumns: [(name: String, csv: String, json: String?)] = {
        func time(_ column: String) -> String {
            "to_char(\(column) AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+07:00\"')"
        }
        // A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV only).
        func defused(_ expression: String) -> String {
            "CASE WHEN left(\(expression), 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || \(expression) "
                + "ELSE \(expression) END"
        }
        let overdue = CaseRulesSQL.overdue(at: "$now")
        return [
            ("code", "c.code", nil), ("kind", "c.kind", nil), ("category", "c.category_code", nil),
            ("category_name_th", "cat.name_th", nil), ("agency", "c.agency_code", nil),
            ("agency_name_th", "ag.name_th", nil), ("province", "c.province_code", nil),
            ("district", "c.district_code", nil), ("status", "c.status", nil), ("filed_at", time("c.filed_at"), nil),
            ("acknowledged_at", time("c.acknowledged_at"), nil), ("first_answered_at", time("c.first_answered_at"), nil),
            ("resolved_at", time("c.resolved_at"), nil), ("closed_at", time("c.closed_at"), nil),
            ("acknowledge_due", time("c.acknowledge_due"), nil), ("first_answer_due", time("c.first_answer_due"), nil),
            ("resolution_due", time("c.resolution_due"), nil),
            ("overdue", "CASE WHEN \(overdue) THEN 'true' ELSE 'false' END", overdue), ("rating", "c.rating", nil),
            ("reopen_count", "c.reopen_count", nil), ("me_too_count", "c.me_too_count", nil),
            ("title", defused("coalesce(c.public_title, c.title)"), "coalesce(c.public_title, c.title)"),
            ("text", defused("coalesce(c.public_text, c.text)"), "coalesce(c.public_text, c.text)"),
            // The display size of the first photo the public may see, the citizen's first: the path
            // `CasePhoto.path(.display)` gives, under the service's address.
            (
                "photo_url",
                """
                (SELECT '/photos/' || p.token || '/display' || CASE p.content_type WHEN 'image/webp' THEN '.webp' ELSE '.jpg' END
                 FROM case_photos p WHERE p.case_id = c.id AND p.hidden_reason IS NULL
                 ORDER BY p.uploader <> 'citizen', p.id LIMIT 1)
                """, nil
            ),
        ]
    }()

    static let openDataFrom = """
        FROM cases c
        JOIN categories cat ON cat.code = c.category_code
        LEFT JOIN agencies ag ON ag.code = c.agency_code
        WHERE c.is_public
          AND c.filed_at >= coalesce(nullif(current_setting('siang.export_from'), '')::timestamptz, '-infinity')
          AND c.filed_at < coalesce(nullif(current_setting('siang.export_before'), '')::timestamptz, 'infinity')
        ORDER BY c.filed_at, c.id
        """

    /// Streams the public cases filed in [from, before) in filing order, as chunks of bytes in
    /// `format`, over a connection held for the whole export; `body` may await (writing to a
    /// slow client) between chunks, which keeps memory constant whatever the size.
    public func exportOpenData(
        _ format: OpenDataFormat, from: Date?, before: Date?, now: Date, chunkBytes: Int = 256 * 1024,
        _ body: ([UInt8]) async throws -> Void
    ) async throws {
        let columns = Self.openDataColumns
        let nowSetting = "current_setting('siang.export_now')::timestamptz"
        try await exportPool().withLease { lease in
            try await lease.run { connection in
                try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                // COPY takes no bound parameters: the period and the time travel in settings of this transaction.
                try connection.query(
                    """
                    SELECT set_config('siang.export_from', $1, true), set_config('siang.export_before', $2, true),
                           set_config('siang.export_now', $3, true)
                    """, [from?.postgresText ?? "", before?.postgresText ?? "", now.postgresText ?? ""])
            }
            do {
                switch format {
                case .csv:
                    let select = columns.map { "\($0.csv.replacingOccurrences(of: "$now", with: nowSetting)) AS \($0.name)" }
                    let sql =
                        "COPY (SELECT \(select.joined(separator: ", ")) \(Self.openDataFrom)) TO STDOUT WITH (FORMAT csv, HEADER true)"
                    try await lease.run { try $0.startCopyOut(sql) }
                    while let chunk = try await lease.run({ try $0.readCopyData(upTo: chunkBytes) }) {
                        try await body(chunk)
                    }
                case .jsonLines:
                    let pairs = columns.map { "'\($0.name)', \(($0.json ?? $0.csv).replacingOccurrences(of: "$now", with: nowSetting))" }
                    let sql = "DECLARE open_data NO SCROLL CURSOR FOR SELECT json_build_object(\(pairs.joined(separator: ", ")))::text \(Self.openDataFrom)"
                    try await lease.run { try $0.execute(sql) }
                    while true {
                        let chunk = try await lease.run { connection -> [UInt8] in
                            var bytes: [UInt8] = []
                            bytes.reserveCapacity(chunkBytes)
                            for row in try connection.query("FETCH 1000 FROM open_data").rows {
                                bytes.append(contentsOf: try row.string(0).utf8)
                                bytes.append(0x0A)
                            }
                            return bytes
                        }
                        if chunk.isEmpty { break }
                        try await body(chunk)
                    }
                }
                try await lease.run { try $0.execute("COMMIT") }
            } catch {
                // A client that went away leaves the export mid-way: the connection is closed, not reused.
                _ = try? await lease.run { $0.close() }
                throw error
            }
        }
    }
}
