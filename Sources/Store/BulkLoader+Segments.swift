public import Foundation
import Postgres

/// A demo load of many cases into an empty database, committed in segments, as `demo_loads` records it.
public struct SegmentedLoad: Sendable, Equatable {
    public var total: Int
    public var seed: UInt64
    public var days: Int
    /// The time the cases were generated against (whole seconds, so a resumed load makes the same ones).
    public var generatedAt: Date
    public var segmentSize: Int
    /// The id of the first case; case `n` of the load has id `firstID + n`.
    public var firstID: Int64
    /// Cases loaded and committed with their timelines: whole segments, or all of them.
    public var loaded: Int
    public var finished: Bool

    /// Whether this is the load `siang demo` would start with these arguments.
    public func matches(total: Int, seed: UInt64, days: Int) -> Bool {
        self.total == total && self.seed == seed && self.days == days
    }
}

extension BulkLoader {
    /// The last segmented load, finished or not.
    public func segmentedLoad() async throws -> SegmentedLoad? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT total, seed::text, days, generated_at, segment_size, first_id, loaded, finished FROM demo_loads"
            ).rows.first.map { row in
                SegmentedLoad(
                    total: try row.int(0), seed: UInt64(try row.string(1)) ?? 0, days: try row.int(2),
                    generatedAt: try row.date(3), segmentSize: try row.int(4), firstID: Int64(try row.int(5)),
                    loaded: try row.int(6), finished: try row.bool(7))
            }
        }
    }

    /// Begins a segmented load of `total` cases when the cases table is empty (nil otherwise: a load
    /// into a database with cases goes in one transaction, `load(count:next:)`): reserves their ids,
    /// drops the secondary indexes until the end, and records the load.
    public func beginSegmentedLoad(
        total: Int, seed: UInt64, days: Int, generatedAt: Date, segmentSize: Int
    ) async throws -> SegmentedLoad? {
        try await pool.transaction { connection in
            guard try connection.query("SELECT NOT EXISTS (SELECT 1 FROM cases)").first!.bool(0) else { return nil }
            let first = Int64(
                try connection.query(
                    "SELECT setval('cases_id_seq', (SELECT coalesce(max(id), 0) FROM cases) + $1) - $1 + 1", [total]
                ).first!.int(0))
            try connection.execute(Self.dropIndexes)
            try connection.query(
                """
                INSERT INTO demo_loads (id, total, seed, days, generated_at, segment_size, first_id, loaded, finished)
                VALUES (1, $1, $2::numeric, $3, $4, $5, $6, 0, false)
                ON CONFLICT (id) DO UPDATE SET total = $1, seed = $2::numeric, days = $3, generated_at = $4,
                    segment_size = $5, first_id = $6, loaded = 0, finished = false
                """,
                [total, String(seed), days, generatedAt, segmentSize, first])
            return SegmentedLoad(
                total: total, seed: seed, days: days, generatedAt: generatedAt, segmentSize: segmentSize, firstID: first,
                loaded: 0, finished: false)
        }
    }

    /// Empties the cases and timelines of an unfinished segmented load (it began in an empty
    /// database, so they are all its own) and forgets it.
    public func discardSegmentedLoad() async throws {
        try await pool.transaction { connection in
            try connection.execute(Self.truncateCases)
            try connection.execute("DELETE FROM demo_loads")
            try connection.execute(Self.createCaseIndexes + Self.createEventIndexes)
        }
    }

    /// Loads the rest of `load`: segment after segment, each committed with its timelines and the
    /// progress, from `load.loaded` on; `next(limit)` gives up to `limit` more cases in order (the
    /// caller starts it at case `load.loaded`). Rows of a segment that was under way when a previous run
    /// stopped are removed first. The first segment empties the tables in its own transaction, so with
    /// the private cluster's minimal WAL its rows skip the WAL and are written frozen; the indexes and
    /// the timeline's foreign key are built once, at the end. Returns the cases loaded by this call.
    public func continueSegmentedLoad(
        _ load: SegmentedLoad, next: @escaping @Sendable (_ limit: Int) -> [BulkCase]
    ) async throws -> Int {
        // The cases and their timelines go over two connections at once.
        guard pool.configuration.maximumConnections >= 2 else {
            throw PostgresError(kind: .other, message: "a demo load needs a pool of at least 2 connections (database.pool_size)")
        }
        var loaded = load.loaded
        if loaded > 0, loaded < load.total {
            // Cases of a segment committed without its timelines are undone. (No timeline lies beyond
            // `loaded`: timelines commit with the progress, after their cases.) Only the load's own ids:
            // a case filed meanwhile by a running server is not the load's to remove.
            let (from, to) = (load.firstID + Int64(loaded), load.firstID + Int64(load.total))
            try await pool.withConnection { connection in
                try connection.query("DELETE FROM cases WHERE id >= $1 AND id < $2", [from, to])
            }
        }
        while loaded < load.total {
            let size = min(load.segmentSize, load.total - loaded)
            try await copySegment(
                size: size, firstID: load.firstID + Int64(loaded), first: loaded == 0, loadedAfter: loaded + size,
                next: next)
            loaded += size
        }
        async let caseIndexes: Void = pool.withConnection { try $0.execute(Self.createCaseIndexes + "ANALYZE cases;") }
        async let eventIndexes: Void = pool.withConnection { try $0.execute(Self.createEventIndexes + "ANALYZE case_events;") }
        _ = try await (caseIndexes, eventIndexes)
        try await pool.withConnection { try $0.execute("UPDATE demo_loads SET finished = true") }
        return loaded - load.loaded
    }

    /// One segment: the cases on one connection and their timelines on another at the same time. The
    /// timelines' transaction commits only after the cases' did, and records the progress: a segment
    /// counts as loaded only when both are in.
    private func copySegment(
        size: Int, firstID: Int64, first: Bool, loadedAfter: Int, next: @escaping @Sendable (Int) -> [BulkCase]
    ) async throws {
        let timelines = ChunkQueue()
        let casesCommitted = CommitSignal()
        let freeze = first ? " WITH (FREEZE)" : ""
        let pool = self.pool
        // Each side tells the other when it stops, whatever stopped it: a failure before its
        // connection was even given (a pool timeout) must not leave the other waiting for good.
        async let copiedCases: Void = {
            do {
                try await pool.withConnection { connection in
                    try Self.copySegmentCases(
                        connection, size: size, firstID: firstID, first: first, freeze: freeze, timelines: timelines,
                        next: next)
                }
                casesCommitted.settle(committed: true)
                timelines.finish()
            } catch {
                casesCommitted.settle(committed: false)
                timelines.finish()
                throw error
            }
        }()
        async let copiedEvents: Void = {
            do {
                try await pool.withConnection { connection in
                    try connection.execute("SET synchronous_commit = off")
                    try connection.inTransaction { connection in
                        if first { try connection.execute("TRUNCATE case_events") }
                        _ = try connection.copyIn(Self.copyEvents + freeze) { timelines.pop() }
                        guard casesCommitted.wait() else {
                            throw PostgresError(kind: .other, message: "the cases of this segment were not loaded")
                        }
                        try connection.query("UPDATE demo_loads SET loaded = $1", [loadedAfter])
                    }
                }
            } catch {
                timelines.fail()
                throw error
            }
        }()
        _ = try await (copiedCases, copiedEvents)
    }

    /// The cases of one segment, in one transaction; their timelines handed to `timelines` as they go.
    private static func copySegmentCases(
        _ connection: Connection, size: Int, firstID: Int64, first: Bool, freeze: String, timelines: ChunkQueue,
        next: (Int) -> [BulkCase]
    ) throws {
        try connection.execute("SET synchronous_commit = off")
        try connection.inTransaction { connection in
            if first {
                try connection.execute(Self.truncateCasesButTimelines)
            }
            var nextID = firstID
            var remaining = size
            _ = try connection.copyIn(Self.copyCases + freeze) {
                // The timelines' side gave up: stop making cases nobody will keep.
                guard remaining > 0, !timelines.failed else { return nil }
                let batch = next(min(10_000, remaining))
                guard !batch.isEmpty else { return nil }
                remaining -= batch.count
                var cases = CopyWriter(capacity: batch.count * 700)
                var events = CopyWriter(capacity: batch.count * 600)
                nextID = Self.append(batch, from: nextID, cases: &cases, events: &events)
                timelines.push(events.bytes)
                return cases.bytes
            }
            if timelines.failed { throw PostgresError(kind: .other, message: "the timelines could not be loaded") }
            guard remaining == 0 else {
                throw PostgresError(kind: .other, message: "the generator ended \(remaining) cases early")
            }
        }
    }
}

/// Tells one blocking thread whether another's transaction committed.
final class CommitSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Bool?

    func settle(committed: Bool) {
        condition.lock()
        if outcome == nil { outcome = committed }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the outcome: true when committed.
    func wait() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return outcome!
    }
}
