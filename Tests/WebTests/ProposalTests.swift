import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Setup
import Store
import TestSupport
import Statistics
import Testing

/// A road proposal for Bang Na (district 1047 of Bangkok), which routing sends to the district office.
let bangNaProposal: JSONObject = [
    "title": "ทางเดินมีหลังคาจากสถานีบีทีเอสบางนาถึงตลาด",
    "text": "เสนอให้สร้างทางเดินมีหลังคาจากสถานีรถไฟฟ้าบางนาไปตลาด ฝนตกทุกวันคนเดินเปียก ติดต่อ 081-234-5678",
    "scope": "district", "province": "10", "district": "1047", "category": "sidewalk", "estimated_cost": 2_500_000,
]

/// The header the proposer's secret travels in, as for cases.
let proposalSecretHeader = HTTPField.Name("X-Tracking-Secret")!

/// Driving proposals through the API, as a citizen, moderators, supporters and an officer would.
struct ProposalDriver {
    let app: TestApp
    let client: any TestClientProtocol

    func propose(_ body: JSONObject = bangNaProposal) async throws -> (code: String, secret: String) {
        let reply = try await client.send(.post, "/api/v1/proposals", json: body)
        #expect(reply.status == .created, "proposing failed: \(reply.json)")
        return (try #require(reply.string("code")), try #require(reply.string("secret")))
    }

    func publish(_ code: String, moderator: String) async throws -> JSONReply {
        try await client.send(.post, "/api/v1/agency/proposals/\(code)/publish", headers: [.authorization: "Bearer \(moderator)"])
    }

    /// The code in the latest message the outbox holds for `address`.
    func sentCode(to address: String) async throws -> String {
        let body = try await app.database.pool.withConnection {
            try $0.query("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1", [address]).first?.string(0)
        }
        let text = try #require(body)
        return try #require(text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init))
    }

    /// A supporter token for `address`, through a one-time code read from the outbox.
    func supporterToken(_ address: String) async throws -> String {
        let sent = try await client.send(
            .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": address, "purpose": "support"])
        let id = try #require(sent.int("id"))
        let verified = try await client.send(
            .post, "/api/v1/proposals/supporters",
            json: ["code_id": id, "code": try await sentCode(to: address.trimmingCharacters(in: .whitespaces))])
        #expect(verified.status == .created, "verification failed: \(verified.json)")
        return try #require(verified.string("token"))
    }

    func support(_ code: String, token: String, notify: Bool = false) async throws -> JSONReply {
        try await client.send(.post, "/api/v1/proposals/\(code)/supports", json: ["token": token, "notify": notify])
    }

    func count(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query(sql, parameters).first!.int(0) }
    }
}

@Suite("Proposals")
struct ProposalTests {
    @Test("a proposal waits for a moderator, is published with its scope's threshold, and the public reads it redacted")
    func moderation() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        let officer = try await app.token(role: .officer, agency: "bma-district-1047")
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, secret) = try await driver.propose()
            #expect(code.hasPrefix("PR-"))
            #expect(try await client.send(.get, "/api/v1/proposals/\(code)").status == .notFound, "unpublished is not public")
            let own = try await client.send(.get, "/api/v1/proposals/\(code)", headers: [proposalSecretHeader: secret])
            #expect(own.status == .ok && own.string("status") == "pending" && own.string("text")?.contains("081-234-5678") == true)

            let byOfficer = try await driver.publish(code, moderator: officer)
            #expect(byOfficer.status == .forbidden, "officers do not moderate")
            let published = try await driver.publish(code, moderator: moderator)
            #expect(published.status == .ok && published.string("status") == "published")
            #expect(published.int("threshold") == 300, "a district needs 300 supports by default")
            #expect(try await driver.publish(code, moderator: moderator).errorCode == "invalid_proposal_status")

