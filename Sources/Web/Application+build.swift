public import Hummingbird
import Foundation
public import Logging
import Services
import Statistics
import Store

/// How to serve: the address, the body limit and the logger.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var maximumBodyBytes: Int
    public var maintenanceInterval: Duration
    /// How long tracking reads may be answered from memory (see `CaseStore`).
    public var caseCacheLifetime: Duration
    /// How often statistics are reloaded from the database whole.
    public var statisticsReloadInterval: Duration
    /// How long a statistics answer may be reused while the data is unchanged (zero: never).
    public var statisticsCacheLifetime: Duration
    /// Whether statistics follow each change as it commits (else only the periodic reload).
    public var statisticsLiveUpdates: Bool

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumBodyBytes: Int = 65_536,
        maintenanceInterval: Duration = .seconds(60), caseCacheLifetime: Duration = .seconds(2),
        statisticsReloadInterval: Duration = .seconds(600), statisticsCacheLifetime: Duration = .seconds(10),
        statisticsLiveUpdates: Bool = true
    ) {
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.maintenanceInterval = maintenanceInterval
        self.caseCacheLifetime = caseCacheLifetime
        self.statisticsReloadInterval = statisticsReloadInterval
        self.statisticsCacheLifetime = statisticsCacheLifetime
        self.statisticsLiveUpdates = statisticsLiveUpdates
    }
}

/// Builds the Siang application: routes, middleware and background services. Both `siang
/// serve` and the HTTP tests call this.
public func buildApplication(runtime: SiangRuntime, configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
    SiangRequestContext.bodyLimit = configuration.maximumBodyBytes
    let caseStore = CaseStore(pool: runtime.pool, cacheLifetime: configuration.caseCacheLifetime)
    let statistics = runtime.statistics
    let live = configuration.statisticsLiveUpdates
    let changed: @Sendable (CaseRecord) -> Void = { if live { statistics.record($0) } }
    let cases = CaseService(
        store: caseStore, reference: runtime.reference, analyzer: runtime.analyzer, rules: runtime.rules,
        clock: runtime.clock, changed: changed)
    let agency = AgencyService(
        store: caseStore, reference: runtime.reference, rules: runtime.rules, clock: runtime.clock, changed: changed)
    let accounts = StaffAccounts(store: StaffStore(pool: runtime.pool))
    let json = CaseJSONBuilder(reference: runtime.reference, rules: runtime.rules)

    let router = Router(context: SiangRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    HealthController(pool: runtime.pool).addRoutes(to: router)
    let api = router.group("api/v1")
    ReferenceController(reference: runtime.reference).addRoutes(to: api)
    CasesController(cases: cases, json: json).addRoutes(to: api)
    StatisticsController(
        statistics: statistics, json: StatisticsJSONBuilder(reference: runtime.reference), clock: runtime.clock,
        cache: ResponseCache(lifetime: configuration.statisticsCacheLifetime)
    ).addRoutes(to: api)
    OpenDataController(store: statistics.store, reference: runtime.reference, clock: runtime.clock).addRoutes(to: api)
    let staffRoutes = api.group("agency").add(middleware: StaffAuthenticationMiddleware(accounts: accounts))
    AgencyController(agency: agency, json: json).addRoutes(to: staffRoutes)

    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "siang"),
        services: [
            MaintenanceService(
                cases: caseStore, rules: runtime.rules, clock: runtime.clock, interval: configuration.maintenanceInterval,
                logger: logger),
            StatisticsUpkeep(statistics: statistics, reloadInterval: configuration.statisticsReloadInterval, logger: logger),
        ],
        logger: logger)
}
