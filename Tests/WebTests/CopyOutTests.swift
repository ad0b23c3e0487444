import Domain
import Foundation
import Postgres
import Setup
import Statistics
import Store
import Synchronization
import TestSupport
import Testing

/// Reading a COPY ahead of its consumer (`ConnectionPool.Lease.copyOut`), through the two that use it.
@Suite("Reading COPY ahead")
struct CopyOutTests {
    struct ClientGone: Error {}

    @Test("an export whose client goes away mid-way stops, and the pool's one connection serves the next export whole")
    func abandonedExport() async throws {
        try await Self.withDemoCases { database, store in try await abandonedExport(database, store) }
    }

    /// Runs `body` on a fresh database of one connection holding a year of demo cases, with the store
    /// that exports them.
    static func withDemoCases(_ body: (TestDatabase.Handle, StatisticsStore) async throws -> Void) async throws {
        try await TestDatabase.withFresh(poolSize: 1) { database in
            let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
            try await BrowserFlowTests.loadBackgroundCases(pool: database.pool, settings: settings)
            try await body(database, StatisticsStore(pool: database.pool))
        }
    }

    func abandonedExport(_ database: TestDatabase.Handle, _ store: StatisticsStore) async throws {
        let (cases, published) = try await database.pool.withConnection { connection in
            let row = try connection.query("SELECT count(*), count(*) FILTER (WHERE is_public) FROM cases").rows[0]
            return (try row.int(0), try row.int(1))
        }
        #expect(published > 1_000, "enough rows for many small chunks")

        let sent = Atomic(0)
        await #expect(throws: ClientGone.self) {
            try await store.exportOpenData(.csv, from: nil, before: nil, now: Date(), chunkBytes: 4096) { _ in
                // The second chunk cannot be sent: the rest of the copy is never read.
                if sent.add(1, ordering: .relaxed).newValue == 2 { throw ClientGone() }
            }
        }
        #expect(sent.load(ordering: .relaxed) == 2)

        let lines = Atomic(0)
        try await store.exportOpenData(.csv, from: nil, before: nil, now: Date(), chunkBytes: 4096) { chunk in
            lines.add(chunk.count { $0 == 0x0A }, ordering: .relaxed)
        }
        #expect(lines.load(ordering: .relaxed) == published + 1, "the header and every published case")
        #expect(try await store.loadFacts().count == cases)
    }

    // The limit catches a hang (a reader waiting for good); under a full CI run these tests take minutes.
    @Test(
        "an export whose task is cancelled mid-way ends with an error, never as if whole, and frees its connection",
        .timeLimit(.minutes(10)))
    func cancelledExport() async throws {
        try await Self.withDemoCases { database, store in try await cancelledExport(database, store) }
    }

    func cancelledExport(_ database: TestDatabase.Handle, _ store: StatisticsStore) async throws {
        let published = try await database.pool.withConnection {
            try $0.query("SELECT count(*) FROM cases WHERE is_public").rows[0].int(0)
        }

        let sent = Atomic(0)
        let export = Task {
            try await store.exportOpenData(.csv, from: nil, before: nil, now: Date(), chunkBytes: 4096) { _ in
                sent.add(1, ordering: .relaxed)
                // A slow client that does not notice the cancellation itself.
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        for _ in 0..<500 where sent.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        export.cancel()
        await #expect(throws: (any Error).self) { try await export.value }

        let lines = Atomic(0)
        try await store.exportOpenData(.csv, from: nil, before: nil, now: Date(), chunkBytes: 4096) { chunk in
            lines.add(chunk.count { $0 == 0x0A }, ordering: .relaxed)
        }
        #expect(lines.load(ordering: .relaxed) == published + 1)
    }
}
