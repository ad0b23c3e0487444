import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Services
import Postgres
import Setup
import Store
import TestSupport
import Testing
import Web

/// A proposal's life in a real browser (`Tests/Browser/proposal_flow.py`): proposed, published by a
/// moderator, supported by three people verified with one-time codes, routed by the threshold (3 in
/// this test), answered "adopted" by the district office, and shown answered to the public.
@Suite("Proposal browser flow", .serialized)
struct ProposalBrowserTests {
    static let password = "ข้อเสนอทางเท้า-2569-browser"
    static let script = BrowserTools.packageRoot.appendingPathComponent("Tests/Browser/proposal_flow.py")

    @Test(
        "propose, publish, three verified supports route it, the officer answers adopted, the public sees it",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: [1280, 320])
    func proposalFlow(width: Int) async throws {
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
        let settings = try await SiangSettings.load(
            home: TestDatabase.home, environment: ["SIANG_PROPOSALS_THRESHOLD_DISTRICT": "3"])
        let runtime = try await SiangRuntime.prepare(
            pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            loaded: try await TestReference.shared.value,
            logger: TestDatabase.logger)
        let agency = try #require(
            runtime.reference.router.route(category: "road", area: CaseArea(provinceCode: "10", districtCode: "1004")).agencyCode)
        let accounts = StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4)
        let run = UUID().uuidString.prefix(6)
        let moderator = "moderator.\(run)@damrongdhama.go.th"
        let officer = "officer.\(run)@bangrak.go.th"
        _ = try await accounts.createUser(
            email: moderator, name: "ผู้ตรวจข้อเสนอ (ทดสอบ)", role: .triage, agencyCode: nil, password: Self.password)
        _ = try await accounts.createUser(
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
                    "--base-url", "http://localhost:\(port)", "--psql", database.connectionString + " dbname=\(database.name)",
                    "--moderator-email", moderator, "--officer-email", officer, "--password", Self.password,
                    "--screenshots", screenshots.path, "--width", String(width),
                ])
            #expect(result.status == 0, "the proposal flow at \(width) px failed (exit \(result.status)):\n\(result.output)")
        }
    }
}
