public import Domain
public import Foundation
public import Postgres

/// A complete case with its timeline, as `siang demo` makes them, for bulk loading.
public struct BulkCase: Sendable {
    public struct Event: Sendable {
        public var at: Date
        public var kind: TimelineKind
        public var actor: ActorKind
        public var fromStatus: CaseStatus?
        public var toStatus: CaseStatus?
        public var agencyCode: String?
        public var note: String?

        public init(at: Date, kind: TimelineKind, actor: ActorKind, fromStatus: CaseStatus?, toStatus: CaseStatus?, agencyCode: String?, note: String?) {
            self.at = at
            self.kind = kind
            self.actor = actor
            self.fromStatus = fromStatus
            self.toStatus = toStatus
            self.agencyCode = agencyCode
            self.note = note
        }
    }

    public var code: String
    public var secretHash: [UInt8]
    public var kind: CaseKind
    public var channel: String
    public var text: String
    public var publicText: String
    public var isPublic: Bool
    /// Whether the citizen agreed to publication; `isPublic` also depends on the category (`CaseVisibility`).
    public var publicRequested: Bool
    public var area: CaseArea
    public var categoryCode: String
    public var confidence: Double
    public var filedAt: Date
    public var due: DueDates
    public var state: CaseState
    public var events: [Event]

    public init(
        code: String, secretHash: [UInt8], kind: CaseKind, channel: String, text: String, publicText: String, isPublic: Bool,
        publicRequested: Bool, area: CaseArea, categoryCode: String, confidence: Double, filedAt: Date, due: DueDates, state: CaseState,
        events: [Event]
    ) {
        self.code = code
        self.secretHash = secretHash
        self.kind = kind
        self.channel = channel
        self.text = text
        self.publicText = publicText
        self.isPublic = isPublic
        self.publicRequested = publicRequested
        self.area = area
        self.categoryCode = categoryCode
        self.confidence = confidence
        self.filedAt = filedAt
        self.due = due
        self.state = state
        self.events = events
    }
}

