import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

@Suite("Duplicates: already reported?, me too, clusters and their merge")
struct DuplicateTests {
    let secretHeader = HTTPField.Name("X-Tracking-Secret")!
    let bangNa: JSONObject = ["province": "กรุงเทพมหานคร", "district": "บางนา"]

    func drain(_ text: String, public isPublic: Bool = true) -> JSONObject {
        ["text": text, "area": bangNa, "public": isPublic, "category": "drainage"]
    }

    @Test("a text about to be filed finds the open public case like it in the same district, with the words both share")
    func similarAtFiling() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (open, _, _) = try await client.file(drain("ท่อระบายน้ำหน้าตลาดบางนาอุดตัน ฝนตกทีไรน้ำท่วมขังทุกครั้ง"))
            _ = try await client.file(drain("ท่อระบายน้ำหน้าตลาดบางนาอุดตัน น้ำท่วมขัง เหม็นมาก", public: false))
            _ = try await client.file(["text": "ท่อระบายน้ำหน้าตลาดอุดตัน น้ำท่วมขัง", "area": ["province": "กรุงเทพมหานคร", "district": "บางกะปิ"]])
            let found = try await client.send(
                .post, "/api/v1/cases/similar", json: ["text": "หน้าตลาดบางนา น้ำท่วมขัง ท่อระบายน้ำตัน", "area": bangNa])
            #expect(found.status == .ok)
            let similar = found.array("similar")
            #expect(similar.map { $0["code"] as? String } == [open], "only the open public case of Bang Na: \(similar)")
            #expect((similar.first?["shared_words"] as? [String] ?? []).contains("บางนา"))
            #expect((similar.first?["score"] as? Double ?? 0) > 0)
            let empty = try await client.send(.post, "/api/v1/cases/similar", json: ["text": "  ", "area": bangNa])
            #expect(empty.status == .unprocessableContent)
        }
    }

    @Test("a question without a category is classified: a case of another problem at the same place weighs less than when the question names its category")
    func categoryOfTheQuestion() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (lamp, _, _) = try await client.file(
                ["text": "ไฟทางหน้าตลาดบางนาดับทั้งแถว กลางคืนมืดมาก", "area": bangNa, "category": "lighting"])
            let (drain, _, _) = try await client.file(self.drain("หน้าตลาดบางนา กลางคืนมืดมองไม่เห็นทาง ท่อระบายน้ำอุดตัน น้ำท่วมขัง"))
            func scores(_ body: JSONObject) async throws -> [String: Double] {
                let found = try await client.send(.post, "/api/v1/cases/similar", json: body)
                #expect(found.status == .ok)
                return Dictionary(
                    found.array("similar").compactMap { item in (item["code"] as? String).map { ($0, item["score"] as? Double ?? 0) } },
                    uniquingKeysWith: max)
            }
            let question = "หน้าตลาดบางนา กลางคืนไฟดับ มืดมองไม่เห็นทาง"
            let classified = try await scores(["text": question, "area": bangNa])
            let named = try await scores(["text": question, "area": bangNa, "category": "drainage"])
            #expect(classified.keys.contains(lamp))
            #expect((classified[drain] ?? 0) < (classified[lamp] ?? 0), "\(classified)")
            #expect((classified[drain] ?? 0) < (named[drain] ?? 0), "classified \(classified), named \(named)")
            let unknown = try await client.send(
                .post, "/api/v1/cases/similar", json: ["text": question, "area": bangNa, "category": "no_such_category"])
            #expect(unknown.status == .unprocessableContent && unknown.errorCode == "unknown_category")
        }
    }

    @Test("me too on a private or finished case is refused; on an open public case it gives the follower their own code")
    func meToo() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (privateCode, _, _) = try await client.file(drain("ไฟทางหน้าซอยบางนา 12 ดับ มืดมาก", public: false))
            let hidden = try await client.send(.post, "/api/v1/cases/\(privateCode)/me-too", json: [:])
            #expect(hidden.status == .notFound)

            let (withdrawn, withdrawnSecret, _) = try await client.file(drain("ไฟทางหน้าซอยบางนา 14 ดับ มืดมาก"))
            _ = try await client.send(.post, "/api/v1/cases/\(withdrawn)/withdraw", json: [:], headers: [secretHeader: withdrawnSecret])
            let closed = try await client.send(.post, "/api/v1/cases/\(withdrawn)/me-too", json: [:])
            #expect(closed.status == .conflict)
            #expect(closed.errorCode == "case_not_open")

            let (open, _, _) = try await client.file(drain("ไฟทางหน้าซอยบางนา 16 ดับ มืดมาก"))
            let followed = try await client.send(.post, "/api/v1/cases/\(open)/me-too", json: [:])
            #expect(followed.status == .created)
            let followCode = try #require(followed.string("code"))
            let followSecret = try #require(followed.string("secret"))
            #expect(followCode.hasPrefix("MT-"))
            #expect(followed.int("case.me_too_count") == 1)
            let publicView = try await client.send(.get, "/api/v1/cases/\(open)")
            #expect(publicView.int("me_too_count") == 1)
            let tracked = try await client.send(.get, "/api/v1/follows/\(followCode)", headers: [secretHeader: followSecret])
            #expect(tracked.status == .ok)
            #expect(tracked.string("case.code") == open)
            #expect(tracked.string("case.view") == "public")
            let wrong = try await client.send(.get, "/api/v1/follows/\(followCode)", headers: [secretHeader: "nope"])
            #expect(wrong.status == .notFound)
            let noConsent = try await client.send(
                .post, "/api/v1/cases/\(open)/me-too", json: ["contact": ["email": "a@example.org"], "notify": ["email"]])
            #expect(noConsent.status == .unprocessableContent)
        }
    }

    @Test("a merged cluster keeps every member's code working, and every citizen sees the result and may rate and appeal")
    func mergedCluster() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let texts = [
                "ท่อระบายน้ำหน้าตลาดบางนาอุดตัน ฝนตกน้ำท่วมขังทุกครั้ง",
                "หน้าตลาดบางนา น้ำท่วมขังไม่ระบาย ท่อระบายน้ำอุดตันเต็มไปด้วยขยะ",
                "ฝนตกทีไรหน้าตลาดบางนาน้ำท่วมขัง ท่อระบายน้ำอุดตัน",
            ]
            var filed: [(code: String, secret: String)] = []
            for text in texts {
                let (code, secret, reply) = try await client.file(drain(text))
                #expect(reply.string("agency.code") != nil)
                filed.append((code, secret))
            }
            let agency = try #require(try await client.send(.get, "/api/v1/cases/\(filed[0].code)").string("agency.code"))
            let token = try await app.token(agency: agency)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let consent: JSONObject = ["version": "2026-01", "accepted": true]
            let contact: JSONObject = ["email": "neighbour@example.org"]
            let me = try await client.send(
                .post, "/api/v1/cases/\(filed[0].code)/me-too", json: ["contact": contact, "consent": consent, "notify": ["email"]])
            #expect(me.status == .created)

            let likely = try await client.send(.get, "/api/v1/agency/cases/\(filed[0].code)/similar", headers: auth)
            #expect(Set(likely.array("similar").compactMap { $0["code"] as? String }) == Set(filed.dropFirst().map(\.code)))
            let clusters = try await client.send(.get, "/api/v1/agency/clusters", headers: auth)
            #expect(clusters.status == .ok)
            let cluster = try #require(clusters.array("clusters").first)
            #expect(cluster["size"] as? Int == 3)
            #expect(cluster["main"] as? String == filed[0].code)

            let merged = try await client.send(
                .post, "/api/v1/agency/clusters/merge", json: ["main": filed[0].code, "members": filed.dropFirst().map(\.code)],
                headers: auth)
            #expect(merged.status == .ok, "\(merged.json)")
            for member in filed.dropFirst() {
                let tracked = try await client.send(.get, "/api/v1/cases/\(member.code)", headers: [secretHeader: member.secret])
                #expect(tracked.status == .ok)
                #expect(tracked.string("status.code") == "merged")
                #expect(tracked.string("merged_into") == filed[0].code)
            }

            _ = try await client.act(filed[0].code, token: token, ["action": "accept"])
            _ = try await client.act(filed[0].code, token: token, ["action": "resolve", "result": "ลอกท่อระบายน้ำแล้ว"])
            for member in filed {
                let tracked = try await client.send(.get, "/api/v1/cases/\(member.code)", headers: [secretHeader: member.secret])
                #expect(tracked.string("status.code") == "resolved", "\(member.code): \(tracked.json)")
                #expect(tracked.string("resolution") == "ลอกท่อระบายน้ำแล้ว")
                #expect(tracked.bool("can_rate") == true)
            }
            let rated = try await client.send(
                .post, "/api/v1/cases/\(filed[1].code)/feedback", json: ["stars": 4], headers: [secretHeader: filed[1].secret])
            #expect(rated.status == .ok)
            let appealed = try await client.send(
                .post, "/api/v1/cases/\(filed[2].code)/reopen", json: ["reason": "น้ำยังท่วมอยู่"],
                headers: [secretHeader: filed[2].secret])
            #expect(appealed.status == .ok)
            #expect(appealed.string("status.code") == "in_progress")

            let follower = try await client.send(
                .get, "/api/v1/follows/\(me.string("code") ?? "")", headers: [secretHeader: me.string("secret") ?? ""])
            #expect(follower.string("case.status.code") == "resolved")
            let messages = try await app.database.pool.withConnection { connection in
                try connection.query(
                    "SELECT count(*) FROM outbox WHERE recipient = 'neighbour@example.org' AND event = 'case.resolved'"
                ).first?.int(0)
            }
            #expect(messages == 1)

            let figures = try await client.send(.get, "/api/v1/stats/duplicates")
            #expect(figures.int("totals.merged") == 2)
            #expect(figures.int("totals.me_too") == 1)
        }
    }
}
