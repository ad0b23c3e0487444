import Foundation
import Synchronization
public import Logging
public import Postgres
public import Setup
import Store

/// A real PostgreSQL for tests: one server per test run, a migrated and seeded template
/// database made once, and a fresh database per suite copied from it (fast: a file copy).
///
/// With `DATABASE_URL` set, that server is used (the role needs CREATEDB); otherwise a private
/// cluster is started in a temporary directory and stopped when the test process exits.
public enum TestDatabase {
    /// A database of one's own, migrated and seeded.
    public struct Handle: Sendable {
        public let name: String
        public let pool: ConnectionPool
        /// The libpq connection string of the server, and the database to use on it.
        public let connectionString: String

        public init(name: String, pool: ConnectionPool, connectionString: String) {
            self.name = name
            self.pool = pool
            self.connectionString = connectionString
        }
    }

    /// Makes a fresh database for a suite.
    public static func fresh(poolSize: Int = 3, maximumAttempts: Int = 3) async throws -> Handle {
        let server = try await Server.shared.value
        let name = "test_\(getpid())_\(counter.next())"
        try server.admin { connection in
            try connection.execute("CREATE DATABASE \(quoted(name)) TEMPLATE \(quoted(server.template))")
        }
        let pool = ConnectionPool(
            configuration: .init(
                connectionString: server.connectionString, database: name, maximumConnections: poolSize,
                // A CI machine running every suite at once has taken over 30 s to free one of three
                // connections; tests check behaviour, so they wait rather than get a 503.
                acquireTimeout: .seconds(120), maximumAttempts: maximumAttempts),
            logger: logger)
        return Handle(name: name, pool: pool, connectionString: server.connectionString)
    }

    /// Runs `body` on a fresh database, then closes its pool, also when `body` throws.
    public static func withFresh(poolSize: Int = 3, _ body: (Handle) async throws -> Void) async throws {
        let database = try await fresh(poolSize: poolSize)
        do {
            try await body(database)
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    /// The folder holding Seeds/ and Config/ (this repository).
    public static var home: SiangHome {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return SiangHome(path: url.path)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "siang.tests")
        logger.logLevel = .warning
        return logger
    }()

    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    static let counter = Counter()

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    /// The shared server, started once per process.
    struct Server: Sendable {
        let connectionString: String
        let template: String
        let cluster: LocalCluster?

        static let shared = Task { try await start() }

        func admin(_ body: (Connection) throws -> Void) throws {
            let connection = try Connection(connectionString: connectionString, database: "postgres")
            defer { connection.close() }
            try body(connection)
        }

        static func start() async throws -> Server {
            var cluster: LocalCluster?
            let connectionString: String
            if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
                connectionString = url
            } else {
                let directory = NSTemporaryDirectory() + "siang-tests-\(getpid())"
                let local = try LocalCluster(directory: directory, durability: .throwaway)
                try local.start()
                cluster = local
                connectionString = local.connectionString
                Cleanup.register(local, directory: local.directory)
            }
            let template = "template_\(getpid())"
            let server = Server(connectionString: connectionString, template: template, cluster: cluster)
            try server.admin { connection in
                try connection.execute("DROP DATABASE IF EXISTS \(quoted(template))")
                try connection.execute("CREATE DATABASE \(quoted(template))")
            }
            let pool = ConnectionPool(
                configuration: .init(connectionString: connectionString, database: template, maximumConnections: 2),
                logger: logger)
            try await Migrator.migrate(pool: pool, migrations: SiangMigrations.all, logger: logger)
            try await ReferenceStore(pool: pool).seed(try SeedFiles.referenceData(home: home))
            await pool.shutdown()
            return server
        }
    }

    /// Stops the private cluster and removes its folder when the test process exits.
    enum Cleanup {
        nonisolated(unsafe) static var cluster: LocalCluster?
        nonisolated(unsafe) static var directory: String?

        static func register(_ cluster: LocalCluster, directory: String) {
            Self.cluster = cluster
            Self.directory = directory
            atexit {
                Cleanup.cluster?.stop()
                if let directory = Cleanup.directory { try? FileManager.default.removeItem(atPath: directory) }
            }
        }
    }
}
