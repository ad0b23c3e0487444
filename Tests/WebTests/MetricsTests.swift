import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Postgres
import Services
import HummingbirdTesting
import Setup
import TestSupport
import Testing
@testable import Web

/// `/metrics`, read as Prometheus would. The metrics of a process are one set, shared by every test in
/// it, so each test looks at how a series moved, not at its value.
@Suite("Metrics")
struct MetricsTests {
    static let token = "metrics-test-token"

    static var configuration: ServerConfiguration {
        var configuration = TestApp.configuration
        configuration.metrics = MetricsSettings(token: token)
        configuration.behindProxy = true
        configuration.rateLimits = RateLimitSettings(rates: [.exports: .init(perMinute: 60, burst: 1, tokenPerMinute: 60)])
        // The allowances' clock stands still: a machine slow enough to take a second between the two
        // exports below would otherwise refill the one allowed, and nothing would be refused.
        let stopped = ContinuousClock.now
        configuration.rateLimitClock = { stopped }
        return configuration
    }

    /// The samples of one scrape: series name and labels → value.
    struct Scrape {
        let text: String

        /// The sum of the samples of `name` whose labels include `labels`.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            var total: Double?
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " ") else { continue }
                let series = line[..<space]
                let seriesName = series.prefix { $0 != "{" }
                guard seriesName == name else { continue }
                let labelText = series.dropFirst(seriesName.count)
                guard labels.allSatisfy({ labelText.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
                total = (total ?? 0) + (Double(line[line.index(after: space)...]) ?? 0)
            }
            return total
        }
    }

    static func scrape(_ client: some TestClientProtocol) async throws -> Scrape {
        let response = try await client.executeRequest(
            uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return Scrape(text: String(buffer: response.body))
    }

    @Test("/metrics is not served on the public port unless a token is set")
    func notPublic() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(.get, "/metrics")
            #expect(reply.status == .notFound)
        }
    }

    @Test("with a token, /metrics answers only its holder")
    func token() async throws {
        let app = try await TestApp.make()
        try await app.run(configuration: Self.configuration) { client in
            let anonymous = try await client.send(.get, "/metrics")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "unauthenticated")
            #expect(try await client.send(.get, "/metrics", headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
            _ = try await Self.scrape(client)
        }
    }

    @Test("requests by route pattern and status, latency, the pool, query errors, classifier, statistics reload, refusals and the outbox move")
    func seriesMove() async throws {
        let app = try await TestApp.make()
        try await app.run(configuration: Self.configuration) { client in
            let before = try await Self.scrape(client)
            let filed = [("route", "/api/v1/cases"), ("method", "POST"), ("status", "201")]
            let (code, _, _) = try await client.file(bangNaPothole)
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .ok)
            #expect(try await client.send(.get, "/no-such-thing-\(code)").status == .notFound)
            for _ in 0..<2 { _ = try await client.send(.get, "/api/v1/open-data/catalog.json", headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.80"]) }
            await #expect(throws: (any Error).self) {
                try await app.database.pool.withConnection { _ = try $0.query("SELECT 1 / 0") }
            }
            try await app.runtime.statistics.reload()
            let after = try await Self.scrape(client)

            func moved(_ name: String, _ labels: [String: String] = [:], by amount: Double = 1) -> Bool {
                (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0) >= amount
            }
            let filedLabels = Dictionary(uniqueKeysWithValues: filed)
            #expect(moved("siang_http_requests_total", filedLabels), "\(after.text)")
            #expect(moved("siang_http_request_duration_seconds_count", filedLabels))
            #expect(moved("siang_http_request_duration_seconds_bucket", filedLabels.merging(["le": "+Inf"]) { $1 }))
            #expect(moved("siang_http_requests_total", ["route": "/api/v1/cases/{code}", "status": "200"]), "the pattern, not the path")
            #expect(moved("siang_http_requests_total", ["route": "NotFound", "status": "404"]))
            #expect(!after.text.contains(code), "no raw path, no tracking code in any label")
            #expect(moved("siang_db_query_errors_total", ["sqlstate_class": "22"]))
            #expect(moved("siang_classifier_seconds_count"))
            #expect(moved("siang_statistics_reload_seconds_count"))
            #expect(moved("siang_rate_limit_refusals_total", ["class": "exports", "by": "address"]))
            #expect((after.value("siang_db_pool_connections") ?? 0) >= 1)
            #expect((after.value("siang_db_pool_max_connections") ?? 0) >= 1)
            #expect(after.value("siang_db_pool_in_use") != nil)
            #expect(after.value("siang_db_pool_waiting") == 0)
            #expect(after.value("siang_outbox_pending") != nil)
        }
    }

    @Test("on a port of its own, /metrics is served there (loopback) and not on the public port")
    func separatePort() async throws {
        let app = try await TestApp.make()
        var configuration = TestApp.configuration
        let port = Int.random(in: 20_000...40_000)
        configuration.metrics = MetricsSettings(port: port)
        let application = buildApplication(runtime: app.runtime, configuration: configuration, logger: TestDatabase.logger)
        try await application.test(.live) { client in
            #expect(try await client.send(.get, "/metrics").status == .notFound)
            var reply: HTTPClientResponse?
            for _ in 0..<50 where reply == nil {
                reply = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
                if reply == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let response = try #require(reply)
            #expect(response.status == .ok)
            let text = String(buffer: try await response.body.collect(upTo: 10_000_000))
            #expect(text.contains("siang_db_pool_connections"))
        }
        await app.database.pool.shutdown()
    }
}
