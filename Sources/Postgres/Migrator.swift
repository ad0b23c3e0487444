public import Logging

/// One numbered schema change.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies migrations in order, each in its own transaction, recording them in
/// `schema_migrations`. An advisory lock keeps two processes from migrating at once.
public enum Migrator {
    static let lockKey = 0x5349_414E_47  // "SIANG"

    /// Applies the migrations not yet applied; returns the versions it applied.
    /// - Throws: `PostgresError` from a failing migration (which is then rolled back whole).
    @discardableResult
    public static func migrate(pool: ConnectionPool, migrations: [Migration], logger: Logger) async throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        precondition(Set(ordered.map(\.version)).count == ordered.count, "two migrations share a version")
        try await pool.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [lockKey])
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        var applied: [Int] = []
        for migration in ordered {
            let didApply = try await pool.transaction { connection -> Bool in
                try connection.query("SELECT pg_advisory_xact_lock($1)", [lockKey])
                let existing = try connection.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version])
                guard existing.rows.isEmpty else { return false }
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name])
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// The highest applied version, or 0.
    public static func currentVersion(pool: ConnectionPool) async throws -> Int {
        try await pool.withConnection(idempotent: true) { connection in
            let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
            guard try exists.first?.bool(0) == true else { return 0 }
            return try connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations").first?.int(0) ?? 0
        }
    }
}
