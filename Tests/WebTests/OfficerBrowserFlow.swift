import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing
import Web

/// A browser script that signs in as an officer of Bang Rak's district office, run against a live Siang
/// on a fresh database (the budget and consultation flows): the officer's account is made first, the
/// script is given the server, the officer, the database (to read one-time codes from the outbox) and
/// where to save screenshots, and must exit 0.
enum OfficerBrowserFlow {
    static func run(
        script: String, officerEmail: String, officerName: String, officerPassword: String, screenshots: String,
        width: Int, name: String
    ) async throws {
        try #require(
            BrowserTools.missing.isEmpty,
            "SIANG_BROWSER_TESTS=required but missing: \(BrowserTools.missing.joined(separator: "; "))")
        let database = try await TestDatabase.fresh(poolSize: 6)
        do {
            let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
            let runtime = try await SiangRuntime.prepare(
                pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
                loaded: try await TestReference.shared.value, logger: TestDatabase.logger)
            _ = try await StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4).createUser(
                email: officerEmail, name: officerName, role: .officer, agencyCode: "bma-district-1004",
                password: officerPassword)
            let app = buildApplication(
                runtime: runtime,
                configuration: ServerConfiguration(
                    maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero, formPostsPerMinute: 0),
                logger: TestDatabase.logger)
            let folder = BrowserTools.packageRoot.appendingPathComponent(screenshots)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let result = try await BrowserTools.runScript(
                    BrowserTools.packageRoot.appendingPathComponent(script),
                    arguments: [
                        "--base-url", "http://localhost:\(port)", "--officer-email", officerEmail,
                        "--officer-password", officerPassword, "--screenshots", folder.path,
                        "--database", database.connectionString + " dbname=\(database.name)", "--width", String(width),
                    ])
                #expect(result.status == 0, "the \(name) flow at \(width) px failed (exit \(result.status)):\n\(result.output)")
                if result.status == 0 { print(result.output.split(separator: "\n").last { $0.hasPrefix("PASS") } ?? "") }
            }
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }
}
