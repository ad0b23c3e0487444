import Domain
public import Foundation
public import Postgres
public import Similarity
public import Store

/// Every service of a running Siang, over one database pool: what the HTTP layer is given, so it
/// reaches the database only through them.
public struct SiangServices: Sendable {
    public let reference: Reference
    public let analyzer: TextAnalyzer
    public let rules: ServiceRules
    public let clock: @Sendable () -> Date
    public let placer: Placer
    public let cases: CaseService
    public let agency: AgencyService
    public let accounts: StaffAccounts
    public let statistics: StatisticsService
    public let upkeep: CaseUpkeep
    /// The outbox's messages, for delivery.
    public let outbox: OutboxStore
    /// Codes that prove an e-mail address or phone number.
    public let oneTimeCodes: OneTimeCodes
    /// Proposals: proposing, moderation, supports, answers.
    public let proposals: ProposalService
    /// Proposals in statistics and open data.
    public let proposalStatistics: ProposalStatistics
    /// Filing and following cases in LINE chats; nil when LINE is not configured.
    public let line: LineChat?
    /// Participatory budgeting rounds, ideas, ballots and results.
    public let budgets: BudgetService
    /// Photos of cases: checked, cleaned, stored, shown with care.
    public let photos: PhotoService
    /// Duplicate cases: "already reported?", "me too", likely duplicates, clusters and their merge.
    public let duplicates: DuplicateService
    /// Consultations: opinions, their themes and the agency's responses.
    public let consultations: ConsultationService
    /// Cases filed and changed by other processes on the same database, applied here as they commit.
    public let caseChanges: CaseChangeFollower
    let pool: ConnectionPool

    /// - Parameters:
    ///   - statistics: the in-memory statistics, already loaded.
    ///   - caseCacheLifetime: how long tracking reads and pages of the public proposal list may be
    ///     answered from memory (see `CaseStore`, `ProposalService.list`).
    ///   - liveStatistics: whether statistics follow each change as it commits (else only their reloads).
    ///   - notifications: writes the messages changes send; nil when notifications are off.
    ///   - line: the LINE channel's secret and client; nil when LINE is not configured.
    ///   - budgetVoterSecret: the key of budget voters' HMAC (`budgets.voter_secret`); nil for the database's.
    public init(
        pool: ConnectionPool, reference: Reference, analyzer: TextAnalyzer, rules: ServiceRules,
        statistics: StatisticsService, clock: @escaping @Sendable () -> Date, caseCacheLifetime: Duration,
        liveStatistics: Bool, notifications: NotificationComposer? = nil, line: LineChat.Configuration? = nil,
        proposalRules: ProposalRules = .init(),
        budgetVoterSecret: String? = nil, similarity: SimilarityIndex? = nil,
        duplicateFiguresLifetime: Duration = .seconds(60)
    ) {
        self.pool = pool
        self.reference = reference
        self.analyzer = analyzer
        self.rules = rules
        self.clock = clock
        self.statistics = statistics
        let caseStore = CaseStore(pool: pool, cacheLifetime: caseCacheLifetime)
        // The text analyzer proved ICU's data is there, so a similarity index cannot fail for want of it.
        let index = similarity ?? (try! SimilarityIndex())
        duplicates = DuplicateService(
            store: caseStore, index: index, reference: reference, analyzer: analyzer, rules: rules, clock: clock,
            notifications: notifications, figuresLifetime: duplicateFiguresLifetime)
        let duplicates = self.duplicates
        let changed: @Sendable (CaseRecord) -> Void = {
            if liveStatistics { statistics.record($0) }
            duplicates.observe($0)
        }
        caseChanges = CaseChangeFollower(
            feed: CaseChangeFeed(pool: pool), store: caseStore, statistics: statistics, changed: changed,
            caughtUp: { try await DuplicateService.catchUp(index, from: caseStore) })
        placer = Placer(analyzer: analyzer, reference: reference, triageThreshold: rules.triageThreshold)
        outbox = OutboxStore(pool: pool)
        cases = CaseService(
            store: caseStore, reference: reference, analyzer: analyzer, rules: rules, clock: clock, changed: changed,
            notifications: notifications)
        agency = AgencyService(
            store: caseStore, reference: reference, rules: rules, clock: clock, changed: changed,
            notifications: notifications, outbox: outbox)
        accounts = StaffAccounts(store: StaffStore(pool: pool))
        photos = PhotoService(store: PhotoStore(pool: pool), cases: caseStore, limits: rules.photoLimits, clock: clock)
        let conversations = LineConversationStore(pool: pool)
        let codes = OneTimeCodeStore(pool: pool)
        oneTimeCodes = OneTimeCodes(store: codes, clock: clock)
        upkeep = CaseUpkeep(
            store: caseStore, rules: rules, clock: clock, lineConversations: conversations, oneTimeCodes: codes)
        let caseService = self.cases
        proposals = ProposalService(
            store: ProposalStore(pool: pool), cases: caseService, codes: oneTimeCodes, reference: reference,
            analyzer: analyzer, rules: rules, proposalRules: proposalRules, clock: clock,
            messages: notifications.map { ProposalMessages(publicURL: $0.publicURL, reference: reference) },
            listCacheLifetime: caseCacheLifetime)
        let (similarProposals, placer) = (proposals.similarity, self.placer)
        budgets = BudgetService(
            store: BudgetStore(pool: pool), reference: reference, codes: oneTimeCodes, clock: clock,
            voterSecret: budgetVoterSecret, winnerWords: { similarProposals.words(title: $0, text: $1) },
            winnerTopic: { (try? placer.place($0).category) ?? BudgetWinnerRules.fallbackCategory })
        consultations = ConsultationService(
            store: ConsultationStore(pool: pool), reference: reference, analyzer: analyzer, codes: oneTimeCodes,
            identity: proposals.identity, rules: rules, clock: clock)
        proposalStatistics = ProposalStatistics(
            store: ProposalStore(pool: pool), clock: clock, lifetime: .seconds(statistics.maxAge))
        self.line = line.map { LineChat(cases: caseService, store: conversations, configuration: $0) }
    }

    /// Loads every case's facts and brings the similarity index up to the open cases, whichever is
    /// not done yet: what a start without the change feed does in the background (with it, the feed
    /// does it as it starts listening). Returns the statistics' load if it made one.
    public func loadCases() async throws -> StatisticsService.Load? {
        var load: StatisticsService.Load?
        if !statistics.isLoaded { load = try await statistics.reload() }
        if !openCasesIndexed { try await DuplicateService.catchUp(duplicates.index, from: duplicates.store) }
        return load
    }

    /// Whether the similarity index holds every open case ("already reported?" misses none).
    public var openCasesIndexed: Bool { duplicates.index.isComplete }

    /// Whether the database answers now (readiness).
    public func databaseIsReachable() async -> Bool {
        await pool.ping()
    }

    /// Whether `error` means the database cannot be reached or has no free connection: worth a
    /// retry later (503), not a bug.
    public static func meansUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        return [.connectionLost, .poolTimeout, .poolClosed].contains(error.kind)
    }
}
