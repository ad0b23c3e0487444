import Foundation
public import Logging
public import Postgres
public import SeedData

/// The database Siang uses: `DATABASE_URL` when set, else a private PostgreSQL cluster in
/// `.siang/postgres` under the working directory, started now and stopped by `close()`.
public struct Database: Sendable {
    public let pool: ConnectionPool
    public let cluster: LocalCluster?

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
            logger.info("no DATABASE_URL: using a private PostgreSQL cluster", metadata: ["directory": "\(directory)"])
            try local.start()
            cluster = local
            connectionString = local.connectionString
        }
        let pool = ConnectionPool(
            configuration: .init(
                connectionString: connectionString, maximumConnections: settings.poolSize,
                acquireTimeout: settings.acquireTimeout),
            logger: logger)
        return Database(pool: pool, cluster: cluster)
    }

    /// Closes the pool, then stops the private cluster if this process started it.
    public func close() async {
        await pool.shutdown()
        cluster?.stop()
    }
}
