import Configuration

/// The kinds of API request that have allowances of their own (`rate_limits.<class>` in
/// `Config/siang.json`); which routes belong to which is `RouteClassifier`'s table in Web.
public enum RouteClass: String, Sendable, CaseIterable {
    /// New cases, proposals and Open311 requests.
    case filing
    /// Supporting a proposal, casting a participatory-budget ballot.
    case supports
    /// Reading (and acting on) one's case by its tracking code.
    case tracking
    /// Public statistics.
    case statistics
    /// Open-data exports (whole tables, streamed).
    case exports
    /// The staff API.
    case agency
    /// Every other API route (reference data, category suggestions, Open311 discovery).
    case other
}

/// Request allowances per route class, per client address and per staff or partner token
/// (`rate_limits.*`; a class with `per_minute` 0 is not limited).
public struct RateLimitSettings: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        /// Requests a minute one address may keep up.
        public var perMinute: Int
        /// Requests one address may make at once after a quiet spell.
        public var burst: Int
        /// Requests a minute one token may keep up (its burst is a tenth of a minute's, at least `burst`).
        public var tokenPerMinute: Int

        public init(perMinute: Int, burst: Int, tokenPerMinute: Int) {
            self.perMinute = perMinute
            self.burst = burst
            self.tokenPerMinute = tokenPerMinute
        }
    }

    public var rates: [RouteClass: Rate]
    /// Addresses and tokens remembered at most per class (each a few dozen bytes); see `TokenBuckets`.
    public var maximumClients: Int

    public init(rates: [RouteClass: Rate], maximumClients: Int = 100_000) {
        self.rates = rates
        self.maximumClients = maximumClients
    }

    /// No limits: what tests run with unless they test the limits.
    public static let unlimited = RateLimitSettings(rates: [:])

    /// The allowances when `Config/siang.json` says nothing: a citizen never meets them, a script soon does.
    /// Filing allows for many people behind one address (mobile carriers' NAT).
    public static let defaults: [RouteClass: Rate] = [
        .filing: Rate(perMinute: 30, burst: 30, tokenPerMinute: 1200),
        .supports: Rate(perMinute: 60, burst: 60, tokenPerMinute: 1200),
        .tracking: Rate(perMinute: 120, burst: 120, tokenPerMinute: 2400),
        .statistics: Rate(perMinute: 120, burst: 60, tokenPerMinute: 2400),
        .exports: Rate(perMinute: 10, burst: 10, tokenPerMinute: 60),
        .agency: Rate(perMinute: 600, burst: 300, tokenPerMinute: 1200),
        .other: Rate(perMinute: 300, burst: 300, tokenPerMinute: 2400),
    ]

    static func read(_ config: ConfigReader) -> RateLimitSettings {
        guard config.bool(forKey: "rate_limits.enabled", default: true) else { return .unlimited }
        var rates: [RouteClass: Rate] = [:]
        for routeClass in RouteClass.allCases {
            func key(_ name: String) -> ConfigKey { ConfigKey(["rate_limits", routeClass.rawValue, name]) }
            let fallback = defaults[routeClass]!
            let rate = Rate(
                perMinute: config.int(forKey: key("per_minute"), default: fallback.perMinute),
                burst: config.int(forKey: key("burst"), default: fallback.burst),
                tokenPerMinute: config.int(forKey: key("token_per_minute"), default: fallback.tokenPerMinute))
            if rate.perMinute > 0 || rate.tokenPerMinute > 0 { rates[routeClass] = rate }
        }
        return RateLimitSettings(
            rates: rates, maximumClients: config.int(forKey: "rate_limits.max_clients", default: 100_000))
    }
}