            let seen = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(seen.status == .ok && seen.string("text")?.contains("081-234-5678") == false)
            #expect(seen.string("text")?.contains("[เบอร์โทร]") == true)
            let listed = try await client.send(.get, "/api/v1/proposals?scope=district&topic=sidewalk&sort=newest")
            #expect(listed.array("proposals").map { $0["code"] as? String } == [code])
        }
    }

    @Test("a district's moderator publishes and rejects that district's proposals only, and sees only theirs waiting")
    func areaModerators() async throws {
        let app = try await TestApp.make()
        let accounts = StaffAccounts(store: StaffStore(pool: app.database.pool))
        let bangNa = try await accounts.createToken(
            role: .officer, agencyCode: "bma-district-1047", name: "Bang Na's moderator", moderatesArea: "1047").token
        let bangkok = try await accounts.createToken(
            role: .officer, agencyCode: "bma-district-1004", name: "Bangkok's moderator", moderatesArea: "10").token
        await #expect(throws: DomainError.self, "a subdistrict is no proposal scope") {
            _ = try await accounts.createToken(role: .officer, agencyCode: "bma-district-1047", name: "x", moderatesArea: "104701")
        }
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            var bangRakProposal = bangNaProposal
            bangRakProposal["district"] = "1004"
            var bangkokProposal = bangNaProposal
            bangkokProposal["scope"] = "province"
            bangkokProposal["district"] = nil
            let inBangNa = try await driver.propose()
            let inBangRak = try await driver.propose(bangRakProposal)
            let wholeCity = try await driver.propose(bangkokProposal)

            let queue = try await client.send(.get, "/api/v1/agency/proposals/moderation", headers: [.authorization: "Bearer \(bangNa)"])
            #expect(queue.status == .ok)
            #expect(queue.array("pending").map { $0["code"] as? String } == [inBangNa.code], "only Bang Na's proposal waits for them")

            #expect(try await driver.publish(inBangRak.code, moderator: bangNa).status == .notFound, "another district's is not theirs")
            #expect(try await driver.publish(wholeCity.code, moderator: bangNa).status == .notFound, "nor the province's")
            #expect(try await driver.publish(inBangNa.code, moderator: bangNa).string("status") == "published")

            let rejected = try await client.send(
                .post, "/api/v1/agency/proposals/\(inBangRak.code)/reject", json: ["reason": "not_public_matter"],
                headers: [.authorization: "Bearer \(bangkok)"])
            #expect(rejected.status == .ok && rejected.string("proposal.status") == "rejected", "the province's moderator covers its districts: \(rejected.json)")
            #expect(try await driver.publish(wholeCity.code, moderator: bangkok).string("status") == "published")
        }
    }

    @Test("a second support from the same verified address changes nothing and says so; the address is never stored")
    func oneSupportPerPerson() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            let (other, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            _ = try await driver.publish(other, moderator: moderator)
            let token = try await driver.supporterToken("Somsri@Example.com")
            let first = try await driver.support(code, token: token)
            #expect(first.status == .created && first.string("result") == "supported" && first.int("supports") == 1)
            let second = try await driver.support(code, token: token)
            #expect(second.status == .ok && second.string("result") == "already_supported" && second.int("supports") == 1)
            // The same person verified again under another spelling is the same supporter.
            let again = try await driver.supporterToken("somsri@example.com ")
            #expect(try await driver.support(code, token: again).string("result") == "already_supported")
            // One verification supports several proposals while the token lasts.
            #expect(try await driver.support(other, token: token).string("result") == "supported")
            #expect(try await driver.count("SELECT supports FROM proposals WHERE code = $1", [code]) == 1)
            #expect(
                try await driver.count(
                    "SELECT count(*) FROM proposal_supports WHERE position(convert_to('somsri', 'UTF8') in supporter) > 0") == 0)

            let withdrawn = try await client.send(.post, "/api/v1/proposals/\(code)/supports/withdraw", json: ["token": token])
            #expect(withdrawn.string("result") == "withdrawn" && withdrawn.int("supports") == 0)
            let twice = try await client.send(.post, "/api/v1/proposals/\(code)/supports/withdraw", json: ["token": token])
            #expect(twice.string("result") == "not_supported" && twice.int("supports") == 0)
            let forged = try await driver.support(code, token: String(token.dropLast(2)) + "AA")
            #expect(forged.status == .unauthorized && forged.errorCode == "invalid_supporter_token")
        }
    }

    @Test("50 concurrent supports that cross the threshold route the proposal exactly once")
    func crossingOnce() async throws {
        let app = try await TestApp.make(environment: [
            "SIANG_PROPOSALS_THRESHOLD_DISTRICT": "20", "SIANG_PROPOSALS_BURST_SUPPORTS": "0",
        ])
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            var body = bangNaProposal
            body["contact"] = ["email": "proposer@example.com"] as JSONObject
            body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
            body["notify"] = ["email"]
            let (code, _) = try await driver.propose(body)
            _ = try await driver.publish(code, moderator: moderator)
            var tokens: [String] = []
            for index in 0..<50 { tokens.append(try await driver.supporterToken("person\(index)@example.com")) }
            let replies = try await withThrowingTaskGroup(of: JSONReply.self) { group in
                for token in tokens { group.addTask { try await driver.support(code, token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .created })
            #expect(replies.filter { $0.bool("threshold_reached") == true }.count == 1)
            let proposal = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(proposal.string("status") == "routed" && proposal.int("supports") == 50)
            #expect(proposal.string("agency.code") == "bma-district-1047")
            #expect(proposal.string("answer.due") != nil)
            #expect(
                try await driver.count(
                    "SELECT count(*) FROM proposal_events e JOIN proposals p ON p.id = e.proposal_id WHERE p.code = $1 AND e.kind = 'threshold_reached'",
                    [code]) == 1)
            #expect(
                try await driver.count(
                    "SELECT count(*) FROM outbox WHERE event = 'proposal.threshold_reached' AND recipient = 'proposer@example.com'") == 1)
        }
    }

    @Test("one person supporting twice at the same moment counts once, however the supports are batched")
    func concurrentRepeat() async throws {
        let app = try await TestApp.make(environment: ["SIANG_PROPOSALS_BURST_SUPPORTS": "0"])
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            let (other, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            _ = try await driver.publish(other, moderator: moderator)
            let token = try await driver.supporterToken("twice@example.com")
            // Ten supports of one proposal and one of another, all sent at once by the same person.
            let replies = try await withThrowingTaskGroup(of: (String, JSONReply).self) { group in
                for _ in 0..<10 { group.addTask { (code, try await driver.support(code, token: token)) } }
                group.addTask { (other, try await driver.support(other, token: token)) }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let ofFirst = replies.filter { $0.0 == code }.map { $0.1.string("result") }
            #expect(ofFirst.filter { $0 == "supported" }.count == 1)
            #expect(ofFirst.filter { $0 == "already_supported" }.count == 9)
            #expect(replies.first { $0.0 == other }?.1.string("result") == "supported")
            #expect(try await client.send(.get, "/api/v1/proposals/\(code)").int("supports") == 1)
            #expect(try await client.send(.get, "/api/v1/proposals/\(other)").int("supports") == 1)
        }
    }

    @Test("the proposer follows a pending proposal on the web with its code and secret; the public still sees nothing")
    func proposerPage() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, secret) = try await driver.propose()
            let stranger = Browser(client)
            #expect(try await stranger.get("/proposals/\(code)").status == .notFound)

            let proposer = Browser(client)
            let form = try await proposer.get("/track")
            let wrong = try await proposer.post("/track", [("code", code), ("secret", "wrongsecret")], csrf: form.csrf)
            #expect(wrong.status == .notFound)
            let right = try await proposer.post("/track", [("code", code.lowercased()), ("secret", secret)], csrf: form.csrf)
            #expect(right.status == .seeOther && right.location == "/proposals/\(code)")
            let pending = try await proposer.get("/proposals/\(code)")
            #expect(pending.status == .ok)
            #expect(pending.html.contains("data-status=\"pending\"") && pending.html.contains("id=\"proposal-owner-notice\""))
            #expect(try await stranger.get("/proposals/\(code)").status == .notFound, "the secret stays with its browser")

            _ = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/reject", json: ["reason": "illegal", "note": "ขัดต่อกฎหมาย"],
                headers: [.authorization: "Bearer \(moderator)"])
            let rejected = try await proposer.get("/proposals/\(code)")
            #expect(rejected.html.contains("data-status=\"rejected\"") && rejected.html.contains("ขัดต่อกฎหมาย"))
        }
    }

    @Test("an expired proposal accepts no support, and says it expired")
    func expiry() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            app.clock.advance(days: 91)
            let late = try await driver.support(code, token: try await driver.supporterToken("later@example.com"))
            #expect(late.status == .conflict && late.errorCode == "proposal_closed", "the period has ended even before upkeep runs")
            let services = app.runtime.services(caseCacheLifetime: .zero, statisticsCacheLifetime: .zero, liveStatistics: false)
            #expect(try await services.proposals.upkeep().expired == 1)
            let after = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(after.string("status") == "expired")
            #expect(after.array("timeline").contains { $0["kind"] as? String == "expired" })
            let refused = try await driver.support(code, token: try await driver.supporterToken("last@example.com"))
            #expect(refused.status == .conflict && refused.errorCode == "proposal_closed")
            #expect(try await driver.count("SELECT count(*) FROM proposal_supports") == 0)
        }
    }

    @Test("a proposal rejected as a private complaint becomes a case with its text and contact, opened by the same secret")
    func conversion() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            var body = bangNaProposal
            body["title"] = "บ้านข้างๆ เปิดเพลงเสียงดังทุกคืน"
            body["text"] = "ขอให้ช่วยเตือนบ้านเลขที่ 12 ที่เปิดเพลงดังจนตีสองทุกคืน"
            body["category"] = "noise"
            body["contact"] = ["name": "สมศรี", "phone": "0812345678"] as JSONObject
            body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
            let (code, secret) = try await driver.propose(body)
            let rejected = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/reject", json: ["reason": "private_complaint"],
                headers: [.authorization: "Bearer \(moderator)"])
            #expect(rejected.status == .ok && rejected.string("proposal.status") == "rejected")
            let caseCode = try #require(rejected.string("case_code"))
            #expect(caseCode.hasPrefix("SG-"))
            let tracked = try await client.send(.get, "/api/v1/cases/\(caseCode)", headers: [proposalSecretHeader: secret])
            #expect(tracked.status == .ok && tracked.string("text") == body["text"] as? String)
            let staffView = try await client.send(
                .get, "/api/v1/agency/cases/\(caseCode)", headers: [.authorization: "Bearer \(moderator)"])
            #expect(staffView.string("contact.name") == "สมศรี" && staffView.string("contact.phone") == "0812345678")
            #expect(try await driver.count("SELECT count(*) FROM proposal_contacts") == 0, "the contact is not kept twice")
            let own = try await client.send(.get, "/api/v1/proposals/\(code)", headers: [proposalSecretHeader: secret])
            #expect(own.string("rejection.case_code") == caseCode)
        }
    }

    @Test("a burst of supports from one network is flagged for moderators, who may count it")
    func bursts() async throws {
        let app = try await TestApp.make(environment: ["SIANG_PROPOSALS_BURST_SUPPORTS": "3"])
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            var results: [String] = []
            for index in 0..<5 {
                results.append(try await driver.support(code, token: try await driver.supporterToken("b\(index)@example.com")).string("result") ?? "")
            }
            #expect(results == ["supported", "supported", "supported", "flagged", "flagged"])
            #expect(try await client.send(.get, "/api/v1/proposals/\(code)").int("supports") == 3)
            let auth: HTTPFields = [.authorization: "Bearer \(moderator)"]
            let queue = try await client.send(.get, "/api/v1/agency/proposals/moderation", headers: auth)
            #expect(queue.array("flagged_supports").map { $0["code"] as? String } == [code])
            let flagged = try await client.send(.get, "/api/v1/agency/proposals/\(code)/flagged-supports", headers: auth)
            #expect(flagged.array("supports").count == 2)
            let confirmed = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/flagged-supports", json: ["decision": "confirm"], headers: auth)
            #expect(confirmed.int("decided") == 2 && confirmed.int("proposal.supports") == 5)
        }
    }

    @Test("the agency answers a routed proposal publicly; another agency cannot; adopted ones report progress to the end")
    func answers() async throws {
        let app = try await TestApp.make(environment: ["SIANG_PROPOSALS_THRESHOLD_DISTRICT": "1"])
        let moderator = try await app.token(role: .triage, agency: nil)
        let officer = try await app.token(role: .officer, agency: "bma-district-1047")
        let stranger = try await app.token(role: .officer, agency: "bma-district-1001")
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            let early = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/answer", json: ["answer": "adopted", "text": "ได้"],
                headers: [.authorization: "Bearer \(officer)"])
            #expect(early.status == .conflict, "no answer is owed before the threshold")
            let token = try await driver.supporterToken("fan@example.com")
            #expect(try await driver.support(code, token: token, notify: true).bool("threshold_reached") == true)
            let inbox = try await client.send(.get, "/api/v1/agency/proposals", headers: [.authorization: "Bearer \(officer)"])
            #expect(inbox.array("proposals").map { $0["code"] as? String } == [code])
            let other = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/answer", json: ["answer": "declined", "text": "ไม่"],
                headers: [.authorization: "Bearer \(stranger)"])
            #expect(other.status == .notFound)
            let study = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/answer", json: ["answer": "under_study", "text": "กำลังศึกษา"],
                headers: [.authorization: "Bearer \(officer)"])
            #expect(study.errorCode == "invalid_study_until", "under study needs a date")
            let answered = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/answer",
                json: ["answer": "adopted", "text": "สำนักงานเขตบางนาจะสร้างหลังคาในปีงบประมาณ 2570"],
                headers: [.authorization: "Bearer \(officer)"])
            #expect(answered.status == .ok && answered.string("answer.kind") == "adopted" && answered.bool("answer.late") == false)
            let seen = try await client.send(.get, "/api/v1/proposals/\(code)")
            #expect(seen.string("answer.text")?.contains("2570") == true && seen.string("status") == "answered")
            #expect(try await driver.count("SELECT count(*) FROM outbox WHERE event = 'proposal.answered' AND recipient = 'fan@example.com'") == 1)
            let done = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/progress", json: ["note": "สร้างเสร็จแล้ว", "implemented": true],
                headers: [.authorization: "Bearer \(officer)"])
            #expect(done.string("status") == "implemented")
            #expect(try await driver.count("SELECT count(*) FROM proposal_subscriptions WHERE support_id IS NOT NULL") == 0,
                "supporters' addresses go once nothing more will be said")
        }
    }

    @Test("similar proposals are found by the words they share, before posting")
    func similarity() async throws {
        let app = try await TestApp.make()
        let moderator = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            let before = try await client.send(
                .post, "/api/v1/proposals/similar", json: ["title": "หลังคาทางเดินสถานีบางนา", "text": "อยากได้ทางเดินมีหลังคาไปตลาด"])
            #expect(before.array("proposals").isEmpty, "an unpublished proposal is not suggested")
            _ = try await driver.publish(code, moderator: moderator)
            let after = try await client.send(
                .post, "/api/v1/proposals/similar", json: ["title": "หลังคาทางเดินสถานีบางนา", "text": "อยากได้ทางเดินมีหลังคาไปตลาด"])
            #expect(after.array("proposals").map { $0["code"] as? String } == [code])
            let unrelated = try await client.send(.post, "/api/v1/proposals/similar", json: ["title": "สุนัขจรจัด", "text": "หมาเยอะมาก"])
            #expect(unrelated.array("proposals").isEmpty)
        }
    }

    @Test("proposals count in statistics, and open data holds public proposals with public fields only")
    func statisticsAndOpenData() async throws {
        let app = try await TestApp.make(environment: ["SIANG_PROPOSALS_THRESHOLD_DISTRICT": "1"])
        let moderator = try await app.token(role: .triage, agency: nil)
        let officer = try await app.token(role: .officer, agency: "bma-district-1047")
        try await app.run { client in
            let driver = ProposalDriver(app: app, client: client)
            let (code, _) = try await driver.propose()
            let (hidden, _) = try await driver.propose()
            _ = try await driver.publish(code, moderator: moderator)
            _ = try await driver.support(code, token: try await driver.supporterToken("one@example.com"))
            _ = try await client.send(
                .post, "/api/v1/agency/proposals/\(code)/answer", json: ["answer": "declined", "text": "งบประมาณไม่พอ"],
                headers: [.authorization: "Bearer \(officer)"])
            let stats = try await client.send(.get, "/api/v1/stats/proposals")
            #expect(stats.array("by_status").first { $0["code"] as? String == "answered" }?["proposals"] as? Int == 1)
            #expect(stats.array("by_topic").first?["code"] as? String == "sidewalk")
            let agency = try #require(stats.array("agencies").first)
            #expect(agency["answered_in_time"] as? Int == 1 && agency["share_answered_in_time"] as? Double == 1)
            #expect(stats.array("supports_per_month").map { $0["supports"] as? Int } == [1])

            // In the league table the agency's answers to proposals stand beside its complaints.
            let (_, _, filed) = try await client.file(bangNaPothole)
            #expect(filed.string("agency.code") == "bma-district-1047")
            app.runtime.statistics.live.apply()
            let league = try await client.send(.get, "/api/v1/stats/agencies?min_cases=0")
            let district = try #require(
                (league.array("ranked") + league.array("unranked")).first { entry in
                    ((entry["key"] as? [String: Any])?["agency"] as? [String: Any])?["code"] as? String == "bma-district-1047"
                })
            let answers = try #require(district["proposals"] as? [String: Any])
            #expect(answers["reached_threshold"] as? Int == 1 && answers["answered_in_time"] as? Int == 1)
            #expect(answers["share_answered_in_time"] as? Double == 1)

            let csv = try await client.executeRequest(uri: "/api/v1/open-data/proposals.csv", method: .get, headers: [:], body: nil)
            let text = String(decoding: csv.body.readableBytesView, as: UTF8.self)
            #expect(text.contains(code) && !text.contains(hidden), "only published proposals")
            #expect(!text.contains("081-234-5678") && text.contains("[เบอร์โทร]"), "the redacted text only")
            let lines = try await client.executeRequest(uri: "/api/v1/open-data/proposals.json", method: .get, headers: [:], body: nil)
            let first = String(decoding: lines.body.readableBytesView, as: UTF8.self).split(separator: "\n").first ?? ""
            let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            #expect(object["code"] as? String == code && object["supports"] as? Int == 1 && object["answer"] as? String == "declined")
            let catalog = try await client.send(.get, "/api/v1/open-data/catalog.json")
            #expect(catalog.array("dcat:dataset").contains { $0["dct:identifier"] as? String == "siang-proposals" })
        }
    }

    @Test(
        "bad proposals are refused with the field named, and nothing is stored",
        arguments: [
            (["title": "", "text": "x"] as JSONObject, "missing_title"),
            (["title": String(repeating: "ก", count: 121), "text": "x"] as JSONObject, "title_too_long"),
            (["title": "t", "text": String(repeating: "ก", count: 5001)] as JSONObject, "text_too_long"),
            (["title": "t", "text": "x", "scope": "galaxy"] as JSONObject, "invalid_scope"),
            (["title": "t", "text": "x", "scope": "district", "province": "10"] as JSONObject, "unknown_area"),
            (["title": "t", "text": "x", "category": "nothing"] as JSONObject, "unknown_category"),
            (["title": "t", "text": "x", "estimated_cost": -5] as JSONObject, "invalid_estimated_cost"),
            (["title": "t", "text": "x", "contact": ["phone": "0812345678"]] as JSONObject, "consent_required"),
        ])
    func refusals(body: JSONObject, code: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(.post, "/api/v1/proposals", json: body)
            #expect(reply.status == .unprocessableContent && reply.errorCode == code, "\(reply.json)")
            #expect(try await ProposalDriver(app: app, client: client).count("SELECT count(*) FROM proposals") == 0)
        }
    }
}