/// Loads many cases at once with COPY, the fast path of PostgreSQL (for demos and benchmarks).
public struct BulkLoader: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Case codes already taken, so generated ones can avoid them.
    public func existingCodes() async throws -> Set<String> {
        try await pool.withConnection(idempotent: true) { connection in
            Set(try connection.query("SELECT code FROM cases").rows.map { try $0.string(0) })
        }
    }

    /// Loads the cases `next` produces (nil when done); returns how many.
    ///
    /// Ids are reserved from the sequence up front. Into empty tables, the cases and their
    /// timelines are copied at the same time over two connections, each table emptied in its
    /// own transaction first (so, with the private cluster's minimal WAL, nothing goes through
    /// the WAL and rows are written frozen), with secondary indexes and the timeline's foreign
    /// key dropped during the load and built after it. Into tables that hold cases already,
    /// everything goes in one ordinary transaction.
    public func load(count: Int, next: @escaping @Sendable () -> [BulkCase]?) async throws -> Int {
        let (empty, first) = try await pool.withConnection { connection -> (Bool, Int64) in
            let empty = try connection.query("SELECT NOT EXISTS (SELECT 1 FROM cases)").first!.bool(0)
            let first = try connection.query(
                "SELECT setval('cases_id_seq', (SELECT coalesce(max(id), 0) FROM cases) + $1) - $1 + 1", [count]
            ).first!.int(0)
            if empty { try connection.execute(Self.dropIndexes) }
            return (empty, Int64(first))
        }
        guard empty else { return try await loadSequentially(first: first, next: next) }

        let timelines = ChunkQueue()
        async let copiedCases: Int = pool.withConnection { connection in
            defer { timelines.finish() }
            try connection.execute("SET synchronous_commit = off")
            return try connection.inTransaction { connection in
                // Photos go with the cases they belong to (case_photos references cases).
                try connection.execute(Self.truncateCasesButTimelines)
                var nextID = first
                var loaded = 0
                _ = try connection.copyIn(Self.copyCases + " WITH (FREEZE)") {
                    guard let batch = next(), !batch.isEmpty else { return nil }
                    var cases = CopyWriter(capacity: batch.count * 700)
                    var events = CopyWriter(capacity: batch.count * 600)
                    nextID = Self.append(batch, from: nextID, cases: &cases, events: &events)
                    loaded += batch.count
                    timelines.push(events.bytes)
                    return cases.bytes
                }
                if timelines.failed { throw PostgresError(kind: .other, message: "the timelines could not be loaded") }
                return loaded
            }
        }
        async let copiedEvents: Void = pool.withConnection { connection in
            do {
                try connection.execute("SET synchronous_commit = off")
                try connection.inTransaction { connection in
                    try connection.execute("TRUNCATE case_events")
                    _ = try connection.copyIn(Self.copyEvents + " WITH (FREEZE)") { timelines.pop() }
                }
            } catch {
                timelines.fail()
                throw error
            }
        }
        let loaded: Int
        do {
            (loaded, _) = try await (copiedCases, copiedEvents)
        } catch {
            // One half failed: leave the tables empty as they were, whole again.
            _ = try? await pool.withConnection { connection in
                try connection.execute(Self.truncateCases)
            }
            _ = try? await pool.withConnection { try $0.execute(Self.createCaseIndexes + Self.createEventIndexes) }
            throw error
        }
        async let caseIndexes: Void = pool.withConnection { try $0.execute(Self.createCaseIndexes + "ANALYZE cases;") }
        async let eventIndexes: Void = pool.withConnection { try $0.execute(Self.createEventIndexes + "ANALYZE case_events;") }
        _ = try await (caseIndexes, eventIndexes)
        return loaded
    }

    /// Writes `batch`'s cases, numbered from `id`, and their timelines; returns the next free id.
    static func append(_ batch: [BulkCase], from id: Int64, cases: inout CopyWriter, events: inout CopyWriter) -> Int64 {
        var id = id
        for item in batch {
            appendCase(item, id: id, to: &cases)
            for event in item.events { appendEvent(event, caseID: id, to: &events) }
            id += 1
        }
        return id
    }

    private func loadSequentially(first: Int64, next: @escaping @Sendable () -> [BulkCase]?) async throws -> Int {
        try await pool.withConnection { try $0.execute(Self.createCaseIndexes + Self.createEventIndexes) }
        return try await pool.transaction { connection in
            var nextID = first
            var loaded = 0
            var events = CopyWriter(capacity: 1 << 20)
            _ = try connection.copyIn(Self.copyCases) {
                guard let batch = next(), !batch.isEmpty else { return nil }
                var cases = CopyWriter(capacity: batch.count * 700)
                nextID = Self.append(batch, from: nextID, cases: &cases, events: &events)
                loaded += batch.count
                return cases.bytes
            }
            var remaining: [UInt8]? = events.bytes
            _ = try connection.copyIn(Self.copyEvents) {
                defer { remaining = nil }
                return remaining
            }
            return loaded
        }
    }

    /// Empties the tables of cases and what hangs off them, except the timelines (`case_events`), which a
    /// load fills on a connection of its own: what a load replaces.
    static let truncateCasesButTimelines =
        "TRUNCATE cases, case_contacts, idempotency_keys, contact_reads, case_subscriptions, outbox, outbox_attempts, case_photos, photo_blobs, case_follows"
    /// Empties them all, timelines too: a load given up, or started again.
    static let truncateCases = truncateCasesButTimelines + ", case_events"

    static let copyCases = """
        COPY cases (id, code, secret_hash, kind, channel, text, public_text, is_public, status, province_code,
            district_code, subdistrict_code, area_source, predicted_category, predicted_confidence,
            category_code, agency_code, filed_at, acknowledged_at, first_answered_at, resolved_at, closed_at,
            acknowledge_due, first_answer_due, resolution_due, transfer_count, previous_agencies, reopen_count,
            rejection_reason, resolution, rating, rated_at, updated_at, public_requested) FROM STDIN
        """
    static let copyEvents = "COPY case_events (case_id, at, kind, actor_kind, from_status, to_status, agency_code, note) FROM STDIN"

    // The timeline's foreign key is dropped too and added back after: checked once for all rows
    // with a join, instead of one lookup per inserted event.
    static let dropIndexes = """
        DROP INDEX IF EXISTS cases_agency_inbox; DROP INDEX IF EXISTS cases_triage_queue; DROP INDEX IF EXISTS cases_filed_at;
        DROP INDEX IF EXISTS case_events_case;
        ALTER TABLE case_events DROP CONSTRAINT IF EXISTS case_events_case_id_fkey;
        """
    // "If not exists" throughout: a load interrupted after dropping them is mended by the next one.
    static let createCaseIndexes = """
        CREATE INDEX IF NOT EXISTS cases_agency_inbox ON cases (agency_code, filed_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS cases_triage_queue ON cases (filed_at, id) WHERE status = 'triage';
        CREATE INDEX IF NOT EXISTS cases_filed_at ON cases (filed_at, id);
        """
    static let createEventIndexes = """
        CREATE INDEX IF NOT EXISTS case_events_case ON case_events (case_id, id);
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'case_events_case_id_fkey') THEN
                ALTER TABLE case_events ADD CONSTRAINT case_events_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id);
            END IF;
        END $$;
        """

    // MARK: COPY text format

    static func appendCase(_ item: BulkCase, id: Int64, to row: inout CopyWriter) {
        let state = item.state
        row.integer(id)
        row.text(item.code)
        row.raw("\\\\x")
        row.hex(item.secretHash, continuing: true)
        row.text(item.kind.rawValue)
        row.text(item.channel)
        row.text(item.text)
        row.text(item.publicText == item.text ? nil : item.publicText)
        row.text(item.isPublic ? "t" : "f")
        row.text(state.status.rawValue)
        row.text(item.area.provinceCode)
        row.text(item.area.districtCode)
        row.text(item.area.subdistrictCode)
        row.text((item.area.isUnknown ? AreaSource.none : .given).rawValue)
        row.text(item.categoryCode)
        row.text(String(item.confidence))
        row.text(state.categoryCode)
        row.text(state.agencyCode)
        row.time(item.filedAt)
        row.time(state.acknowledgedAt)
        row.time(state.firstAnsweredAt)
        row.time(state.resolvedAt)
        row.time(state.closedAt)
        row.time(item.due.acknowledge)
        row.time(item.due.firstAnswer)
        row.time(item.due.resolution)
        row.integer(Int64(state.transferCount))
        row.text(state.previousAgencies.postgresText)
        row.integer(Int64(state.reopenCount))
        row.text(state.rejectionReason?.rawValue)
        row.text(state.resolution)
        row.text(state.rating.map(String.init))
        row.time(state.ratedAt)
        row.time([item.filedAt, state.closedAt, state.resolvedAt, state.ratedAt].compactMap { $0 }.max()!)
        row.text(item.publicRequested ? "t" : "f")
        row.endRow()
    }

    static func appendEvent(_ event: BulkCase.Event, caseID: Int64, to row: inout CopyWriter) {
        row.integer(caseID)
        row.time(event.at)
        row.text(event.kind.rawValue)
        row.text(event.actor.rawValue)
        row.text(event.fromStatus?.rawValue)
        row.text(event.toStatus?.rawValue)
        row.text(event.agencyCode)
        row.text(event.note)
        row.endRow()
    }
}

