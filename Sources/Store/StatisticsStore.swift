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

    /// The facts of every case, read in one consistent snapshot with a binary COPY.
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
        // One snapshot for the estimate and the rows.
        try await pool.withReadOnlySnapshot { lease in
            var columns = FactColumns()
            let estimate = try await lease.run {
                try $0.query("SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases'").first?.int(0)
            }
            if let estimate, estimate > 0 {
                // The planner's count is an estimate: one case beyond the room reserved would double every column.
                columns.reserveCapacity(estimate + estimate / 16 + 1024)
            }
            // Binary: times arrive as numbers, not text to parse, and codes are numbered from their bytes.
            // The rows are counted here while the connection's thread reads the next ones.
            var reader = BinaryCopyReader()
            var codes = FactCodes()
            try await lease.copyOut(
                """
                COPY (SELECT id, filed_at, category_code, agency_code, province_code, district_code, subdistrict_code, status,
                             kind, channel, acknowledged_at, first_answered_at, resolved_at, acknowledge_due,
                             first_answer_due, resolution_due, reopen_count, rating
                      FROM cases) TO STDOUT WITH (FORMAT binary)
                """, chunkBytes: 1 << 20
            ) { data in
                try reader.read(data) { row in columns.upsert(try codes.row(row, numberingIn: &columns)) }
            }
            return columns
        }
    }

    /// One published column of open data: its name, the SQL that reads it, and what kind of value
    /// it is (how CSV and JSON Lines write it).
    public struct OpenDataColumn: Sendable {
        public let name: String
        let sql: String
        let value: Value

        enum Value {
            case text
            /// Free text: in CSV a leading `= + - @` (and tab, carriage return) gets an apostrophe,
            /// so that a spreadsheet does not run it as a formula.
            case formulaSafeText
            /// A code whose name is written, from the export's table `index` of `openDataNames`.
            case name(Int)
            /// Whether the case is overdue at the export's time, worked out from the row's status and times
            /// by the Domain's rule (`DueDates.isOverdue`) as the row is written; the database sends a NULL.
            case overdue
            /// A timestamptz, written in ISO 8601 in Bangkok time, to the second.
            case time
            case integer
            case boolean
        }
    }

    /// The published columns of open data, in order.
    ///
    /// Public columns only: the redacted text (`public_text`, or `text` where redaction found
    /// nothing to remove and `public_text` is NULL), never contact data.
    public static let openDataColumns: [OpenDataColumn] = {
        func column(_ name: String, _ sql: String, _ value: OpenDataColumn.Value) -> OpenDataColumn {
            OpenDataColumn(name: name, sql: sql, value: value)
        }
        let times = ["filed_at", "acknowledged_at", "first_answered_at", "resolved_at", "closed_at", "acknowledge_due",
            "first_answer_due", "resolution_due"]
        return [
            column("code", "c.code", .text), column("kind", "c.kind", .text), column("category", "c.category_code", .text),
            column("category_name_th", "c.category_code", .name(0)), column("agency", "c.agency_code", .text),
            column("agency_name_th", "c.agency_code", .name(1)), column("province", "c.province_code", .text),
            column("district", "c.district_code", .text), column("status", "c.status", .text),
        ] + times.map { column($0, "c.\($0)", .time) } + [
            column("overdue", "NULL::boolean", .overdue), column("rating", "c.rating", .integer),
            column("reopen_count", "c.reopen_count", .integer), column("me_too_count", "c.me_too_count", .integer),
            column("title", "coalesce(c.public_title, c.title)", .formulaSafeText),
            column("text", "coalesce(c.public_text, c.text)", .formulaSafeText),
            // The display size of the first photo the public may see, the citizen's first: the path
            // `CasePhoto.path(.display)` gives, under the service's address.
            column("photo_url", "p.url", .text),
        ]
    }()

    /// The tables of names the `.name` columns write (by their index), read in the export's snapshot:
    /// looked up while rows are written instead of joined for each row, which was a third of the
    /// database's work in an export.
    static let openDataNames = ["SELECT code, name_th FROM categories", "SELECT code, name_th FROM agencies"]

    /// What open data reads, for the period [from, before), the times written into the statement as
    /// literals: COPY takes no bound parameters.
    static func openDataFrom(from: Date?, before: Date?) -> String {
        """
        FROM cases c
        LEFT JOIN (
            SELECT DISTINCT ON (case_id) case_id,
                   '/photos/' || token || '/display' || CASE content_type WHEN 'image/webp' THEN '.webp' ELSE '.jpg' END AS url
            FROM case_photos
            WHERE hidden_reason IS NULL
            ORDER BY case_id, uploader <> 'citizen', id
        ) p ON p.case_id = c.id
        WHERE c.is_public
          AND c.filed_at >= \(timeLiteral(from) ?? "'-infinity'")
          AND c.filed_at < \(timeLiteral(before) ?? "'infinity'")
        ORDER BY c.id
        """
    }

    /// A time as an SQL literal (made from a `Date`, never from text a client sent).
    static func timeLiteral(_ date: Date?) -> String? {
        date.flatMap(\.postgresText).map { "'\($0)'::timestamptz" }
    }

    /// Streams the public cases filed in [from, before) in the order they were filed (by id), as chunks of bytes in
    /// `format`, over a connection held for the whole export; `body` may await (writing to a
    /// slow client) between chunks, which keeps memory constant whatever the size.
    public func exportOpenData(
        _ format: OpenDataFormat, from: Date?, before: Date?, now: Date, chunkBytes: Int = 256 * 1024,
        _ body: ([UInt8]) async throws -> Void
    ) async throws {
        let columns = Self.openDataColumns
        let select = columns.map(\.sql)
        let sql = "COPY (SELECT \(select.joined(separator: ", ")) \(Self.openDataFrom(from: from, before: before))) TO STDOUT WITH (FORMAT binary)"
        // A client that goes away leaves the export mid-way: the connection is then closed, not reused.
        try await exportPool().withReadOnlySnapshot { lease in
            // A scan in id order gains nothing from compiled expressions; compiling them costs the first rows.
            try await lease.run { try $0.execute("SET LOCAL jit = off") }
            var names: [CodeNames] = []
            for query in Self.openDataNames {
                names.append(CodeNames(try await lease.run { connection in
                    try connection.query(query).rows.map { (code: try $0.string(0), name: try $0.string(1)) }
                }))
            }
            var reader = BinaryCopyReader()
            var rows = OpenDataRows(columns: columns, format: format, names: names, now: now, capacity: 2 * chunkBytes)
            if format == .csv { rows.header() }
            // Rows are formatted here while the connection's thread reads the next ones.
            try await lease.copyOut(sql, chunkBytes: chunkBytes) { data in
                try reader.read(data) { rows.write($0) }
                if rows.count > 0 { try await body(rows.take()) }
            }
            if rows.count > 0 { try await body(rows.take()) }
        }
    }
}

