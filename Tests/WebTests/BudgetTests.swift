import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Statistics
import TestSupport
import Testing

@Suite("Participatory budgeting")
struct BudgetTests {
    static let day: TimeInterval = 86_400

    /// Opens a round of Bang Na's district office (budget 1,000,000 baht, Bang Na eligible) whose ideas
    /// phase runs from yesterday for 10 days, review 10 days, vote 10 days; returns its id.
    func openRound(_ client: some TestClientProtocol, app: TestApp, token: String, rule: String = "greedy") async throws -> Int {
        let now = app.clock.now()
        let reply = try await client.send(
            .post, "/api/v1/agency/budgets",
            json: [
                "name": "งบชุมชนบางนา 2570", "description": "ให้ชาวบางนาเลือกโครงการ", "total_budget": 1_000_000,
                "ideas_from": BangkokTime.format(now - Self.day), "review_from": BangkokTime.format(now + 9 * Self.day),
                "vote_from": BangkokTime.format(now + 19 * Self.day), "vote_until": BangkokTime.format(now + 29 * Self.day),
                "eligible_areas": ["1047"], "rule": rule,
            ], headers: [.authorization: "Bearer \(token)"])
        #expect(reply.status == .created, "\(reply.json)")
        #expect(reply.string("phase") == "ideas")
        return try #require(reply.int("id"))
    }

