import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

/// Winning budget projects become adopted proposals of the round's agency, followed to implementation
/// in one story (issue 14 item 5).
@Suite("Budget winners become proposals")
struct BudgetWinnerTests {
    let budget = BudgetTests()

    /// A Bang Na round in its results phase: three projects (400,000 baht, made from a resident's idea;
    /// 350,000; 300,000), three voters choosing the first two, so greedy counting picks those two and
    /// the third has no votes; returns the round and the projects.
    func roundReadyForResults(_ client: some TestClientProtocol, app: TestApp, token: String) async throws -> (round: Int, projects: [Int]) {
        let round = try await budget.openRound(client, app: app, token: token)
        let idea = try await client.send(
            .post, "/api/v1/budgets/\(round)/ideas",
            json: ["title": "ทางเท้าหน้าตลาดพัง", "text": "ทางเท้าหน้าตลาดบางนาพังหลายจุด โทร 081-234-5678"])
        let ideaID = try #require(idea.int("id"))
        _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: budget.staff(token))
        var projects: [Int] = []
        for (title, cost, ideas) in [("ซ่อมทางเท้า", 400_000, [ideaID]), ("ไฟส่องสว่างซอย", 350_000, []), ("สวนหย่อม", 300_000, [])] {
            let made = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects",
                json: ["title": title, "cost": cost, "description": "โครงการ\(title)", "ideas": ideas], headers: budget.staff(token))
            #expect(made.status == .created, "\(made.json)")
            projects.append(try #require(made.int("id")))
        }
        _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: budget.staff(token))
        for voter in 0..<3 {
            let ballot = try await budget.voterToken(client, app: app, round: round, address: "winner\(voter)@example.com")
            #expect(try await budget.cast(client, round: round, token: ballot, projects: [projects[0], projects[1]]).status == .created)
        }
        _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: budget.staff(token))
        return (round, projects)
    }

    func proposalCount(_ app: TestApp) async throws -> Int {
        try await app.database.pool.withConnection {
            try $0.query("SELECT count(*) FROM proposals WHERE budget_project_id IS NOT NULL").first!.int(0)
        }
    }

    func page(_ client: some TestClientProtocol, _ uri: String, english: Bool = false) async throws -> String {
        let response = try await client.executeRequest(
            uri: uri, method: .get, headers: english ? [.acceptLanguage: "en"] : [:], body: nil)
        #expect(response.status == .ok, "\(uri)")
        return String(buffer: response.body)
    }

    @Test("publishing results makes each winner one adopted proposal of the round's agency, linked both ways; losers make none")
    func winnersBecomeProposals() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let (round, projects) = try await roundReadyForResults(client, app: app, token: token)
            let published = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: budget.staff(token))
            #expect(published.status == .created)
            #expect(try await proposalCount(app) == 2)

            let results = try await client.send(.get, "/api/v1/budgets/\(round)/results")
            let binding = try #require(results.array("results").first { $0["binding"] as? Bool == true })
            let rows = binding["projects"] as? [[String: Any]] ?? []
            let footpath = try #require(rows.first { $0["id"] as? Int == projects[0] })
            let park = try #require(rows.first { $0["id"] as? Int == projects[2] })
            #expect(park["selected"] as? Bool == false && park["proposal_code"] == nil, "a project that lost becomes nothing")
            let code = try #require(footpath["proposal_code"] as? String)
            #expect(footpath["proposal_id"] as? Int != nil && footpath["proposal_url"] as? String == "/proposals/\(code)")
            #expect(footpath["proposal_status"] as? String == "answered")

            let proposal = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(proposal.status == .ok)
            #expect(proposal.string("title") == "ซ่อมทางเท้า" && proposal.int("estimated_cost") == 400_000)
            #expect(proposal.string("status") == "answered" && proposal.string("answer.kind") == "adopted")
            #expect(proposal.bool("answer.late") == false)
            #expect(proposal.string("agency.code") == "bma-district-1047")
            #expect(proposal.string("scope.level") == "district" && proposal.string("scope.district.code") == "1047")
            #expect(proposal.string("origin") == "budget_round")
            #expect(proposal.int("budget_project.id") == projects[0] && proposal.int("budget_project.round_id") == round)
            #expect(proposal.string("budget_project.url") == "/budgets/\(round)")
            #expect(proposal.string("answer.text")?.contains("งบชุมชนบางนา 2570") == true)
            let text = try #require(proposal.string("text"))
            #expect(text.contains("โครงการซ่อมทางเท้า") && text.contains("ทางเท้าหน้าตลาดบางนาพังหลายจุด"), "\(text)")
            #expect(!text.contains("081-234-5678"), "personal data from the idea is redacted in public")

            // The agency finds it in its inbox as adopted, owing progress.
            let inbox = try await client.send(.get, "/api/v1/agency/proposals", headers: budget.staff(token))
            let listed = try #require(inbox.array("proposals").first { $0["code"] as? String == code })
            #expect((listed["answer"] as? [String: Any])?["kind"] as? String == "adopted")

            // The results page links each winner to its proposal; the proposal page names the round and links back.
            let roundPage = try await page(client, "/budgets/\(round)")
            #expect(roundPage.contains("href=\"/proposals/\(code)\""))
            let thai = try await page(client, "/proposals/\(code)")
            #expect(thai.contains("ผู้ชนะการลงคะแนนงบประมาณแบบมีส่วนร่วม รอบ") && thai.contains("href=\"/budgets/\(round)\""))
            let english = try await page(client, "/proposals/\(code)", english: true)
            #expect(english.contains("Winner of the participatory budgeting round") && english.contains("งบชุมชนบางนา 2570"))

            // Open data says where it came from; statistics count it as answered, not in the agency's answer times.
            let lines = try await client.executeRequest(uri: "/api/v1/open-data/proposals.json", method: .get, headers: [:], body: nil)
            let objects = String(decoding: lines.body.readableBytesView, as: UTF8.self).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let row = try #require(objects.first { $0["code"] as? String == code })
            #expect(row["origin"] as? String == "budget_round" && row["budget_round"] as? Int == round)
            #expect(row["answer"] as? String == "adopted")
            let stats = try await client.send(.get, "/api/v1/stats/proposals")
            #expect(stats.array("by_status").first { $0["code"] as? String == "answered" }?["proposals"] as? Int == 2)
            #expect(stats.array("agencies").allSatisfy { ($0["agency"] as? [String: Any])?["code"] as? String != "bma-district-1047" })
        }
    }

    @Test("publishing results twice, concurrently, or again after the round was reset makes no second proposal")
    func exactlyOnce() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let (round, _) = try await roundReadyForResults(client, app: app, token: token)
            let staff = budget.staff(token)
            let replies = try await withThrowingTaskGroup(of: JSONReply.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: staff) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == .created }.count == 1)
            #expect(replies.filter { $0.errorCode == "budget_results_published" }.count == 5)
            #expect(try await proposalCount(app) == 2)

            // Even if the round's own record of publication were lost, the database keeps one proposal per winner.
            try await app.database.pool.withConnection {
                try $0.query("DELETE FROM budget_results WHERE round_id = $1", [round])
                try $0.query("UPDATE budget_rounds SET results_published_at = NULL WHERE id = $1", [round])
            }
            let again = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: staff)
            #expect(again.status == .conflict && again.errorCode == "budget_results_published", "\(again.json)")
            #expect(try await proposalCount(app) == 2)
        }
    }

    @Test("progress on a winner is one story: the budget's update reaches the proposal page, the proposal's reaches the budget")
    func oneTracker() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        let other = try await app.token(agency: "bma-district-1001")
        try await app.run { client in
            let (round, projects) = try await roundReadyForResults(client, app: app, token: token)
            _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: budget.staff(token))
            let results = try await client.send(.get, "/api/v1/budgets/\(round)/results")
            let binding = try #require(results.array("results").first { $0["binding"] as? Bool == true })
            let code = try #require(
                (binding["projects"] as? [[String: Any]])?.first { $0["id"] as? Int == projects[0] }?["proposal_code"] as? String)

            let update = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects/\(projects[0])/progress",
                json: ["progress": "in_progress", "note": "เริ่มรื้อทางเท้าเดิมแล้ว"], headers: budget.staff(token))
            #expect(update.status == .ok, "\(update.json)")
            let proposal = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(proposal.array("timeline").contains { $0["kind"] as? String == "progress" && $0["note"] as? String == "เริ่มรื้อทางเท้าเดิมแล้ว" })
            #expect(try await page(client, "/proposals/\(code)").contains("เริ่มรื้อทางเท้าเดิมแล้ว"))

            // Another agency cannot report on it through the proposal either.
            let foreign = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/progress", json: ["note": "x", "implemented": true], headers: budget.staff(other))
            #expect(foreign.status == .notFound)
            let done = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/progress", json: ["note": "ทางเท้าใหม่เปิดใช้แล้ว", "implemented": true],
                headers: budget.staff(token))
            #expect(done.status == .ok, "\(done.json)")
            let detail = try await client.send(.get, "/api/v1/budgets/\(round)")
            #expect(detail.array("projects").first { $0["id"] as? Int == projects[0] }?["progress"] as? String == "implemented")
            #expect(detail.array("progress_updates").map { $0["note"] as? String } == ["เริ่มรื้อทางเท้าเดิมแล้ว", "ทางเท้าใหม่เปิดใช้แล้ว"])
            #expect(try await client.send(.get, "/api/v1/proposals/\(code)").string("status") == "implemented")

            let after = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects/\(projects[0])/progress",
                json: ["progress": "in_progress", "note": "ซ่อมเพิ่ม"], headers: budget.staff(token))
            #expect(after.errorCode == "budget_project_implemented", "implemented was the last update on both")
            #expect(try await client.send(.get, "/api/v1/budgets/\(round)").array("progress_updates").count == 2)
        }
    }
}
