import CLibPQ
import CoreMetrics
import Foundation

/// One libpq connection. Every call blocks, so it is only ever used on the pool's own
/// threads, by one task at a time (the pool guarantees it; hence `@unchecked Sendable`).
///
/// Statements are prepared once per connection and reused, parameters always bound; results
/// are copied out and freed at once, so no libpq memory outlives a call.
public final class Connection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: String] = [:]
    /// Whether the connection broke; a broken connection is closed, never reused.
    public private(set) var isBroken = false
    /// Whether the running `COPY … TO STDOUT` has delivered its last row.
    private var copyOutEnded = false

    /// Connects with a libpq connection string or URI, used as given (so `PG*` variables,
    /// `sslmode` and the rest work as in psql), and sets the session to UTC and ISO dates.
    /// - Throws: `PostgresError` of kind `.connectionLost` when the server cannot be reached.
    /// - Parameter database: a database name overriding the one the connection string names
    ///   (libpq's own `expand_dbname` rule: later keywords win), e.g. for per-test databases.
    /// - Parameter options: libpq keywords set over the connection string's, by the same rule
    ///   (`connect_timeout`, `keepalives_idle`, …).
    public init(connectionString: String, database: String? = nil, options: KeyValuePairs<String, String> = [:]) throws {
        let handle: OpaquePointer?
        if database != nil || options.count > 0 {
            let overrides = (database.map { [("dbname", $0)] } ?? []) + options.map { ($0.key, $0.value) }
            handle = Self.connect(
                keywords: ["dbname"] + overrides.map(\.0), values: [connectionString] + overrides.map(\.1))
        } else {
            handle = connectionString.withCString { PQconnectdb($0) }
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.errorMessage($0) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            throw PostgresError(kind: .connectionLost, message: "cannot connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET client_encoding = 'UTF8'")
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    private static func connect(keywords: [String], values: [String]) -> OpaquePointer? {
        let keywordPointers = keywords.map { strdup($0) } + [nil]
        let valuePointers = values.map { strdup($0) } + [nil]
        defer {
            for pointer in keywordPointers + valuePointers { free(pointer) }
        }
        let keys = keywordPointers.map { UnsafePointer($0) }
        let vals = valuePointers.map { UnsafePointer($0) }
        return keys.withUnsafeBufferPointer { keys in
            vals.withUnsafeBufferPointer { vals in PQconnectdbParams(keys.baseAddress, vals.baseAddress, 1) }
        }
    }

    /// Closes the connection now.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        isBroken = true
    }

    /// Runs one statement with bound parameters and returns its rows.
    /// - Throws: `PostgresError` with the server's SQLSTATE, or `.connectionLost`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        do {
            return try runPrepared(sql, parameters)
        } catch let error as PostgresError where error.sqlState == "0A000" && error.message.contains("cached plan") {
            // The schema changed under a prepared statement (a migration ran): prepare it again.
            if let name = statements.removeValue(forKey: sql) {
                _ = try? runSimple("DEALLOCATE \(name)")
            }
            return try runPrepared(sql, parameters)
        }
    }

    /// Runs SQL without parameters through the simple query protocol; several statements
    /// separated by semicolons are allowed (migrations, session settings).
    public func execute(_ sql: String) throws {
        _ = try runSimple(sql)
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws.
    ///
    /// A failed ROLLBACK never hides the error that caused it; it only marks the connection
    /// broken so the pool drops it.
    public func inTransaction<T>(isolation: IsolationLevel = .readCommitted, _ body: (Connection) throws -> T) throws -> T {
        do {
            try execute(isolation.beginStatement)
        } catch var error as PostgresError {
            error.failedBeforeWork = true
            throw error
        }
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if !isBroken {
                do { try execute("ROLLBACK") } catch { isBroken = true }
            }
            throw error
        }
    }

    /// Streams `COPY … FROM STDIN` data: `produce` is called until it returns nil, each
    /// chunk being bytes in COPY's text format. Returns the number of rows copied.
    public func copyIn(_ sql: String, _ produce: () -> [UInt8]?) throws -> Int {
        let handle = try liveHandle()
        let start = sql.withCString { PQexec(handle, $0) }
        let startStatus = PQresultStatus(start)
        if startStatus != PGRES_COPY_IN {
            defer { PQclear(start) }
            throw failure(start)
        }
        PQclear(start)
        while let chunk = produce() {
            let sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 { break }
        }
        PQputCopyEnd(handle, nil)
        var copied = 0
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = failure(result)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return copied
    }

    /// Starts `COPY … TO STDOUT`; read its output with `readCopyData(upTo:)`.
    public func startCopyOut(_ sql: String) throws {
        let handle = try liveHandle()
        copyOutEnded = false
        let start = sql.withCString { PQexec(handle, $0) }
        defer { PQclear(start) }
        guard PQresultStatus(start) == PGRES_COPY_OUT else { throw failure(start) }
    }

    /// The next rows of a `COPY … TO STDOUT`, at least `limit` bytes of them unless the copy
    /// ends first; nil once it has ended.
    public func readCopyData(upTo limit: Int) throws -> [UInt8]? {
        let handle = try liveHandle()
        guard !copyOutEnded else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limit + 4096)
        while bytes.count < limit {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
                }
                PQfreemem(buffer)
                continue
            }
            if length == -1 {
                // The copy ended: collect its final result (and any error).
                copyOutEnded = true
                var firstError: PostgresError?
                while let result = PQgetResult(handle) {
                    if PQresultStatus(result) != PGRES_COMMAND_OK, firstError == nil { firstError = failure(result) }
                    PQclear(result)
                }
                if let firstError { throw firstError }
                return bytes.isEmpty ? nil : bytes
            }
            throw connectionFailure()
        }
        return bytes
    }

    /// Runs a query in single-row mode, calling `body` with each row as it arrives, so
    /// results of any size stream in constant memory. Returning false from `body` stops early.
    public func stream(_ sql: String, _ parameters: [any PostgresEncodable] = [], _ body: (Row) throws -> Bool) throws {
        let handle = try liveHandle()
        let sent = withParameters(parameters) { values in
            sql.withCString { PQsendQueryParams(handle, $0, Int32(parameters.count), nil, values, nil, nil, 0) }
        }
        guard sent == 1 else { throw connectionFailure() }
        PQsetSingleRowMode(handle)
        var firstError: (any Error)?
        var wantMore = true
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_SINGLE_TUPLE {
                guard wantMore, firstError == nil else { continue }
                do {
                    wantMore = try body(Self.rows(of: result).rows[0])
                    if !wantMore {
                        // Ask the server to stop sending; the remaining results are drained below.
                        if let cancel = PQgetCancel(handle) {
                            var buffer = [CChar](repeating: 0, count: 256)
                            PQcancel(cancel, &buffer, 256)
                            PQfreeCancel(cancel)
                        }
                    }
                } catch {
                    firstError = error
                }
            } else if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                continue
            } else if firstError == nil, wantMore {
                firstError = failure(result)
            }
        }
        if PQstatus(handle) != CONNECTION_OK { isBroken = true }
        if let firstError { throw firstError }
    }

    /// Runs a query through a server-side cursor inside the current transaction, handing its
    /// rows to `body` `batch` at a time, so results of any size are read in constant memory
    /// with one round trip per batch. Returning false from `body` stops early.
    /// - Precondition: a transaction is open on this connection (cursors live in transactions).
    public func cursor(
        _ sql: String, _ parameters: [any PostgresEncodable] = [], batch: Int = 2000, _ body: (QueryResult) throws -> Bool
    ) throws {
        let name = "siang_cursor"
        try query("DECLARE \(name) NO SCROLL CURSOR FOR " + sql, parameters)
        defer { _ = try? execute("CLOSE \(name)") }
        while true {
            let rows = try runSimple("FETCH \(batch) FROM \(name)")
            if rows.rows.isEmpty { return }
            guard try body(rows) else { return }
            if rows.rows.count < batch { return }
        }
    }

    /// Waits up to `timeout` for notifications on the channels this connection `LISTEN`s to, and
    /// returns those that arrived (none when the time ran out). Blocks in `poll()`: call it only
    /// on a thread of its own.
    /// - Throws: `.connectionLost` when the connection dropped (a terminated backend, a restart).
    public func notifications(waitingUpTo timeout: Duration) throws -> [PostgresNotification] {
        let handle = try liveHandle()
        // Notifications may already sit in libpq's buffer (read along with a query's result).
        guard PQconsumeInput(handle) == 1 else { throw connectionFailure() }
        var arrived = Self.takeNotifications(handle)
        if !arrived.isEmpty { return arrived }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw connectionFailure() }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let ready = poll(&descriptor, 1, Int32(clamping: milliseconds))
        if ready < 0 {
            if errno == EINTR { return [] }
            throw connectionFailure()
        }
        if ready == 0 { return [] }
        guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { throw connectionFailure() }
        arrived = Self.takeNotifications(handle)
        return arrived
    }

    private static func takeNotifications(_ handle: OpaquePointer) -> [PostgresNotification] {
        var arrived: [PostgresNotification] = []
        while let notice = PQnotifies(handle) {
            arrived.append(
                PostgresNotification(
                    channel: String(cString: notice.pointee.relname), payload: String(cString: notice.pointee.extra)))
            PQfreemem(notice)
        }
        return arrived
    }

    // MARK: - libpq calls

    private func liveHandle() throws -> OpaquePointer {
        guard let handle, !isBroken else {
            throw PostgresError(kind: .connectionLost, message: "the connection is closed")
        }
        return handle
    }

    private func runPrepared(_ sql: String, _ parameters: [any PostgresEncodable]) throws -> QueryResult {
        let handle = try liveHandle()
        let name: String
        if let existing = statements[sql] {
            name = existing
        } else {
            name = "s\(statements.count)"
            let prepared = sql.withCString { text in name.withCString { PQprepare(handle, $0, text, 0, nil) } }
            defer { PQclear(prepared) }
            guard let prepared, PQresultStatus(prepared) == PGRES_COMMAND_OK else { throw failure(prepared) }
            statements[sql] = name
        }
        let result = withParameters(parameters) { values in
            name.withCString { PQexecPrepared(handle, $0, Int32(parameters.count), values, nil, nil, 0) }
        }
        defer { PQclear(result) }
        return try rowsOrThrow(result)
    }

    private func runSimple(_ sql: String) throws -> QueryResult {
        let handle = try liveHandle()
        let result = sql.withCString { PQexec(handle, $0) }
        defer { PQclear(result) }
        return try rowsOrThrow(result)
    }

    private func rowsOrThrow(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw connectionFailure() }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.rows(of: result)
        default:
            throw failure(result)
        }
    }

    /// Calls `body` with the parameters as C strings (NULL for SQL NULL), freed afterwards.
    private func withParameters<T>(
        _ parameters: [any PostgresEncodable], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        let texts = parameters.map { $0.postgresText.map { strdup($0) } ?? nil }
        defer { for text in texts { free(text) } }
        let pointers = texts.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    private static func rows(of result: OpaquePointer) -> QueryResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    let bytes = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))!)
                        .assumingMemoryBound(to: UInt8.self)
                    values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self))
                }
            }
            rows.append(Row(values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }

    /// The error a failed result describes; a broken connection always reads as `.connectionLost`.
    private func failure(_ result: OpaquePointer?) -> PostgresError {
        guard let result else { return connectionFailure() }
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let state = field("C") ?? ""
        var error = PostgresError(
            kind: PostgresError.kind(ofSQLState: state), sqlState: state,
            message: field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines),
            detail: field("D"), hint: field("H"), constraint: field("n"), table: field("t"), column: field("c"))
        if let handle, PQstatus(handle) != CONNECTION_OK {
            isBroken = true
            error.kind = .connectionLost
        }
        if error.kind == .connectionLost { isBroken = true }
        Self.count(error)
        return error
    }

    private func connectionFailure() -> PostgresError {
        isBroken = true
        let message = handle.map { Self.errorMessage($0) } ?? "the connection is closed"
        let error = PostgresError(kind: .connectionLost, message: message)
        Self.count(error)
        return error
    }

    /// Counts a failed statement by its SQLSTATE class (`23` integrity, `40` rollback, `08` connection …);
    /// a connection that broke without a word from the server counts as `08`.
    static func count(_ error: PostgresError) {
        let sqlStateClass = error.sqlState.count == 5 ? String(error.sqlState.prefix(2)) : "08"
        Counter(label: "siang_db_query_errors_total", dimensions: [("sqlstate_class", sqlStateClass)]).increment()
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A notification a `LISTEN`ing connection received (`NOTIFY channel, 'payload'`).
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

/// Transaction isolation levels.
public enum IsolationLevel: Sendable {
    case readCommitted, repeatableRead, serializable

    var beginStatement: String {
        switch self {
        case .readCommitted: return "BEGIN"
        case .repeatableRead: return "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}
