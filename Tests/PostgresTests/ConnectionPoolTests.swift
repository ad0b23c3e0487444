import Foundation
import Postgres
import Testing
import TestSupport

@Suite("PostgreSQL through libpq")
struct ConnectionPoolTests {
    @Test("parameters are bound, never spliced: Thai text, quotes, NULL, arrays and times round-trip exactly")
    func roundTrip() async throws {
        let database = try await TestDatabase.fresh()
        let when = Date(timeIntervalSince1970: 1_763_700_000.123456)
        let row = try await database.pool.withConnection { connection in
            try connection.query(
                "SELECT $1::text, $2::text, $3::int, $4::text[], $5::timestamptz, $6::float8, $7::bool, length($1::text), octet_length($1::text)",
                ["ถนนพัง'; DROP TABLE cases; --", PostgresNull(), 42, ["กทม", "a\"b", "c\\d", "x,y"], when, 0.25, true]
            ).first!
        }
        #expect(try row.string(0) == "ถนนพัง'; DROP TABLE cases; --")
        #expect(row.isNull(1))
        #expect(try row.int(2) == 42)
        #expect(try row.stringArray(3) == ["กทม", "a\"b", "c\\d", "x,y"])
        #expect(abs(try row.date(4).timeIntervalSince(when)) < 0.000_01)
        #expect(try row.double(5) == 0.25)
        #expect(try row.bool(6))
        // Characters and UTF-8 bytes differ for Thai (three bytes a letter): lengths are read as bytes.
        #expect(try row.int(7) == 29)
        #expect(try row.int(8) > 29)
        await database.pool.shutdown()
    }

