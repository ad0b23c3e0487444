import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Setup
import Synchronization

/// Request allowances per route class: token buckets per client address (an IPv4 address or IPv6 /64,
/// behind a proxy the address it saw) and per verified staff or partner token, so one script cannot
/// take the service from everyone else. Past its allowance a client gets 429 with `Retry-After`.
final class RateLimiter: Sendable {
    let classifier: RouteClassifier
    let tokens = VerifiedTokens()
    private let byAddress: [RouteClass: TokenBuckets]
    private let byToken: [RouteClass: TokenBuckets]
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        settings: RateLimitSettings, classifier: RouteClassifier = RouteClassifier(),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.classifier = classifier
        self.now = now
        var byAddress: [RouteClass: TokenBuckets] = [:]
        var byToken: [RouteClass: TokenBuckets] = [:]
        for (routeClass, rate) in settings.rates {
            if rate.perMinute > 0 {
                byAddress[routeClass] = TokenBuckets(
                    capacity: max(rate.burst, 1), perSecond: Double(rate.perMinute) / 60, maximumKeys: settings.maximumClients)
            }
            if rate.tokenPerMinute > 0 {
                byToken[routeClass] = TokenBuckets(
                    capacity: max(rate.burst, rate.tokenPerMinute / 10, 1), perSecond: Double(rate.tokenPerMinute) / 60,
                    maximumKeys: settings.maximumClients)
            }
        }
        self.byAddress = byAddress
        self.byToken = byToken
    }

    var isOn: Bool { !byAddress.isEmpty || !byToken.isEmpty }

    /// Who a request counts against.
    enum Client {
        case address(String)
        case token(owner: String)
    }

    /// Takes one request from the client's allowance for `routeClass`; nil when allowed, else the seconds to wait.
    func admit(_ routeClass: RouteClass, client: Client) -> Int? {
        switch client {
        case .address(let key): return byAddress[routeClass]?.takeOrWait(key, now: now())
        case .token(let owner): return byToken[routeClass]?.takeOrWait(owner, now: now())
        }
    }

    /// Keys remembered for a class (tests of the memory bound).
    func rememberedClients(_ routeClass: RouteClass) -> Int { byAddress[routeClass]?.count ?? 0 }
}

/// Staff and partner tokens proved valid lately, so their requests draw on the token's allowance: a
/// token not (yet) proved counts against its address, so made-up tokens buy no allowance of their own.
final class VerifiedTokens: Sendable {
    private struct Entry {
        let owner: String
        let until: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: Duration = .seconds(300)
    let maximumEntries = 10_000

    /// Remembers that `token` belongs to `owner` (say `staff:12`), after the token was checked.
    func proved(_ token: String, owner: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries[token] == nil, entries.count >= maximumEntries {
                entries = entries.filter { $0.value.until > now }
                if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(owner: owner, until: now + lifetime)
        }
    }

    /// The owner of a token proved within `lifetime`.
    func owner(of token: String) -> String? {
        let now = ContinuousClock.now
        return entries.withLock { entries in entries[token].flatMap { $0.until > now ? $0.owner : nil } }
    }
}

/// Applies `RateLimiter` to every API request before it is handled.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext

    let limiter: RateLimiter
    let behindProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let routeClass = limiter.classifier.routeClass(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let client: RateLimiter.Client
        if let token = Self.bearerToken(request), let owner = limiter.tokens.owner(of: token) {
            client = .token(owner: owner)
        } else {
            client = .address(ClientKey.of(context.client(of: request, behindProxy: behindProxy)))
        }
        if let seconds = limiter.admit(routeClass, client: client) {
            let by: String
            if case .token = client { by = "token" } else { by = "address" }
            Counter(label: "siang_rate_limit_refusals_total", dimensions: [("class", routeClass.rawValue), ("by", by)]).increment()
            throw Self.tooManyRequests(retryAfter: seconds)
        }
        return try await next(request, context)
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            return nil
        }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    static func tooManyRequests(retryAfter seconds: Int) -> APIError {
        .tooMany(
            code: "rate_limited", retryAfter: seconds, th: "มีคำขอจากผู้ใช้นี้มากเกินไป",
            en: "Too many requests from this client")
    }
}

extension APIError {
    /// A 429 with `Retry-After`, whose message ends by saying how long to wait.
    static func tooMany(code: String, retryAfter seconds: Int, th: String, en: String) -> APIError {
        var error = APIError(
            status: .tooManyRequests, code: code, th: "\(th) กรุณารอ \(seconds) วินาทีแล้วลองใหม่",
            en: "\(en); try again in \(seconds) s.")
        error.headers[.retryAfter] = "\(seconds)"
        return error
    }
}
