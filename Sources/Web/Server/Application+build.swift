import Classification
public import Hummingbird
import Foundation
import HummingbirdAuth
public import Logging
import Pages
public import Setup
import Services
import ServiceLifecycle

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
    /// Whether this process follows the database's feed of case changes (`CaseChangeService`), so
    /// that several processes on one database agree within a second; off, they agree at each reload.
    /// Off unless asked for (`siang serve` asks, by its settings): the feed holds a connection.
    public var followsCaseChanges = false
    /// Whether this process follows the live classifier model version and retrains on its schedule
    /// (`ModelFollowService`, `classifier.*` settings). Off unless asked for (`siang serve` asks).
    public var followsModelVersions = false
    /// How long a statistics answer may be reused while the data is unchanged (zero: never).
    public var statisticsCacheLifetime: Duration
    /// Whether statistics follow each change as it commits (else only the periodic reload).
    public var statisticsLiveUpdates: Bool
    /// Whether cookies are marked `Secure` (on when Siang is served over TLS, directly or behind a proxy).
    public var secureCookies: Bool
    /// Form posts a minute allowed per client address on the web pages (zero: no limit).
    public var formPostsPerMinute: Int
    /// Failed tries of tracking secrets or staff tokens a minute per client on the API (zero: no limit).
    public var failedCredentialsPerMinute: Int
    /// Whether Siang runs behind a reverse proxy that sets `X-Forwarded-For`.
    public var behindProxy: Bool
    /// Whether this process sends the outbox's messages (tests drive delivery themselves).
    public var deliversNotifications: Bool
    /// API request allowances per route class (none unless given: `siang serve` gives the settings').
    public var rateLimits: RateLimitSettings = .unlimited
    /// The time the allowances refill by (tests stop it, so a slow machine does not refill them).
    public var rateLimitClock: @Sendable () -> ContinuousClock.Instant = { .now }
    /// Where `/metrics` is served, if anywhere (nowhere unless given).
    public var metrics = MetricsSettings()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumBodyBytes: Int = SiangSettings.defaultMaximumBodyBytes,
        maintenanceInterval: Duration = .seconds(60), caseCacheLifetime: Duration = .seconds(2),
        statisticsReloadInterval: Duration = .seconds(600), statisticsCacheLifetime: Duration = .seconds(10),
        statisticsLiveUpdates: Bool = true, secureCookies: Bool = false, formPostsPerMinute: Int = 30,
        failedCredentialsPerMinute: Int = 20, behindProxy: Bool = false, deliversNotifications: Bool = true
    ) {
        self.deliversNotifications = deliversNotifications
        self.failedCredentialsPerMinute = failedCredentialsPerMinute
        self.behindProxy = behindProxy
        self.secureCookies = secureCookies
        self.formPostsPerMinute = formPostsPerMinute
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
///
/// `inspectRouter` is shown the finished router before the application takes it: the hostile-input
/// tests walk its routes, so a new route is covered without anyone listing it.
public func buildApplication(
    runtime: SiangRuntime, configuration: ServerConfiguration, logger: Logger,
    inspectRouter: (Router<SiangRequestContext>) -> Void = { _ in }
) -> some ApplicationProtocol {
    let services = runtime.services(
        caseCacheLifetime: configuration.caseCacheLifetime, statisticsCacheLifetime: configuration.statisticsCacheLifetime,
        liveStatistics: configuration.statisticsLiveUpdates)
    let (cases, agency, accounts, statistics) = (services.cases, services.agency, services.accounts, services.statistics)
    let json = CaseJSONBuilder(reference: runtime.reference, rules: runtime.rules)

    let router = Router(context: SiangRequestContext.self)
    let load = RequestLoad()
    router.add(middleware: RequestLoadMiddleware(load: load))
    if configuration.metrics.isOn {
        _ = SiangMetrics.installed
        router.add(middleware: MetricsMiddleware())
    }
    router.add(middleware: BodyLimitMiddleware(maximumBytes: configuration.maximumBodyBytes))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    let limiter = RateLimiter(settings: configuration.rateLimits, now: configuration.rateLimitClock)
    if limiter.isOn { router.add(middleware: RateLimitMiddleware(limiter: limiter, behindProxy: configuration.behindProxy)) }
    // Middleware applies to the routes added after it: page errors and form limits come first.
    let kit = PageKit(renderer: runtime.renderer, catalogues: runtime.catalogues, secureCookies: configuration.secureCookies)
    router.add(middleware: PageErrorMiddleware(kit: kit))
    router.add(middleware: CredentialGuessLimitMiddleware(
        limits: CredentialGuessLimits(
            failuresPerMinute: configuration.failedCredentialsPerMinute, now: configuration.rateLimitClock),
        behindProxy: configuration.behindProxy))
    router.add(middleware: FormRateLimitMiddleware(
            limiter: FormRateLimiter(perMinute: configuration.formPostsPerMinute), behindProxy: configuration.behindProxy))
    HealthController(services: services).addRoutes(to: router)
    let metrics = MetricsController(services: services)
    if let token = configuration.metrics.token { metrics.addRoutes(to: router, token: token) }
    let api = router.group("api/v1")
    switch OpenAPIDocument.bundled {
    case .success(let document):
        OpenAPIController(document: document).addRoutes(to: api)
        APIReference(kit: kit, document: document).addRoutes(to: router)
    case .failure(let error):
        // A build without its resource: the API still serves; the route test names what is missing.
        logger.error("no OpenAPI document: \(error)")
    }
    ReferenceController(reference: runtime.reference).addRoutes(to: api)
    CasesController(cases: cases, photos: services.photos, json: json).addRoutes(to: api)
    SimilarController(duplicates: services.duplicates, json: json, clock: runtime.clock).addRoutes(to: api)
    DuplicateStatisticsController(duplicates: services.duplicates, json: json).addRoutes(to: api)
    PhotosController(photos: services.photos, accounts: accounts).addRoutes(to: router)
    OneTimeCodesController(codes: services.oneTimeCodes).addRoutes(to: api)
    let proposalJSON = ProposalJSONBuilder(reference: runtime.reference, rules: runtime.rules)
    ProposalsController(proposals: services.proposals, json: proposalJSON, behindProxy: configuration.behindProxy)
        .addRoutes(to: api)
    BudgetsController(budgets: services.budgets).addRoutes(to: api)
    ConsultationsController(consultations: services.consultations).addRoutes(to: api)
    ConsultationOpenDataController(consultations: services.consultations).addRoutes(to: api)
    BudgetOpenDataController(budgets: services.budgets).addRoutes(to: api)
    StatisticsController(
        statistics: statistics, json: StatisticsJSONBuilder(reference: runtime.reference),
        proposals: services.proposalStatistics
    ).addRoutes(to: api)
    PhotoStatisticsController(photos: services.photos, statistics: statistics).addRoutes(to: api)
    if let models = runtime.models {
        ModelStatisticsController(models: models, analyzer: runtime.analyzer).addRoutes(to: api)
    }
    OpenDataController(
        statistics: statistics, reference: runtime.reference, clock: runtime.clock, behindProxy: configuration.behindProxy
    ).addRoutes(to: api)
    ProposalStatisticsController(statistics: services.proposalStatistics, reference: runtime.reference).addRoutes(to: api)
    let staffRoutes = api.group("agency").add(middleware: StaffAuthenticationMiddleware(accounts: accounts, proved: limiter.tokens))
    AgencyController(agency: agency, photos: services.photos, json: json).addRoutes(to: staffRoutes)
    DuplicatesStaffController(duplicates: services.duplicates, agency: agency, json: json).addRoutes(to: staffRoutes)
    NotificationsController(agency: agency).addRoutes(to: staffRoutes)
    if let models = runtime.models {
        ModelVersionsStaffController(
            models: models, training: runtime.modelTraining, settings: runtime.modelUpdateSettings, clock: runtime.clock
        ).addRoutes(to: staffRoutes)
    }
    ProposalsStaffController(proposals: services.proposals, json: proposalJSON).addRoutes(to: staffRoutes)
    BudgetStaffController(budgets: services.budgets).addRoutes(to: staffRoutes)
    ConsultationsStaffController(consultations: services.consultations).addRoutes(to: staffRoutes)
    CategorySuggestionController(placer: services.placer, reference: runtime.reference, rules: runtime.rules).addRoutes(to: api)
    LineWebhookController(chat: services.line).addRoutes(to: router)
    Open311Controller(
        cases: cases, accounts: accounts, placer: services.placer, reference: runtime.reference,
        keywords: Dictionary(
            grouping: runtime.analyzer.model.keywords.filter { $0.weight >= 3 }.map { ($0.category, $0.phrase) }, by: \.0
        ).mapValues { Array($0.map(\.1).prefix(8)) },
        consentVersion: runtime.rules.consentVersion, photos: services.photos,
        publicURL: runtime.notifications.publicURL
    ).addRoutes(to: router)

    // Web pages: the same services, rendered as HTML.
    let figures = PageFigures(
        statistics: statistics, lifetime: configuration.statisticsCacheLifetime, proposals: services.proposalStatistics,
        budgets: services.budgets, consultations: services.consultations)
    let citizen = CitizenPages(
        kit: kit, cases: cases, photos: services.photos, json: json, figures: figures, proposals: services.proposals,
        duplicates: services.duplicates)
    citizen.addRoutes(to: router)
    FollowPages(kit: kit, duplicates: services.duplicates, citizen: citizen).addRoutes(to: router)
    StatisticsPage(
        kit: kit, figures: figures, reference: runtime.reference, duplicates: services.duplicates, models: runtime.models,
        analyzer: runtime.analyzer)
        .addRoutes(to: router)
    PageAssets(renderer: runtime.renderer).addRoutes(to: router)
    let sessionStore = runtime.staffSessions(logger: logger)
    let sessions = SessionMiddleware<SiangRequestContext>(
        storage: sessionStore,
        configuration: .init(
            sessionCookieParameters: .init(
                name: "siang_session", path: "/agency", secure: configuration.secureCookies, sameSite: .lax),
            keyPrefix: "staff.", defaultSessionExpiration: AgencyPages.sessionLifetime))
    AgencyPages(
        kit: kit, agency: agency, accounts: accounts, citizen: citizen, analyzer: services.analyzer,
        duplicates: services.duplicates
    ).addRoutes(to: router, sessions: sessions)
    ProposalPages(
        kit: kit, proposals: services.proposals, behindProxy: configuration.behindProxy,
        lists: TimedCache(lifetime: configuration.caseCacheLifetime)
    ).addRoutes(to: router)
    ProposalStaffPages(kit: kit, proposals: services.proposals).addRoutes(
        to: router.group("agency").add(middleware: sessions).add(middleware: StaffSessionMiddleware(accounts: accounts)))
    let budgetPages = BudgetPages(kit: kit, budgets: services.budgets, codes: services.oneTimeCodes, reference: runtime.reference)
    budgetPages.addRoutes(to: router)
    BudgetStaffPages(kit: kit, budgets: services.budgets, accounts: accounts, pages: budgetPages)
        .addRoutes(to: router, sessions: sessions)
    if let models = runtime.models {
        ModelVersionPages(
            kit: kit, models: models, training: runtime.modelTraining, settings: runtime.modelUpdateSettings,
            accounts: accounts, clock: runtime.clock
        ).addRoutes(to: router, sessions: sessions)
    }
    let consultationPages = ConsultationPages(kit: kit, consultations: services.consultations, reference: runtime.reference)
    consultationPages.addRoutes(to: router)
    ConsultationStaffPages(kit: kit, consultations: services.consultations, accounts: accounts, pages: consultationPages)
        .addRoutes(to: router, sessions: sessions)

    inspectRouter(router)
    // With the change feed, the follower loads every case when it starts listening and again only when
    // it had to reconnect (changes streamed meanwhile were missed): no reload on a timer.
    var statisticsUpkeep = StatisticsUpkeep(statistics: statistics, reloadInterval: nil, logger: logger)
    // Answers reused for a while (not a zero lifetime, which asks for figures as they are now): the
    // figures that read whole tables are ready before the statistics page's first visitor.
    if configuration.statisticsCacheLifetime > .zero {
        statisticsUpkeep.whenLoaded = { [models = runtime.models, proposals = services.proposalStatistics] in
            models?.prepareAccuracy()
            proposals.prepareSupportsPerMonth()
        }
    }
    if !configuration.followsCaseChanges {
        statisticsUpkeep.loadAtStart = { try await services.loadCases() }
        statisticsUpkeep.reloadInterval = configuration.statisticsReloadInterval
    }
    var background: [any Service] = [
        MaintenanceService(
            upkeep: services.upkeep, interval: configuration.maintenanceInterval, logger: logger,
            proposals: services.proposals),
        statisticsUpkeep,
        sessionStore,
    ]
    if configuration.followsCaseChanges {
        background.append(CaseChangeService(follower: services.caseChanges, logger: logger))
    }
    if configuration.followsModelVersions, let models = runtime.models {
        background.append(
            ModelFollowService(
                analyzer: runtime.analyzer, models: models, training: runtime.modelTraining,
                settings: runtime.modelUpdateSettings, clock: runtime.clock, logger: logger))
    }
    if configuration.metrics.port > 0 { background.append(metrics.application(settings: configuration.metrics, logger: logger)) }
    if configuration.deliversNotifications, let delivery = runtime.notificationDelivery(outbox: services.outbox) {
        background.append(
            DeliveryService(
                delivery: delivery, interval: runtime.notifications.deliveryInterval, load: load,
                busyRequests: runtime.notifications.busyRequests,
                busyMessagesPerSecond: runtime.notifications.busyMessagesPerSecond, logger: logger))
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "siang"),
        services: background,
        logger: logger)
}