    @Test("a unique violation keeps its SQLSTATE, kind and constraint")
    func uniqueViolation() async throws {
        let database = try await TestDatabase.fresh()
        await #expect(throws: PostgresError.self) {
            try await database.pool.withConnection { connection in
                try connection.query("INSERT INTO categories (code, position, name_th, name_en) VALUES ('road', 0, 'x', 'x')")
            }
        }
        do {
            try await database.pool.withConnection { connection in
                try connection.query("INSERT INTO categories (code, position, name_th, name_en) VALUES ('road', 0, 'x', 'x')")
            }
        } catch let error as PostgresError {
            #expect(error.kind == .uniqueViolation)
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "categories_pkey")
        }
        await database.pool.shutdown()
    }

    @Test("a transaction commits as a whole or not at all")
    func transactionRollsBack() async throws {
        let database = try await TestDatabase.fresh()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await database.pool.transaction { connection in
                try connection.query("INSERT INTO settings (key, value) VALUES ('a', '1')")
                throw Boom()
            }
        }
        try await database.pool.transaction { connection in
            try connection.query("INSERT INTO settings (key, value) VALUES ('b', '2')")
        }
        let keys = try await database.pool.withConnection { connection in
            try connection.query("SELECT key FROM settings WHERE key IN ('a', 'b') ORDER BY key").rows.map { try $0.string(0) }
        }
        #expect(keys == ["b"])
        await database.pool.shutdown()
    }

    @Test("a failed statement inside a transaction leaves the connection usable after the rollback")
    func errorInsideTransaction() async throws {
        let database = try await TestDatabase.fresh(poolSize: 1)
        await #expect(throws: PostgresError.self) {
            try await database.pool.transaction { connection in
                try connection.query("SELECT 1/0")
            }
        }
        let value = try await database.pool.withConnection { try $0.query("SELECT 7").first!.int(0) }
        #expect(value == 7)
        await database.pool.shutdown()
    }

    @Test("the pool never opens more connections than its size; callers wait their turn")
    func boundedPool() async throws {
        let database = try await TestDatabase.fresh(poolSize: 3)
        let pool = database.pool
        let backends = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT pg_sleep(0.02)")
                        return try connection.query("SELECT pg_backend_pid()").first!.int(0)
                    }
                }
            }
            var pids = Set<Int>()
            for try await pid in group { pids.insert(pid) }
            return pids
        }
        #expect(backends.count <= 3)
        #expect(backends.count >= 1)
        await pool.shutdown()
    }

    @Test("a waiting caller gives up with poolTimeout when no connection frees in time")
    func acquireTimeout() async throws {
        let server = try await TestDatabase.fresh(poolSize: 1)
        let pool = ConnectionPool(
            configuration: .init(
                connectionString: server.connectionString, database: server.name, maximumConnections: 1,
                acquireTimeout: .milliseconds(300)),
            logger: TestDatabase.logger)
        async let slow: Void = pool.withConnection { connection in _ = try connection.query("SELECT pg_sleep(1.5)") }
        try await Task.sleep(for: .milliseconds(100))
        do {
            try await pool.withConnection { connection in _ = try connection.query("SELECT 1") }
            Issue.record("expected a pool timeout")
        } catch let error as PostgresError {
            #expect(error.kind == .poolTimeout)
        }
        try await slow
        await pool.shutdown()
        await server.pool.shutdown()
    }

    @Test("a connection killed by the server is replaced and the next call succeeds")
    func healsAfterTermination() async throws {
        let database = try await TestDatabase.fresh(poolSize: 1)
        let first = try await database.pool.withConnection { try $0.query("SELECT pg_backend_pid()").first!.int(0) }
        let admin = try Connection(connectionString: database.connectionString, database: database.name)
        try admin.query("SELECT pg_terminate_backend($1)", [first])
        admin.close()
        try await Task.sleep(for: .milliseconds(100))
        // A read is idempotent: retried once on a fresh connection.
        let second = try await database.pool.withConnection(idempotent: true) {
            try $0.query("SELECT pg_backend_pid()").first!.int(0)
        }
        #expect(second != first)
        // A transaction whose BEGIN meets a dead connection is retried too.
        let third = try await database.pool.withConnection { try $0.query("SELECT pg_backend_pid()").first!.int(0) }
        let admin2 = try Connection(connectionString: database.connectionString, database: database.name)
        try admin2.query("SELECT pg_terminate_backend($1)", [third])
        admin2.close()
        try await Task.sleep(for: .milliseconds(100))
        let committed = try await database.pool.transaction { connection in
            try connection.query("INSERT INTO settings (key, value) VALUES ('healed', 'yes') RETURNING value").first!.string(0)
        }
        #expect(committed == "yes")
        await database.pool.shutdown()
    }

    @Test("a serialization failure is retried until the transaction commits")
    func retriesSerializationFailures() async throws {
        // Eight writers race for one row; each may lose several times before it wins.
        let database = try await TestDatabase.fresh(poolSize: 4, maximumAttempts: 50)
        try await database.pool.withConnection { try $0.query("INSERT INTO settings (key, value) VALUES ('counter', '0')") }
        let pool = database.pool
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.transaction(isolation: .serializable) { connection in
                        let value = try connection.query("SELECT value::int FROM settings WHERE key = 'counter'").first!.int(0)
                        try connection.query("UPDATE settings SET value = $1 WHERE key = 'counter'", [String(value + 1)])
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await pool.withConnection { try $0.query("SELECT value::int FROM settings WHERE key = 'counter'").first!.int(0) }
        // Each attempt that lost a race was rolled back and run again; none was lost or doubled.
        #expect(final == 8)
        await pool.shutdown()
    }

    @Test("rows stream one at a time in single-row mode, and streaming can stop early")
    func streaming() async throws {
        let database = try await TestDatabase.fresh(poolSize: 1)
        let (all, firstThree) = try await database.pool.withConnection { connection -> (Int, [Int]) in
            var count = 0
            try connection.stream("SELECT g FROM generate_series(1, 10000) g") { _ in
                count += 1
                return true
            }
            var early: [Int] = []
            try connection.stream("SELECT g FROM generate_series(1, 10000) g ORDER BY g") { row in
                early.append(try row.int(0))
                return early.count < 3
            }
            return (count, early)
        }
        #expect(all == 10_000)
        #expect(firstThree == [1, 2, 3])
        let after = try await database.pool.withConnection { try $0.query("SELECT 5").first!.int(0) }
        #expect(after == 5)
        await database.pool.shutdown()
    }

    @Test("COPY FROM STDIN loads rows in bulk")
    func copyIn() async throws {
        let database = try await TestDatabase.fresh(poolSize: 1)
        let copied = try await database.pool.withConnection { connection -> Int in
            try connection.execute("CREATE TEMP TABLE numbers (n int, label text)")
            var chunks = ["1\tหนึ่ง\n2\ttwo\n", "3\t\\N\n"]
            return try connection.copyIn("COPY numbers FROM STDIN") { chunks.isEmpty ? nil : Array(chunks.removeFirst().utf8) }
        }
        #expect(copied == 3)
        await database.pool.shutdown()
    }

    @Test("the migrator applies each migration once")
    func migrationsOnce() async throws {
        let database = try await TestDatabase.fresh(poolSize: 1)
        let again = try await Migrator.migrate(
            pool: database.pool, migrations: [Migration(version: 1, name: "already there", sql: "SELECT 1")],
            logger: TestDatabase.logger)
        #expect(again.isEmpty)
        let applied = try await Migrator.migrate(
            pool: database.pool, migrations: [Migration(version: 999, name: "new", sql: "CREATE TABLE extra (id int)")],
            logger: TestDatabase.logger)
        #expect(applied == [999])
        #expect(try await Migrator.currentVersion(pool: database.pool) == 999)
        await database.pool.shutdown()
    }
}
