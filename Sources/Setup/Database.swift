import Foundation
public import Logging
public import Postgres

/// The database Siang uses: `DATABASE_URL` when set, else a private PostgreSQL cluster in
/// `.siang/postgres` under the working directory (or its stand-in under /var/tmp when PostgreSQL
/// cannot use that folder: see `LocalCluster`), started now and stopped by `close()`.
public struct Database: Sendable {
    public let pool: ConnectionPool
    public let cluster: LocalCluster?
    /// A pool on the streaming replica (`DATABASE_REPLICA_URL`), if there is one.
    public var replica: ConnectionPool? = nil

    public init(pool: ConnectionPool, cluster: LocalCluster?) {
        self.pool = pool
        self.cluster = cluster
    }

    /// Opens the pool (and starts the private cluster when there is no `DATABASE_URL`).
    /// - Throws: `LocalCluster.Failure` with a clear message when PostgreSQL is missing or fails to start.
    public static func open(settings: SiangSettings, logger: Logger) throws -> Database {
        var cluster: LocalCluster?
        let connectionString: String
        if let url = settings.databaseURL {
            connectionString = url
        } else {
            let directory = FileManager.default.currentDirectoryPath + "/.siang/postgres"
            let local = try LocalCluster(directory: directory, durability: .durable)
            try local.start()
            logger.info("no DATABASE_URL: using a private PostgreSQL cluster", metadata: ["directory": "\(local.directory)"])
            if let relocation = local.relocatedFrom {
                logger.notice(
                    "\(relocation.reason), so the private PostgreSQL cluster lives in \(local.directory) instead (kept across runs)",
                    metadata: ["asked": "\(relocation.directory)", "directory": "\(local.directory)"])
            }
            cluster = local
            connectionString = local.connectionString
        }
        let pool = ConnectionPool(
            configuration: .init(
                connectionString: connectionString, maximumConnections: settings.poolSize,
                acquireTimeout: settings.acquireTimeout),
            logger: logger)
        var database = Database(pool: pool, cluster: cluster)
        if let replicaURL = settings.databaseReplicaURL {
            // Loads and exports are few; a quarter of the primary's pool is plenty.
            database.replica = ConnectionPool(
                configuration: .init(
                    connectionString: replicaURL, maximumConnections: max(2, settings.poolSize / 4),
                    acquireTimeout: settings.acquireTimeout),
                logger: logger)
            logger.info("statistics loads and open-data exports read the replica (DATABASE_REPLICA_URL)")
        }
        return database
    }

    /// Waits until PostgreSQL answers, trying again with back-off (0.25 s doubling to 5 s) for at most
    /// `patience`, and logging each failed try; a database that is merely late is not a reason to exit.
    /// - Throws: `LocalCluster.Failure` with one clear line when it never answered.
    public func waitUntilReachable(patience: Duration, logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        var delay = Duration.milliseconds(250)
        var attempt = 1
        while !(await pool.ping()) {
            guard clock.now.advanced(by: delay) < deadline else {
                throw LocalCluster.Failure(
                    description: "PostgreSQL could not be reached for \(patience) (\(attempt) tries): check DATABASE_URL "
                        + "and that the server is running, or raise database.startup_wait_seconds")
            }
            logger.warning(
                "PostgreSQL is not reachable yet; trying again",
                metadata: ["attempt": "\(attempt)", "retry_in": "\(delay)"])
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
            attempt += 1
        }
    }

    /// Closes the pool, then stops the private cluster if this process started it.
    public func close() async {
        await pool.shutdown()
        await replica?.shutdown()
        cluster?.stop()
    }
}