/// Chunks of COPY data handed from one thread to another: the timelines, made with the cases
/// and copied at the same time on another connection. Blocking, for the pool's threads.
final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var finished = false
    private var failure = false

    /// Adds a chunk, waiting while too many are queued (so memory stays bounded).
    func push(_ chunk: [UInt8]) {
        condition.lock()
        while chunks.count >= 8, !failure { condition.wait() }
        chunks.append(chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, waiting for one; nil once finished and drained (or failed).
    func pop() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty, !finished, !failure { condition.wait() }
        guard !failure, !chunks.isEmpty else { return nil }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer gave up: producers stop waiting, and learn of it.
    func fail() {
        condition.lock()
        failure = true
        condition.broadcast()
        condition.unlock()
    }

    var failed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}

/// Writes rows in COPY's text format straight into bytes: tab-separated fields, `\N` for
/// NULL, backslash escapes for tab, newline, carriage return and backslash.
struct CopyWriter {
    var bytes: [UInt8] = []
    private var atRowStart = true

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if !atRowStart { bytes.append(0x09) }
        atRowStart = false
    }

    mutating func endRow() {
        bytes.append(0x0A)
        atRowStart = true
    }

    /// Bytes written as they are, as the start of a field.
    mutating func raw(_ text: StaticString) {
        separate()
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func text(_ value: String?) {
        separate()
        guard var value else {
            bytes.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        value.withUTF8 { utf8 in
            for byte in utf8 {
                switch byte {
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                default: bytes.append(byte)
                }
            }
        }
    }

    mutating func integer(_ value: Int64) {
        separate()
        digits(value, width: 1)
    }

    mutating func hex(_ data: [UInt8], continuing: Bool) {
        if !continuing { separate() }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in data {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
        }
    }

    /// A timestamp as "YYYY-MM-DD HH:MM:SS.ffffff+00".
    mutating func time(_ date: Date?) {
        guard let date else {
            separate()
            bytes.append(contentsOf: [0x5C, 0x4E])
            return
        }
        separate()
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        seconds -= days * 86_400
        let (year, month, day) = PostgresTimestamp.civilDate(fromDays: days)
        digits(year, width: 4)
        bytes.append(0x2D)
        digits(month, width: 2)
        bytes.append(0x2D)
        digits(day, width: 2)
        bytes.append(0x20)
        digits(seconds / 3600, width: 2)
        bytes.append(0x3A)
        digits(seconds / 60 % 60, width: 2)
        bytes.append(0x3A)
        digits(seconds % 60, width: 2)
        bytes.append(0x2E)
        digits(fraction, width: 6)
        bytes.append(contentsOf: [0x2B, 0x30, 0x30])
    }

    private mutating func digits(_ value: Int64, width: Int) {
        var value = value
        if value < 0 {
            bytes.append(0x2D)
            value = -value
        }
        var buffer: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &buffer) { raw in
            repeat {
                raw[19 - count] = UInt8(48 + value % 10)
                value /= 10
                count += 1
            } while value > 0
            while count < width {
                raw[19 - count] = 48
                count += 1
            }
            bytes.append(contentsOf: raw[(20 - count)...])
        }
    }
}
