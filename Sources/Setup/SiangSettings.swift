import Configuration
import Foundation
public import Photos
public import Services
import SystemPackage

/// Siang's settings: `Config/siang.json`, overridden by environment variables named after the
/// key with a `SIANG_` prefix (`triage.confidence_threshold` → `SIANG_TRIAGE_CONFIDENCE_THRESHOLD`),
/// and `DATABASE_URL`.
public struct SiangSettings: Sendable {
    public var host: String
    public var port: Int
    /// A libpq connection string or URI; nil to run a private PostgreSQL cluster.
    public var databaseURL: String?
    /// A streaming replica of that database (`DATABASE_REPLICA_URL`) for statistics loads and
    /// open-data exports; nil: they read the primary.
    public var databaseReplicaURL: String? = nil
    public var poolSize: Int
    public var acquireTimeout: Duration
    /// How long `serve` keeps trying to reach PostgreSQL at start-up (a service started before its
    /// database, as systemd often does, comes up once the database does).
    public var databaseStartupWait: Duration
    public var maximumBodyBytes: Int
    public var triageThreshold: Double
    public var maximumTextLength: Int
    public var reopenWindowDays: Int
    public var maximumTransfers: Int
    public var maximumReturns: Int
    public var idempotencyRetentionHours: Int
    /// Days after a case is finished before its contact details are erased (0: only on request).
    public var contactRetentionDays: Int
    public var privateCategories: [String]
    public var consentVersion: String
    /// How long tracking reads may be answered from memory (0: always from the database).
    public var caseCacheSeconds: Double
    /// How long a statistics answer may be reused while the data has not changed (0: never).
    public var statisticsCacheSeconds: Double
    /// Whether statistics follow each change as it happens (else only their periodic reload).
    public var statisticsLiveUpdates: Bool
    /// Whether case changes other processes commit reach this one at once (`statistics.change_feed`,
    /// PostgreSQL LISTEN/NOTIFY), instead of the periodic reload: with the feed, statistics are
    /// reloaded whole only when it (re)starts listening.
    public var statisticsChangeFeed = true
    /// How often statistics are reloaded from the database whole (`statistics.reload_seconds`), without
    /// the change feed.
    public var statisticsReloadSeconds = 600
    /// Whether cookies are marked Secure: true when browsers reach Siang over HTTPS.
    public var secureCookies: Bool
    /// Form posts a minute allowed per client address on the web pages (0: no limit).
    public var formPostsPerMinute: Int
    /// Failed tries of tracking secrets or staff tokens a minute allowed per client address on the API
    /// (0: no limit); see `CredentialGuessLimitMiddleware`.
    public var failedCredentialsPerMinute: Int
    /// Whether a reverse proxy in front sets X-Forwarded-For (its last entry is then the client).
    public var behindProxy: Bool
    public var notifications: NotificationSettings
    /// The LINE account citizens chat with; nil when LINE is not configured.
    public var line: LineSettings?
    /// Hours a complaint half-written in a LINE chat is kept (`line.draft_hours`).
    public var lineDraftHours: Double
    /// API request allowances per route class (`rate_limits.*`).
    public var rateLimits: RateLimitSettings = .unlimited
    /// Where `/metrics` is served, if anywhere (`metrics.*`).
    public var metrics = MetricsSettings()
    /// How classifier model versions are followed and renewed (`classifier.*`).
    public var modelUpdates = ModelUpdateSettings()
    /// Proposals' thresholds, periods, burst rule and supporter key (`proposals.*`).
    public var proposals: ProposalRules = .init()
    /// The key of budget voters' HMAC (`budgets.voter_secret`); nil for the one kept in the database.
    public var budgetVoterSecret: String? = nil
    /// Photos' count, bytes and pixels (`photos.*`).
    public var photos = PhotoLimits()

    /// The categories never shown to the public when `cases.private_categories` is not set: a missing
    /// setting must not make corruption or debt reports public (docs/privacy.md).
    public static let defaultPrivateCategories = [
        "corruption", "debt", "labour", "welfare", "health_service", "online_fraud", "land",
    ]

    /// The largest request body when `http.max_body_bytes` is not set.
    public static let defaultMaximumBodyBytes = 65_536

    /// Reads the settings.
    /// - Throws: when `Config/siang.json` exists but is not valid JSON.
    public static func load(home: SiangHome, environment: [String: String]? = nil) async throws -> SiangSettings {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let prefixed = KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) {
            $0.prepending(["siang"])
        }
        let file = try await FileProvider<JSONSnapshot>(filePath: .init(home.config + "/siang.json"), allowMissing: true)
        let config = ConfigReader(providers: [prefixed, file])
        let databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var settings = SiangSettings(
            host: config.string(forKey: "host", default: "127.0.0.1"),
            port: config.int(forKey: "port", default: 8080),
            databaseURL: databaseURL,
            poolSize: config.int(forKey: "database.pool_size", default: 16),
            acquireTimeout: .seconds(config.int(forKey: "database.acquire_timeout_seconds", default: 10)),
            databaseStartupWait: .seconds(config.int(forKey: "database.startup_wait_seconds", default: 60)),
            maximumBodyBytes: config.int(forKey: "http.max_body_bytes", default: defaultMaximumBodyBytes),
            triageThreshold: config.double(forKey: "triage.confidence_threshold", default: 0.4),
            maximumTextLength: config.int(forKey: "cases.max_text_length", default: 5000),
            reopenWindowDays: config.int(forKey: "cases.reopen_window_days", default: 30),
            maximumTransfers: config.int(forKey: "cases.max_transfers", default: 5),
            maximumReturns: config.int(forKey: "cases.max_returns", default: 1),
            idempotencyRetentionHours: config.int(forKey: "cases.idempotency_retention_hours", default: 24),
            contactRetentionDays: config.int(forKey: "cases.contact_retention_days", default: 730),
            privateCategories: config.stringArray(forKey: "cases.private_categories", default: defaultPrivateCategories),
            consentVersion: config.string(forKey: "consent.current_version", default: "2026-01"),
            caseCacheSeconds: config.double(forKey: "cache.case_seconds", default: 2),
            statisticsCacheSeconds: config.double(forKey: "cache.statistics_seconds", default: 10),
            statisticsLiveUpdates: config.bool(forKey: "statistics.live_updates", default: true),
            secureCookies: config.bool(forKey: "web.secure_cookies", default: false),
            formPostsPerMinute: config.int(forKey: "web.form_posts_per_minute", default: 30),
            failedCredentialsPerMinute: config.int(forKey: "api.failed_credentials_per_minute", default: 20),
            behindProxy: config.bool(forKey: "web.behind_proxy", default: false),
            notifications: NotificationSettings.read(config),
            line: LineSettings.read(config),
            lineDraftHours: config.double(forKey: "line.draft_hours", default: 24),
            proposals: ProposalRules.read(config),
            budgetVoterSecret: Optional(config.string(forKey: "budgets.voter_secret", default: "")).flatMap { $0.isEmpty ? nil : $0 })
        settings.databaseReplicaURL = environment["DATABASE_REPLICA_URL"].flatMap { $0.isEmpty ? nil : $0 }
        settings.statisticsChangeFeed = config.bool(forKey: "statistics.change_feed", default: true)
        settings.statisticsReloadSeconds = max(1, config.int(forKey: "statistics.reload_seconds", default: 600))
        settings.rateLimits = RateLimitSettings.read(config)
        settings.metrics = MetricsSettings.read(config)
        settings.modelUpdates = ModelUpdateSettings.read(config)
        settings.photos = PhotoLimits.read(config)
        return settings
    }
}
