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

/// A participatory-budgeting round in a real browser: `Tests/Browser/budget_round_flow.py` drives headless
/// Chromium from a staff member opening the round, through an idea, projects and four verified voters,
/// to the published results, at 1280 and 320 px. Skipped like `BrowserFlowTests` when the tools are missing.
@Suite("Budget browser flow", .serialized)
struct BudgetBrowserFlowTests {
    static let officerEmail = "budget.officer@bangrak.go.th"
    static let officerPassword = "งบชุมชนบางรัก-2570-browser"

    @Test(
        "a budget round from ideas to results, with codes read from the outbox, in headless Chromium",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: [1280, 320])
    func budgetRound(width: Int) async throws {
        try #require(
            BrowserTools.missing.isEmpty,
            "SIANG_BROWSER_TESTS=required but missing: \(BrowserTools.missing.joined(separator: "; "))")
        let database = try await TestDatabase.fresh(poolSize: 6)
        do {
            let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
            let runtime = try await SiangRuntime.prepare(
                pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
                logger: TestDatabase.logger)
            _ = try await StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4).createUser(
                email: Self.officerEmail, name: "สมหญิง งบชุมชน (ทดสอบ)", role: .officer, agencyCode: "bma-district-1004",
                password: Self.officerPassword)
            let app = buildApplication(
                runtime: runtime,
                configuration: ServerConfiguration(
                    maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero, formPostsPerMinute: 0),
                logger: TestDatabase.logger)
            let screenshots = BrowserTools.packageRoot.appendingPathComponent("artifacts/browser/budgets")
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let result = try await BrowserTools.runScript(
                    BrowserTools.packageRoot.appendingPathComponent("Tests/Browser/budget_round_flow.py"),
                    arguments: [
                        "--base-url", "http://localhost:\(port)", "--officer-email", Self.officerEmail,
                        "--officer-password", Self.officerPassword, "--screenshots", screenshots.path,
                        "--database", database.connectionString + " dbname=\(database.name)", "--width", String(width),
                    ])
                #expect(result.status == 0, "the budget flow at \(width) px failed (exit \(result.status)):\n\(result.output)")
                if result.status == 0 { print(result.output.split(separator: "\n").last { $0.hasPrefix("PASS") } ?? "") }
            }
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }
}
