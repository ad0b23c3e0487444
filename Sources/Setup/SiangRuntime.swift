import AsyncHTTPClient
public import Classification
import Channels
import Domain
public import Foundation
public import Pages
public import Logging
public import Postgres
public import Services
public import Store

/// Everything a running Siang needs, made once at start: the database pool (migrated and
/// seeded), the reference data, the classifier and the rules.
public struct SiangRuntime: Sendable {
    public let pool: ConnectionPool
    public let reference: Reference
    public let analyzer: TextAnalyzer
    public let rules: ServiceRules
    public let clock: @Sendable () -> Date
    /// Every case's facts in memory, for statistics.
    public let statistics: StatisticsService
    /// The page templates, stylesheet and script, read and parsed once.
    public let renderer: PageRenderer
    /// Every word of the pages, in Thai and English.
    public let catalogues: Catalogues
    /// How notifications are written and sent.
    public let notifications: NotificationSettings
    /// The LINE account citizens chat with; nil when LINE is not configured.
    public let line: LineSettings?
    /// Proposals' thresholds and periods.
    public var proposalRules: ProposalRules = .init()
    /// The key of budget voters' HMAC from settings; nil for the one kept in the database.
    public var budgetVoterSecret: String?

    public init(
        pool: ConnectionPool, reference: Reference, analyzer: TextAnalyzer, rules: ServiceRules,
        statistics: StatisticsService, renderer: PageRenderer, catalogues: Catalogues,
        notifications: NotificationSettings, line: LineSettings? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.notifications = notifications
        self.line = line
        self.renderer = renderer
        self.catalogues = catalogues
        self.pool = pool
        self.reference = reference
        self.analyzer = analyzer
        self.rules = rules
        self.statistics = statistics
        self.clock = clock
        budgetVoterSecret = nil
    }

    /// Migrates the database, seeds it on first start, loads the reference data and the model.
    /// - Parameter model: a model to use instead of the default one trained from `Seeds/`.
    public static func prepare(
        pool: ConnectionPool, home: SiangHome, settings: SiangSettings, model: ClassifierModel? = nil, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> SiangRuntime {
        try await Migrator.migrate(pool: pool, migrations: SiangMigrations.all, logger: logger)
        let referenceStore = ReferenceStore(pool: pool)
        if try await !referenceStore.isSeeded() {
            logger.info("first start: loading Seeds/ and Config/ into the database")
            try await referenceStore.seed(try SeedFiles.referenceData(home: home))
        }
        let data = try await referenceStore.load()
        // Categories made private since (in settings), and cases moved into private categories before
        // publicity followed the category, are hidden now, before anything is served or exported.
        let hidden = try await CaseStore(pool: pool).hidePublicCases(inCategories: settings.serviceRules.privateCategories)
        if hidden > 0 { logger.notice("cases in private categories hidden from the public", metadata: ["cases": "\(hidden)"]) }
        let model = try model ?? DefaultModel.load(home: home)
        let gazetteer = SeedFiles.gazetteer(areas: data.areas)
        let statistics = StatisticsService(store: StatisticsStore(pool: pool), clock: clock)
        try await statistics.reload()
        var runtime = SiangRuntime(
            pool: pool, reference: Reference(data), analyzer: try TextAnalyzer(model: model, gazetteer: gazetteer),
            rules: settings.serviceRules, statistics: statistics, renderer: try await PageRenderer.load(),
            catalogues: try Catalogues.load(), notifications: settings.notifications, line: settings.line, clock: clock)
        runtime.proposalRules = settings.proposals
        runtime.budgetVoterSecret = settings.budgetVoterSecret
        return runtime
    }
}

extension SiangRuntime {
    /// The services over this runtime's pool, for an application.
    /// - Parameters:
    ///   - caseCacheLifetime: how long tracking reads may be answered from memory (see `CaseStore`).
    ///   - statisticsCacheLifetime: how long a statistics answer is reused.
    ///   - liveStatistics: whether statistics follow each change as it commits.
    public func services(
        caseCacheLifetime: Duration, statisticsCacheLifetime: Duration, liveStatistics: Bool
    ) -> SiangServices {
        SiangServices(
            pool: pool, reference: reference, analyzer: analyzer, rules: rules,
            statistics: statistics.reusingAnswers(for: statisticsCacheLifetime), clock: clock,
            caseCacheLifetime: caseCacheLifetime, liveStatistics: liveStatistics,
            notifications: notifications.enabled
                ? NotificationComposer(publicURL: notifications.publicURL, reference: reference) : nil,
            line: line.map {
                LineChat.Configuration(
                    channelSecret: $0.channelSecret, client: Self.lineAPI($0).lineClient,
                    publicURL: notifications.publicURL)
            }, proposalRules: proposalRules, budgetVoterSecret: budgetVoterSecret)
    }

    /// LINE's API as the settings name it, through the shared HTTP client.
    static func lineAPI(_ settings: LineSettings) -> LineAPI {
        LineAPI(client: .shared, baseURL: settings.apiBaseURL, accessToken: settings.channelAccessToken)
    }

    /// The delivery of the outbox through the providers the settings name; nil when notifications are off.
    public func notificationDelivery(outbox: OutboxStore) -> NotificationDelivery? {
        guard notifications.enabled else { return nil }
        return NotificationDelivery(
            outbox: outbox, senders: ProviderSenders.make(notifications, line: line, clock: clock), retry: notifications.retry,
            clock: clock)
    }

    /// The store of staff's web sessions, as Hummingbird's session middleware wants it.
    public func staffSessions(logger: Logger) -> PostgresPersistDriver {
        PostgresPersistDriver(store: WebSessionStore(pool: pool), clock: clock, logger: logger)
    }
}

extension SiangSettings {
    /// The service's rules from these settings.
    public var serviceRules: ServiceRules {
        ServiceRules(
            triageThreshold: triageThreshold, maximumTextLength: maximumTextLength, privateCategories: Set(privateCategories),
            consentVersion: consentVersion,
            lifecycle: LifecycleRules(
                maximumTransfers: maximumTransfers, maximumReturns: maximumReturns,
                reopenWindow: TimeInterval(reopenWindowDays) * 86_400),
            idempotencyRetention: TimeInterval(idempotencyRetentionHours) * 3600,
            contactRetention: contactRetentionDays > 0 ? TimeInterval(contactRetentionDays) * 86_400 : nil,
            lineDraftLifetime: lineDraftHours * 3600, photoLimits: photos)
    }
}
