import Foundation
import HTTPTypes
import HummingbirdTesting
import Setup
import TestSupport
import Testing
@testable import Web

@Suite("API rate limits")
struct RateLimitTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Limits only where a test says so: every other class is unlimited.
    static func configuration(_ rates: [RouteClass: RateLimitSettings.Rate]) -> ServerConfiguration {
        var configuration = TestApp.configuration
        configuration.behindProxy = true
        configuration.rateLimits = RateLimitSettings(rates: rates)
        return configuration
    }

    @Test("a 2,000-request filing burst from one address gets 429 with Retry-After beyond its allowance; other addresses file and the service stays ready")
    func filingBurst() async throws {
        let app = try await TestApp.make()
        let burst = 20
        try await app.run(configuration: Self.configuration([.filing: .init(perMinute: 60, burst: burst, tokenPerMinute: 600)])) { client in
            let started = ContinuousClock.now
            let flood: HTTPFields = [Self.forwardedFor: "203.0.113.50"]
            let others = Task { try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<5 {
                    group.addTask {
                        try await client.send(.post, "/api/v1/cases", json: bangNaPothole, headers: [Self.forwardedFor: "198.51.100.\(n)"])
                            .status.code
                    }
                }
                group.addTask { try await client.send(.get, "/readyz").status.code }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            } }
            var replies: [JSONReply] = []
            for _ in 0..<40 {  // 40 waves of 50 at once
                replies += try await withThrowingTaskGroup(of: JSONReply.self) { group in
                    for _ in 0..<50 { group.addTask { try await client.send(.post, "/api/v1/cases", json: bangNaPothole, headers: flood) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let seconds = TokenBuckets.seconds(ContinuousClock.now - started)
            let created = replies.filter { $0.status == .created }.count
            let refused = replies.filter { $0.status == .tooManyRequests }
            #expect(replies.count == 2000)
            #expect(created >= burst, "the burst itself is allowed")
            #expect(Double(created) <= Double(burst) + seconds + 1, "\(created) filed in \(seconds) s at 1 a second after \(burst)")
            // A loaded machine may answer a few with 503 (no database connection free in time, with the
            // error shape and Retry-After): honest overload, never a 5xx of another kind.
            let unavailable = replies.filter { $0.status == .serviceUnavailable }
            #expect(unavailable.count <= 20 && unavailable.allSatisfy { $0.errorCode != nil }, "\(unavailable.count) answered 503")
            #expect(created + refused.count + unavailable.count == 2000, "nothing but 201, 429 and 503: \(Set(replies.map(\.status)))")
            #expect(refused.allSatisfy { $0.errorCode == "rate_limited" && Int($0.headers[.retryAfter] ?? "") ?? 0 >= 1 })
            #expect(refused.first?.string("error.message_en")?.contains("Too many requests") == true)
            #expect(try await others.value.allSatisfy { $0 == 201 || $0 == 200 }, "other addresses file meanwhile")
            let after = try await client.send(.post, "/api/v1/cases", json: bangNaPothole, headers: [Self.forwardedFor: "192.0.2.77"])
            #expect(after.status == .created)
            #expect(try await client.send(.get, "/readyz").status == .ok)
            #expect(try await client.send(.get, "/api/v1/cases/\(after.string("code") ?? "")", headers: flood).status == .ok,
                "only the filing allowance is spent: tracking from the same address works")
        }
    }

    @Test("a staff token proved valid draws on the token's allowance, not its address's; made-up tokens count against the address")
    func perToken() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        // The allowances' clock stands still, so however slow the machine nothing refills between requests.
        var configuration = Self.configuration([.agency: .init(perMinute: 1, burst: 2, tokenPerMinute: 1)])
        let stopped = ContinuousClock.now
        configuration.rateLimitClock = { stopped }
        try await app.run(configuration: configuration) { client in
            let office: HTTPFields = [Self.forwardedFor: "192.0.2.40", .authorization: "Bearer \(token)"]
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 { statuses.append(try await client.send(.get, "/api/v1/agency/me", headers: office).status) }
            // The first is charged to the address (the token was not yet proved), the next two to the token.
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests], "\(statuses)")
            let madeUp: HTTPFields = [Self.forwardedFor: "192.0.2.40", .authorization: "Bearer siang_madeup"]
            #expect(try await client.send(.get, "/api/v1/agency/me", headers: madeUp).status == .unauthorized)
            let refused = try await client.send(.get, "/api/v1/agency/me", headers: madeUp)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "rate_limited")
            let elsewhere: HTTPFields = [Self.forwardedFor: "192.0.2.41", .authorization: "Bearer siang_other"]
            #expect(try await client.send(.get, "/api/v1/agency/me", headers: elsewhere).status == .unauthorized)
        }
    }

    @Test("wrong secrets from many addresses spend the code's allowance: a client that failed three times then waits, the citizen does not")
    func secretsAgainstCode() async throws {
        let app = try await TestApp.make()
        var configuration = Self.configuration([:])
        configuration.failedCredentialsPerMinute = 5
        try await app.run(configuration: configuration) { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            func track(from address: String, secret: String) async throws -> HTTPResponse.Status {
                try await client.send(.get, "/api/v1/cases/\(code)", headers: [Self.forwardedFor: address, .trackingSecret: secret]).status
            }
            let wrong = "wrongwrongwrongwrongwron"
            for n in 1...6 { #expect(try await track(from: "198.51.100.\(n)", secret: wrong) == .forbidden) }
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await track(from: "198.51.100.1", secret: wrong)) }
            #expect(statuses == [.forbidden, .forbidden, .tooManyRequests], "the fourth failure meets the spent code: \(statuses)")
            #expect(try await track(from: "192.0.2.9", secret: "wrongwrongwrongwrongwrox") == .forbidden)
            #expect(try await track(from: "192.0.2.9", secret: secret) == .ok, "a citizen who mistyped once still gets in")
            #expect(try await track(from: "192.0.2.10", secret: secret) == .ok)
        }
    }

    @Test("routes fall into their classes by method and path", arguments: [
        ("POST", "/api/v1/cases", RouteClass.filing), ("GET", "/api/v1/cases/SG-2026-AAAAAA", .tracking),
        ("POST", "/api/v1/cases/SG-2026-AAAAAA/feedback", .tracking), ("POST", "/api/v1/proposals", .filing),
        ("POST", "/api/v1/proposals/12/support", .supports), ("DELETE", "/api/v1/proposals/12/support", .supports),
        ("POST", "/api/v1/budgets/3/ballot", .supports), ("PUT", "/api/v1/budgets/3/ballots/7", .supports),
        ("GET", "/api/v1/proposals/12", .other), ("GET", "/api/v1/stats", .statistics),
        ("GET", "/api/v1/stats/agencies", .statistics), ("GET", "/api/v1/open-data/cases.csv", .exports),
        ("GET", "/api/v1/agency/cases", .agency), ("GET", "/api/v1/categories", .other),
        ("POST", "/open311/v2/requests.json", .filing), ("GET", "/open311/v2/requests.xml", .tracking),
        ("GET", "/open311/v2/requests/17.json", .tracking), ("GET", "/open311/v2/tokens/abc.json", .tracking),
        ("GET", "/open311/v2/services.json", .other), ("POST", "//api/v1/cases/", .filing),
    ])
    func classes(method: String, path: String, expected: RouteClass) {
        #expect(RouteClassifier().routeClass(method: HTTPRequest.Method(method)!, path: path) == expected)
    }

    @Test("pages, health and assets are not API routes", arguments: ["/", "/readyz", "/cases/SG-2026-AAAAAA", "/track", "/metrics"])
    func notAPI(path: String) {
        #expect(RouteClassifier().routeClass(method: .get, path: path) == nil)
        #expect(RouteClassifier().routeClass(method: .post, path: path) == nil)
    }

    @Test("memory stays bounded under a flood of addresses, and the flood does not forgive the client that owes most")
    func boundedMemory() {
        let buckets = TokenBuckets(capacity: 5, perSecond: 5.0 / 60, maximumKeys: 1_000)
        let now = ContinuousClock.now
        for _ in 0..<5 { #expect(buckets.take("203.0.113.1", now: now)) }
        #expect(!buckets.take("203.0.113.1", now: now))
        for n in 0..<50_000 { _ = buckets.take("10.\(n / 65_536).\(n / 256 % 256).\(n % 256)", now: now) }
        #expect(buckets.count <= 1_000)
        #expect(!buckets.take("203.0.113.1", now: now), "the drained client is still limited")
        // Once every bucket has refilled, a sweep forgets them all.
        let later = now + .seconds(3600)
        _ = buckets.take("192.0.2.1", now: later)
        #expect(buckets.count == 1)
    }

    @Test("settings: Config/siang.json's allowances, SIANG_ variables over them, and `enabled: false` turns them off")
    func settings() async throws {
        let configured = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
        #expect(configured.rateLimits.rates[.filing] == .init(perMinute: 30, burst: 30, tokenPerMinute: 1200))
        #expect(configured.rateLimits.rates.count == RouteClass.allCases.count)
        let tuned = try await SiangSettings.load(
            home: TestDatabase.home, environment: ["SIANG_RATE_LIMITS_EXPORTS_PER_MINUTE": "3", "SIANG_RATE_LIMITS_SUPPORTS_PER_MINUTE": "0",
                "SIANG_RATE_LIMITS_SUPPORTS_TOKEN_PER_MINUTE": "0"])
        #expect(tuned.rateLimits.rates[.exports]?.perMinute == 3)
        #expect(tuned.rateLimits.rates[.supports] == nil)
        let off = try await SiangSettings.load(home: TestDatabase.home, environment: ["SIANG_RATE_LIMITS_ENABLED": "false"])
        #expect(off.rateLimits == .unlimited)
        #expect(!configured.metrics.isOn, "metrics are not served unless asked for")
    }
}
