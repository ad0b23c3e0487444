import Classification
import Domain
import Foundation
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing

/// `siang demo` into an empty database commits its cases in segments and records how far it got: an
/// interrupted load continues where it stopped and ends with the cases a load that went through makes.
@Suite("Demo loads resumed")
struct DemoLoadTests {
    static let total = 3_500
    static let segment = 1_000
    static let seed: UInt64 = 77
    static let generatedAt = Date(timeIntervalSince1970: 1_796_000_000)

    static func generator() throws -> DemoGenerator {
        let home = TestDatabase.home
        return DemoGenerator(
            reference: Reference(try SeedFiles.referenceData(home: home)),
            corpus: try SeedFiles.corpus(seeds: home.seeds).map { ($0.text, $0.category) }, days: 365, now: generatedAt,
            rules: ServiceRules())
    }

    /// Begins a load of `total` cases, and gives up after `stopAfter` cases (a killed process: the
    /// segment under way is rolled back).
    static func interruptedLoad(_ pool: ConnectionPool, stopAfter: Int) async throws -> SegmentedLoad {
        let loader = BulkLoader(pool: pool)
        let load = try #require(
            try await loader.beginSegmentedLoad(
                total: total, seed: seed, days: 365, generatedAt: generatedAt, segmentSize: segment))
        let stream = try generator().segmentedStream(count: total, seed: seed, segmentSize: segment, startingAt: 0)
        let given = Counter()
        await #expect(throws: (any Error).self) {
            _ = try await loader.continueSegmentedLoad(load) { limit in
                let allowed = min(limit, stopAfter - given.value)
                guard allowed > 0 else { return [] }
                given.value += allowed
                return stream.next(count: allowed)
            }
        }
        return try #require(try await loader.segmentedLoad())
    }

    /// Every case in load order: its row but the id, and its timeline, entry by entry.
    static func cases(_ pool: ConnectionPool) async throws -> [String] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT (to_jsonb(c) - 'id')::text || ' ' || coalesce((
                    SELECT string_agg((to_jsonb(e) - 'id' - 'case_id')::text, ' ' ORDER BY e.id)
                    FROM case_events e WHERE e.case_id = c.id), '')
                FROM cases c ORDER BY c.id
                """
            ).rows.map { try $0.string(0) }
        }
    }

    @Test("an interrupted load keeps its whole segments, continues from them, and ends with the cases of a load that went through")
    func resumes() async throws {
        try await TestDatabase.withFresh { straight in try await TestDatabase.withFresh { interrupted in
            try await resumes(straight: straight, interrupted: interrupted)
        } }
    }

    func resumes(straight: TestDatabase.Handle, interrupted: TestDatabase.Handle) async throws {
        let whole = try #require(
            try await BulkLoader(pool: straight.pool).beginSegmentedLoad(
                total: Self.total, seed: Self.seed, days: 365, generatedAt: Self.generatedAt, segmentSize: Self.segment))
        let stream = try Self.generator().segmentedStream(count: Self.total, seed: Self.seed, segmentSize: Self.segment, startingAt: 0)
        #expect(try await BulkLoader(pool: straight.pool).continueSegmentedLoad(whole) { stream.next(count: $0) } == Self.total)
        let expected = try await Self.cases(straight.pool)
        #expect(expected.count == Self.total)

        let stopped = try await Self.interruptedLoad(interrupted.pool, stopAfter: 2_500)
        #expect(stopped.loaded == 2_000 && !stopped.finished, "two whole segments, the third rolled back")
        #expect(try await Self.cases(interrupted.pool) == Array(expected.prefix(2_000)))

        // As if the next segment's cases had committed and its timelines not (two connections): resuming
        // removes them before loading that segment again.
        let orphan = stopped.firstID + Int64(stopped.loaded)
        try await interrupted.pool.withConnection { connection in
            try connection.execute("CREATE TEMPORARY TABLE orphan AS SELECT * FROM cases ORDER BY id LIMIT 1")
            try connection.query("UPDATE orphan SET id = $1, code = 'SG-2026-ZZZZZZ'", [orphan])
            try connection.execute("INSERT INTO cases SELECT * FROM orphan")
        }
        let loader = BulkLoader(pool: interrupted.pool)
        let rest = try Self.generator().segmentedStream(
            count: Self.total, seed: Self.seed, segmentSize: Self.segment, startingAt: stopped.loaded)
        #expect(try await loader.continueSegmentedLoad(stopped) { rest.next(count: $0) } == 1_500)
        #expect(try await Self.cases(interrupted.pool) == expected, "the same cases, field by field, and timelines")
        #expect(try await loader.segmentedLoad()?.finished == true)

        // Stopped after its last segment, while the indexes were built: it starts at the end and only finishes.
        try await interrupted.pool.withConnection { try $0.execute("UPDATE demo_loads SET finished = false") }
        let ended = try #require(try await loader.segmentedLoad())
        #expect(ended.loaded == Self.total)
        let none = try Self.generator().segmentedStream(
            count: Self.total, seed: Self.seed, segmentSize: Self.segment, startingAt: ended.loaded)
        #expect(try await loader.continueSegmentedLoad(ended) { none.next(count: $0) } == 0)
        #expect(try await loader.segmentedLoad()?.finished == true)
        #expect(try await Self.cases(interrupted.pool) == expected)
        let built = try await interrupted.pool.withConnection { connection in
            try connection.query(
                """
                SELECT (SELECT count(*) FROM pg_indexes WHERE indexname IN ('cases_filed_at', 'cases_agency_inbox', 'case_events_case')),
                    (SELECT count(*) FROM pg_constraint WHERE conname = 'case_events_case_id_fkey')
                """
            ).first!
        }
        #expect(try built.int(0) == 3 && built.int(1) == 1, "indexes and the timeline's foreign key are back")
    }

    @Test("siang demo continues an interrupted load given the same arguments, and refuses other ones unless told to start over",
        .timeLimit(.minutes(5)))
    func command() async throws {
        try await TestDatabase.withFresh { database in try await command(database) }
    }

    func command(_ database: TestDatabase.Handle) async throws {
        _ = try await Self.interruptedLoad(database.pool, stopAfter: 1_200)
        let url = ModelVersionTests.url(database)

        let other = try await ModelVersionTests.siang(
            ["demo", "--cases", "5000", "--seed", "\(Self.seed)", "--segment-size", "\(Self.segment)"], database: url)
        #expect(other.status == 1)
        #expect(other.error.contains("an interrupted load of 3500 cases (--seed 77 --days 365) is unfinished"), "\(other.error)")
        #expect(try await BulkLoader(pool: database.pool).segmentedLoad()?.loaded == 1_000, "the refusal changed nothing")

        let resumed = try await ModelVersionTests.siang(
            ["demo", "--cases", "\(Self.total)", "--seed", "\(Self.seed)", "--segment-size", "\(Self.segment)"], database: url)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("resuming the interrupted load: 1000 of 3500 cases were loaded"), "\(resumed.output)")
        #expect(resumed.output.contains("loaded 2500 cases"), "\(resumed.output)")
        let counted = try await database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
        #expect(counted == Self.total)
        #expect(try await BulkLoader(pool: database.pool).segmentedLoad()?.finished == true)

        let again = try await ModelVersionTests.siang(
            ["demo", "--cases", "100", "--seed", "5", "--segment-size", "1000"], database: url)
        #expect(again.status == 0, "a finished load stands in no one's way: \(again.error)")
        #expect(try await database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) } == Self.total + 100)
    }

    final class Counter: @unchecked Sendable {
        var value = 0
    }
}