/// Numbers the codes of fact rows read from a binary COPY, remembering each code's number by its
/// bytes: ten million rows hold a few thousand distinct codes, and making a string of each
/// would be most of the load's cost.
struct FactCodes {
    private var numbers: [FactColumns.CodeDimension: [ShortCode: Int32]] = [:]
    private var statuses: [ShortCode: Int32] = [:]
    private var kinds: [ShortCode: Int32] = [:]

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    mutating func row(_ row: BinaryCopyRow, numberingIn columns: inout FactColumns) throws -> FactRow {
        func required<T>(_ value: T?, _ field: Int) throws -> T {
            guard let value else { throw Unreadable(description: "case facts: field \(field) is NULL") }
            return value
        }
        return FactRow(
            id: try required(row.integer(0), 0), filedAt: try required(row.unixSeconds(1), 1),
            category: number(row, 2, .category, &columns), agency: number(row, 3, .agency, &columns),
            province: number(row, 4, .area, &columns), district: number(row, 5, .area, &columns),
            subdistrict: number(row, 6, .area, &columns), status: try status(row, 7), kind: try kind(row, 8),
            channel: number(row, 9, .channel, &columns), acknowledgedAt: row.unixSeconds(10),
            firstAnsweredAt: row.unixSeconds(11), resolvedAt: row.unixSeconds(12),
            acknowledgeDue: try required(row.unixSeconds(13), 13), firstAnswerDue: try required(row.unixSeconds(14), 14),
            resolutionDue: try required(row.unixSeconds(15), 15), reopenCount: Int32(clamping: row.integer(16) ?? 0),
            rating: Int32(clamping: row.integer(17) ?? 0))
    }

    private mutating func number(
        _ row: BinaryCopyRow, _ field: Int, _ dimension: FactColumns.CodeDimension, _ columns: inout FactColumns
    ) -> Int32 {
        if row.isNull(field) { return 0 }
        let bytes = row.bytes(field)
        guard let key = ShortCode(bytes) else { return columns.number(String(decoding: bytes, as: UTF8.self), in: dimension) }
        if let number = numbers[dimension]?[key] { return number }
        let number = columns.number(String(decoding: bytes, as: UTF8.self), in: dimension)
        numbers[dimension, default: [:]][key] = number
        return number
    }

    private mutating func status(_ row: BinaryCopyRow, _ field: Int) throws -> Int32 {
        try Self.fixed(row, field, "status", in: &statuses, number: FactColumns.number(_:) as (CaseStatus) -> Int32)
    }

    private mutating func kind(_ row: BinaryCopyRow, _ field: Int) throws -> Int32 {
        try Self.fixed(row, field, "kind", in: &kinds, number: FactColumns.number(_:) as (CaseKind) -> Int32)
    }

    /// The number of a value from a fixed set (a status, a kind), remembered by its bytes; a value
    /// outside the set is an error.
    private static func fixed<Value: RawRepresentable<String>>(
        _ row: BinaryCopyRow, _ field: Int, _ name: String, in numbers: inout [ShortCode: Int32], number: (Value) -> Int32
    ) throws -> Int32 {
        let bytes = row.bytes(field)
        let key = ShortCode(bytes)
        if let key, let known = numbers[key] { return known }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = Value(rawValue: text) else { throw Unreadable(description: "case facts: \(name) \(text)") }
        if let key { numbers[key] = number(value) }
        return number(value)
    }
}

/// A code of up to 31 bytes packed into four words: hashed and compared without an allocation.
struct ShortCode: Hashable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count < 32 else { return nil }
        withUnsafeMutableBytes(of: &words) { raw in
            if bytes.count > 0 { raw.copyMemory(from: bytes) }
            raw[31] = UInt8(bytes.count)
        }
    }

    /// The code of `text`'s UTF-8 bytes (nil from 32 bytes up, as for bytes).
    init?(_ text: String) {
        guard let code = Array(text.utf8).withUnsafeBytes(ShortCode.init) else { return nil }
        self = code
    }

    static func == (lhs: ShortCode, rhs: ShortCode) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