    func staff(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// Staff make three projects (400,000, 350,000 and 300,000 baht) and move the round to the vote.
    func projectsAndVote(_ client: some TestClientProtocol, round: Int, token: String) async throws -> [Int] {
        let closed = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(token))
        #expect(closed.string("phase") == "review")
        var ids: [Int] = []
        for (title, cost) in [("ซ่อมทางเท้า", 400_000), ("ไฟส่องสว่างซอย", 350_000), ("สวนหย่อม", 300_000)] {
            let made = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects",
                json: ["title": title, "cost": cost, "feasibility": "ทำได้ภายในปีงบประมาณ"], headers: staff(token))
            #expect(made.status == .created, "\(made.json)")
            ids.append(try #require(made.int("id")))
        }
        let vote = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(token))
        #expect(vote.string("phase") == "vote")
        return ids
    }

    /// Asks for a code for "vote", reads it from the outbox as the voter would, and verifies the voter.
    func verify(_ client: some TestClientProtocol, app: TestApp, round: Int, address: String, area: String = "1047") async throws -> JSONReply {
        let sent = try await client.send(
            .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": address, "purpose": "vote"])
        let id = try #require(sent.int("id"))
        let code = try await OneTimeCodeTests().sentCode(app, to: address)
        return try await client.send(.post, "/api/v1/budgets/\(round)/voters", json: ["code_id": id, "code": code, "area": area])
    }

    func voterToken(_ client: some TestClientProtocol, app: TestApp, round: Int, address: String) async throws -> String {
        let verified = try await verify(client, app: app, round: round, address: address)
        #expect(verified.status == .created, "\(verified.json)")
        return try #require(verified.string("voter_token"))
    }

    func cast(_ client: some TestClientProtocol, round: Int, token: String, projects: [Int]) async throws -> JSONReply {
        try await client.send(
            .put, "/api/v1/budgets/\(round)/ballot", json: ["projects": projects], headers: [.init("X-Voter-Token")!: token])
    }

    func ballotCount(_ app: TestApp) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM budget_ballots").first!.int(0) }
    }

    @Test("a ballot over the budget, or naming a project of no round, is refused and changes nothing")
    func overBudget() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let round = try await openRound(client, app: app, token: token)
            let projects = try await projectsAndVote(client, round: round, token: token)
            let voter = try await voterToken(client, app: app, round: round, address: "somsri@example.com")
            let fits = try await cast(client, round: round, token: voter, projects: [projects[0], projects[1]])
            #expect(fits.status == .created && fits.string("status") == "cast")

            let over = try await cast(client, round: round, token: voter, projects: projects)
            #expect(over.status == .unprocessableContent && over.errorCode == "ballot_over_budget", "\(over.json)")
            let unknown = try await cast(client, round: round, token: voter, projects: [projects[0], 999_999])
            #expect(unknown.errorCode == "ballot_unknown_project")
            let empty = try await cast(client, round: round, token: voter, projects: [])
            #expect(empty.errorCode == "ballot_empty")

            let kept = try await client.send(.get, "/api/v1/budgets/\(round)/ballot", headers: [.init("X-Voter-Token")!: voter])
            #expect(kept.value("projects") as? [Int] == [projects[0], projects[1]], "the refused ballots changed nothing")
        }
    }

    @Test("one ballot per voter per round: the same address again replaces it, a second voter counts, the address is never kept")
    func oneBallotPerVoter() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let round = try await openRound(client, app: app, token: token)
            let projects = try await projectsAndVote(client, round: round, token: token)
            let first = try await voterToken(client, app: app, round: round, address: "Somsri@Example.com")
            #expect(try await cast(client, round: round, token: first, projects: [projects[0]]).status == .created)

            // The same person verifies again (another code, the address in other letter case): still one voter.
            let again = try await voterToken(client, app: app, round: round, address: "somsri@example.com")
            let replaced = try await cast(client, round: round, token: again, projects: [projects[2]])
            #expect(replaced.status == .ok && replaced.string("status") == "replaced")
            #expect(try await ballotCount(app) == 1)
            let old = try await cast(client, round: round, token: first, projects: [projects[1]])
            #expect(old.status == .unauthorized, "the earlier token stopped working")

            let second = try await voterToken(client, app: app, round: round, address: "somchai@example.com")
            #expect(try await cast(client, round: round, token: second, projects: [projects[2], projects[1]]).status == .created)
            #expect(try await ballotCount(app) == 2)

            let stored = try await app.database.pool.withConnection {
                try $0.query(
                    "SELECT count(*) FROM budget_voters WHERE position('somsri' in encode(voter_hash, 'escape')) > 0"
                ).first!.int(0)
            }
            #expect(stored == 0)
            let detail = try await client.send(.get, "/api/v1/budgets/\(round)")
            #expect(detail.int("turnout.ballots") == 2 && detail.int("turnout.verified_voters") == 2)

            // The database itself refuses a second ballot row for the same voter.
            await #expect(throws: PostgresError.self) {
                try await app.database.pool.withConnection {
                    try $0.query(
                        """
                        INSERT INTO budget_ballots (round_id, voter_hash, projects, total_cost, cast_at, changed_at)
                        SELECT round_id, voter_hash, projects, total_cost, cast_at, changed_at FROM budget_ballots LIMIT 1
                        """)
                }
            }
        }
    }

    @Test("voting outside the vote phase is refused: no voter before it, no ballot after it")
    func outsideVotePhase() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let round = try await openRound(client, app: app, token: token)
            let early = try await verify(client, app: app, round: round, address: "early@example.com")
            #expect(early.status == .conflict && early.errorCode == "budget_wrong_phase")

            let projects = try await projectsAndVote(client, round: round, token: token)
            let voter = try await voterToken(client, app: app, round: round, address: "somsri@example.com")
            #expect(try await cast(client, round: round, token: voter, projects: [projects[0]]).status == .created)
            app.clock.advance(days: 30)
            let late = try await cast(client, round: round, token: voter, projects: [projects[1]])
            #expect(late.status == .conflict && late.errorCode == "budget_wrong_phase")
            let kept = try await client.send(.get, "/api/v1/budgets/\(round)/ballot", headers: [.init("X-Voter-Token")!: voter])
            #expect(kept.value("projects") as? [Int] == [projects[0]])
        }
    }

    @Test("a voter must declare a district of the round's area, and a code sent for something else does not count")
    func eligibility() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let round = try await openRound(client, app: app, token: token)
            _ = try await projectsAndVote(client, round: round, token: token)
            let outside = try await verify(client, app: app, round: round, address: "far@example.com", area: "1001")
            #expect(outside.status == .forbidden && outside.errorCode == "budget_area_not_eligible")

            let sent = try await client.send(
                .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": "x@example.com", "purpose": "support"])
            let code = try await OneTimeCodeTests().sentCode(app, to: "x@example.com")
            let wrong = try await client.send(
                .post, "/api/v1/budgets/\(round)/voters", json: ["code_id": try #require(sent.int("id")), "code": code, "area": "1047"])
            #expect(wrong.errorCode == "code_wrong_purpose")
        }
    }

    @Test("a round from ideas to results: ideas become projects or are declined in public, results are counted, explained and followed")
    func fromIdeasToResults() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        let other = try await app.token(agency: "bma-district-1001")
        try await app.run { client in
            let round = try await openRound(client, app: app, token: token, rule: "equal_shares")
            let idea = try await client.send(
                .post, "/api/v1/budgets/\(round)/ideas",
                json: ["title": "ไฟถนนซอย 5", "text": "ซอยมืดมาก โทร 081-234-5678", "contact": ["name": "สมศรี", "phone": "0812345678"]])
            #expect(idea.status == .created)
            let declinedIdea = try await client.send(
                .post, "/api/v1/budgets/\(round)/ideas", json: ["title": "สร้างห้าง", "text": "อยากได้ห้างใหม่"])
            let ideaID = try #require(idea.int("id"))
            let detail = try await client.send(.get, "/api/v1/budgets/\(round)")
            let text = detail.array("ideas").first?["text"] as? String
            #expect(text?.contains("081") == false, "personal data in an idea is redacted in public")

            let notTheirs = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(other))
            #expect(notTheirs.status == .forbidden)
            _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(token))
            let lateIdea = try await client.send(.post, "/api/v1/budgets/\(round)/ideas", json: ["title": "ช้า", "text": "ช้าไป"])
            #expect(lateIdea.errorCode == "budget_wrong_phase")

            let lights = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects",
                json: ["title": "ไฟส่องสว่างซอย 5", "cost": 600_000, "feasibility": "เขตดำเนินการเองได้", "ideas": [ideaID]],
                headers: staff(token))
            #expect(lights.status == .created)
            let twice = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects",
                json: ["title": "ซ้ำ", "cost": 1000, "ideas": [ideaID]], headers: staff(token))
            #expect(twice.errorCode == "budget_idea_not_open", "an idea becomes one project")
            let declined = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/ideas/\(try #require(declinedIdea.int("id")))/decline",
                json: ["reason": "ไม่อยู่ในอำนาจหน้าที่ของเขต"], headers: staff(token))
            #expect(declined.status == .ok)
            let park = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects", json: ["title": "สวนหย่อม", "cost": 400_000], headers: staff(token))
            let bins = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects", json: ["title": "ถังขยะ", "cost": 300_000], headers: staff(token))
            let (a, b, c) = (try #require(lights.int("id")), try #require(park.int("id")), try #require(bins.int("id")))
            _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(token))

            // Six voters want lights and park; four want bins.
            for voter in 0..<10 {
                let token = try await voterToken(client, app: app, round: round, address: "voter\(voter)@example.com")
                let reply = try await cast(client, round: round, token: token, projects: voter < 6 ? [a, b] : [c])
                #expect(reply.status == .created, "\(reply.json)")
            }
            let early = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: staff(token))
            #expect(early.errorCode == "budget_wrong_phase")
            _ = try await client.send(.post, "/api/v1/agency/budgets/\(round)/close-phase", headers: staff(token))
            let published = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: staff(token))
            #expect(published.status == .created)
            let again = try await client.send(.post, "/api/v1/agency/budgets/\(round)/results", headers: staff(token))
            #expect(again.errorCode == "budget_results_published")

            let results = try await client.send(.get, "/api/v1/budgets/\(round)/results")
            let outcomes = results.array("results")
            let binding = try #require(outcomes.first { $0["binding"] as? Bool == true })
            #expect(binding["rule"] as? String == "equal_shares")
            // Ten voters, 100,000 baht each. Lights and park cost their six supporters the same per baht: lights,
            // created first, wins the tie; the six have then spent their shares, so the park cannot be paid
            // for, and the four pay for the bins.
            #expect(Set(binding["winners"] as? [Int] ?? []) == [a, c])
            let greedy = try #require(outcomes.first { $0["rule"] as? String == "greedy" })
            #expect(greedy["winners"] as? [Int] == [a, b], "greedy: lights and park (6 votes each) fill the budget")
            let parkResult = (binding["projects"] as? [[String: Any]])?.first { $0["id"] as? Int == b }
            #expect(parkResult?["reason"] as? String == "supporters_cannot_afford")

            let progress = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects/\(a)/progress",
                json: ["progress": "in_progress", "note": "เริ่มติดตั้งเสาไฟแล้ว"], headers: staff(token))
            #expect(progress.status == .ok)
            let loser = try await client.send(
                .post, "/api/v1/agency/budgets/\(round)/projects/\(b)/progress",
                json: ["progress": "in_progress", "note": "x"], headers: staff(token))
            #expect(loser.errorCode == "budget_project_not_selected")
            let final = try await client.send(.get, "/api/v1/budgets/\(round)")
            #expect(final.array("progress_updates").count == 1)
            #expect(final.array("projects").first { $0["id"] as? Int == a }?["progress"] as? String == "in_progress")
            #expect(final.array("ideas").first { $0["status"] as? String == "declined" }?["decline_reason"] as? String == "ไม่อยู่ในอำนาจหน้าที่ของเขต")

            // The statistics page shows the round with its turnout, winners and what they cost, in both languages.
            let thai = String(buffer: try await client.executeRequest(uri: "/stats", method: .get, headers: [:], body: nil).body)
            let row = try #require(thai.range(of: "<tr role=\"row\"><th scope=\"row\" role=\"rowheader\">งบชุมชนบางนา 2570</th>"))
            let line = String(thai[row.lowerBound...].prefix { $0 != "\n" })
            #expect(
                line.contains(">ประกาศผล<") && line.contains(">100.0%<") && line.contains(">2<") && line.contains(">900,000<"),
                "\(line)")
            let english = String(
                buffer: try await client.executeRequest(uri: "/stats", method: .get, headers: [.acceptLanguage: "en"], body: nil).body)
            #expect(english.contains("Participatory budgeting") && english.contains(">Results<"))
        }
    }
}
