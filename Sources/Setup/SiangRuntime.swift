import AsyncHTTPClient
public import Classification
import Channels
import Domain
public import Foundation
public import Pages
public import Logging
public import Postgres
public import Services
public import ThaiText
public import Similarity
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
    /// The open public cases in memory, for "already reported?" and clusters (loaded by `prepare`).
    public var similarity: SimilarityIndex? = nil
    /// Where e-mail and SMS go when no provider is set for them: `siang serve` on a private database
    /// (someone trying Siang) writes them to its log; nil: they wait for a provider.
    public var trialMessageLog: Logger? = nil
    /// The classifier's model versions, and what a new one is trained with (set by `prepare`).
    public var models: ModelUpdates? = nil
    public var modelTraining: ModelTrainingInputs? = nil
    public var modelUpdateSettings = ModelUpdateSettings()

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
    /// - Parameter replica: a pool on a streaming replica, for statistics loads and open-data exports.
    /// - Parameter model: a model to use instead of the default one trained from `Seeds/`.
    /// - Parameter loaded: the reference as `loadReference` built it from a database with the same
    ///   reference data, to reuse instead of loading and indexing it again.
    /// - Parameter loadStatistics: whether to load every case's facts and index the open ones for
    ///   "already reported?" now; `serve` leaves both to its background services (`SiangServices.loadCases`),
    ///   so that it answers, and says it is not ready, while they load.
    public static func prepare(
        pool: ConnectionPool, replica: ConnectionPool? = nil, home: SiangHome, settings: SiangSettings,
        model: ClassifierModel? = nil, loaded: LoadedReference? = nil, loadStatistics: Bool = true, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> SiangRuntime {
        try await Migrator.migrate(pool: pool, migrations: SiangMigrations.all, logger: logger)
        let referenceStore = ReferenceStore(pool: pool)
        if try await !referenceStore.isSeeded() {
            logger.info("first start: loading Seeds/ and Config/ into the database")
            try await referenceStore.seed(try SeedFiles.referenceData(home: home))
        }
        let reference: LoadedReference
        if let loaded { reference = loaded } else { reference = try await loadReference(pool: pool, home: home) }
        // Categories made private since (in settings), and cases moved into private categories before
        // publicity followed the category, are hidden now, before anything is served or exported.
        let hidden = try await CaseStore(pool: pool).hidePublicCases(inCategories: settings.serviceRules.privateCategories)
        if hidden > 0 { logger.notice("cases in private categories hidden from the public", metadata: ["cases": "\(hidden)"]) }
        let defaultModel = try model ?? DefaultModel.load(home: home)
        let models = ModelUpdates(
            store: ModelVersionStore(pool: pool, replica: replica), cases: CaseStore(pool: pool), defaultModel: defaultModel)
        var live: (version: Int64?, model: ClassifierModel) = (nil, defaultModel)
        if let version = try await models.liveVersionID() {
            do {
                live = (version, try await models.model(id: version))
            } catch {
                // A live version that cannot be read must not keep the service down: classify with the default.
                logger.error(
                    "the live model version cannot be read; classifying with the default model",
                    metadata: ["version": "\(version)", "error": "\(error)"])
            }
        }
        if let version = live.version { logger.info("classifying with model version \(version)") }
        let statistics = StatisticsService(store: StatisticsStore(pool: pool, replica: replica), clock: clock)
        if loadStatistics { try await statistics.reload() }
        var runtime = SiangRuntime(
            pool: pool, reference: reference.reference,
            analyzer: try TextAnalyzer(model: live.model, version: live.version, gazetteer: reference.gazetteer),
            rules: settings.serviceRules, statistics: statistics, renderer: try await PageRenderer.load(),
            catalogues: try Catalogues.load(), notifications: settings.notifications, line: settings.line, clock: clock)
        runtime.proposalRules = settings.proposals
        runtime.budgetVoterSecret = settings.budgetVoterSecret
        let similarity = try SimilarityIndex()
        // The team's training texts prime the IDF, so a common word weighs little even with few open cases.
        let corpus = try SeedFiles.corpus(seeds: home.seeds)
        similarity.addBackground(corpus.map(\.text))
        if loadStatistics {
            let indexed = try await DuplicateService.load(into: similarity, from: CaseStore(pool: pool))
            logger.info("similarity index loaded", metadata: ["cases": "\(indexed)"])
        }
        runtime.similarity = similarity
        runtime.models = models
        runtime.modelTraining = ModelTrainingInputs(
            trainer: DefaultModel.versionTrainer, taxonomy: try SeedFiles.taxonomy(seeds: home.seeds),
            keywords: try SeedFiles.keywords(seeds: home.seeds), background: corpus)
        runtime.modelUpdateSettings = settings.modelUpdates
        return runtime
    }
}

/// The reference data as the service uses it: names, routing and deadlines (`Reference`) and the
/// gazetteer that finds places in text. At national size (8,441 areas) building them is the slowest
/// part of a start, so a process that starts many applications on copies of one database (the test
/// suite) builds them once.
public struct LoadedReference: Sendable {
    public let reference: Reference
    public let gazetteer: Gazetteer
}

extension SiangRuntime {
    /// The reference data in the database (seeded), with the successors of abolished areas from `Seeds/`.
    public static func loadReference(pool: ConnectionPool, home: SiangHome) async throws -> LoadedReference {
        var data = try await ReferenceStore(pool: pool).load()
        data.successors = try SeedFiles.successors(seeds: home.seeds)
        return LoadedReference(reference: Reference(data), gazetteer: SeedFiles.gazetteer(areas: data.areas))
    }

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
            }, proposalRules: proposalRules, budgetVoterSecret: budgetVoterSecret, similarity: similarity,
            duplicateFiguresLifetime: statisticsCacheLifetime)
    }

    /// LINE's API as the settings name it, through the shared HTTP client.
    static func lineAPI(_ settings: LineSettings) -> LineAPI {
        LineAPI(client: .shared, baseURL: settings.apiBaseURL, accessToken: settings.channelAccessToken)
    }

    /// The delivery of the outbox through the providers the settings name; nil when notifications are off.
    public func notificationDelivery(outbox: OutboxStore) -> NotificationDelivery? {
        guard notifications.enabled else { return nil }
        return NotificationDelivery(
            outbox: outbox, senders: ProviderSenders.make(notifications, line: line, clock: clock, trialLog: trialMessageLog),
            retry: notifications.retry,
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
