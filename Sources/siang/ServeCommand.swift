import ArgumentParser
import Classification
import Foundation
import Hummingbird
import Logging
import Setup
import Store
import Web

/// `siang serve`: the HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service (migrates and, on first start, seeds the database).",
        discussion: """
            Without DATABASE_URL, a private PostgreSQL cluster is created under .siang/ in the working
            directory and stopped when Siang stops. SIANG_HOST and SIANG_PORT set the address too.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1, or SIANG_HOST).")
    var host: String?

    @Option(help: "Port to listen on (default 8080, or SIANG_PORT).")
    var port: Int?

    @Option(help: "A model file to classify with (default: the model trained from Seeds/).")
    var model: String?

    func run() async throws {
        let logger = SiangLogging.makeLogger("siang")
        let home = try SiangHome.locate()
        var settings = try await SiangSettings.load(home: home)
        if let host { settings.host = host }
        if let port { settings.port = port }
        let database = try Database.open(settings: settings, logger: logger)
        do {
            try await database.waitUntilReachable(patience: settings.databaseStartupWait, logger: logger)
            var runtime = try await SiangRuntime.prepare(
                pool: database.pool, replica: database.replica, home: home, settings: settings, model: try model.map { try ModelFile.read(from: $0) },
                loadStatistics: false, logger: logger)
            if let load = try await BulkLoader(pool: database.pool).segmentedLoad(), !load.finished {
                // Its indexes and the timelines' foreign key are built only when it ends.
                logger.warning(
                    "a demo load is unfinished (\(load.loaded) of \(load.total) cases): cases are served without their indexes; run `siang demo --cases \(load.total) --seed \(load.seed) --days \(load.days)` to finish it, or add --restart to empty it")
            }
            if database.cluster != nil {
                // Someone trying Siang on their own machine: one-time codes they ask for are readable here.
                runtime.trialMessageLog = logger
                if settings.notifications.smtp == nil || settings.notifications.smsGatewayURL == nil {
                    logger.notice("private database: e-mail and SMS without a provider are written to this log, not sent")
                }
            }
            var configuration = ServerConfiguration(
                host: settings.host, port: settings.port, maximumBodyBytes: settings.maximumBodyBytes,
                caseCacheLifetime: .milliseconds(Int(settings.caseCacheSeconds * 1000)),
                statisticsCacheLifetime: .milliseconds(Int(settings.statisticsCacheSeconds * 1000)),
                statisticsLiveUpdates: settings.statisticsLiveUpdates, secureCookies: settings.secureCookies,
                formPostsPerMinute: settings.formPostsPerMinute,
                failedCredentialsPerMinute: settings.failedCredentialsPerMinute, behindProxy: settings.behindProxy)
            configuration.followsCaseChanges = settings.statisticsChangeFeed
            configuration.followsModelVersions = true
            configuration.statisticsReloadInterval = .seconds(settings.statisticsReloadSeconds)
            configuration.rateLimits = settings.rateLimits
            configuration.metrics = settings.metrics
            let app = buildApplication(runtime: runtime, configuration: configuration, logger: logger)
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// Logging set up once for every command: JSON lines on standard error, level from LOG_LEVEL.
enum SiangLogging {
    static func makeLogger(_ label: String) -> Logger {
        bootstrapOnce
        return Logger(label: label)
    }

    static let bootstrapOnce: Void = {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
    }()
}
