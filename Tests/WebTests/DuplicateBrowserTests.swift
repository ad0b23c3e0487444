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

/// "Already reported?" and "me too" in a real browser (`Tests/Browser/duplicate_flow.py`): a case is
/// filed, a second citizen checks before filing, finds it, follows it with their own code, and sees the
/// result once the district office resolves it.
@Suite("Duplicate browser flow", .serialized)
struct DuplicateBrowserTests {
    static let password = "ท่อระบายน้ำสีลม-2569-browser"
    static let script = BrowserTools.packageRoot.appendingPathComponent("Tests/Browser/duplicate_flow.py")

    @Test(
        "a citizen checks before filing, follows the case already reported, and later sees its result",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: [1280, 320])
    func duplicateFlow(width: Int) async throws {
        try #require(
            BrowserTools.missing.isEmpty,
            "SIANG_BROWSER_TESTS=required but missing: \(BrowserTools.missing.joined(separator: "; "))")
        let database = try await TestDatabase.fresh(poolSize: 6)
        do {
            try await flow(width: width, database: database)
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    func flow(width: Int, database: TestDatabase.Handle) async throws {
        let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
        let runtime = try await SiangRuntime.prepare(
            pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            logger: TestDatabase.logger)
        // The officer belongs to the agency a drainage case in Bang Rak (district 1004 of Bangkok) is routed to;
        // the flow files its first case in that category.
        let agency = try #require(
            runtime.reference.router.route(category: "drainage", area: CaseArea(provinceCode: "10", districtCode: "1004"))
                .agencyCode)
        let officer = "officer.\(UUID().uuidString.prefix(6))@bangrak.go.th"
        _ = try await StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4).createUser(
            email: officer, name: "เจ้าหน้าที่เขตบางรัก (ทดสอบ)", role: .officer, agencyCode: agency, password: Self.password)
        let app = buildApplication(
            runtime: runtime,
            configuration: ServerConfiguration(
                maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero, formPostsPerMinute: 0,
                deliversNotifications: false),
            logger: TestDatabase.logger)
        let screenshots = BrowserTools.packageRoot.appendingPathComponent("artifacts/browser")
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let result = try await BrowserTools.runScript(
                Self.script,
                arguments: [
                    "--base-url", "http://localhost:\(port)", "--officer-email", officer, "--password", Self.password,
                    "--screenshots", screenshots.path, "--width", String(width),
                ], tries: 2)
            #expect(result.status == 0, "the duplicate flow at \(width) px failed (exit \(result.status)):\n\(result.output)")
        }
    }
}
