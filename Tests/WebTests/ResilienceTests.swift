import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Setup
import Store
import TestSupport
import Testing
import Web

@Suite("Resilience")
struct ResilienceTests {
    @Test("when the database restarts under a running server, requests get 503 meanwhile and work again after, without a restart of Siang")
    func databaseRestart() async throws {
        // A cluster of its own: stopping the shared one would break the other suites.
        let directory = NSTemporaryDirectory() + "siang-restart-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cluster = try LocalCluster(directory: directory, durability: .throwaway)
        try cluster.start()
        defer { cluster.stop() }
        let pool = ConnectionPool(
            configuration: .init(connectionString: cluster.connectionString, maximumConnections: 4, acquireTimeout: .seconds(2)),
            logger: TestDatabase.logger)
        let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
        let runtime = try await SiangRuntime.prepare(
            pool: pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            logger: TestDatabase.logger)
        let app = buildApplication(
            runtime: runtime, configuration: ServerConfiguration(maintenanceInterval: .seconds(3600)), logger: TestDatabase.logger)
        try await app.test(.router) { client in
            let before = try await client.file(bangNaPothole)

            cluster.stop()
            let whileDown = try await client.send(.post, "/api/v1/cases", json: bangNaPothole)
            #expect(whileDown.status == .serviceUnavailable)
            #expect(whileDown.errorCode == "unavailable")
            #expect(whileDown.headers[.retryAfter] == "1")
            #expect(try await client.send(.get, "/readyz").status == .serviceUnavailable)

            try cluster.start()
            let after = try await client.file(bangNaPothole)
            #expect(after.code != before.code)
            let tracked = try await client.send(
                .get, "/api/v1/cases/\(before.code)", headers: [HTTPField.Name("X-Tracking-Secret")!: before.secret])
            #expect(tracked.status == .ok)
            #expect(try await client.send(.get, "/readyz").status == .ok)
        }
        await pool.shutdown()
    }
}
