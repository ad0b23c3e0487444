import Domain
import Foundation
import HTTPTypes
import Postgres
import Store
import TestSupport
import HummingbirdTesting
import Testing

@Suite("Agency handling")
struct AgencyTests {
    @Test("agency routes need a valid staff token")
    func authentication() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let none = try await client.send(.get, "/api/v1/agency/cases")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthenticated")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let bad = try await client.send(.get, "/api/v1/agency/cases", headers: [.authorization: "Bearer siang_nope"])
            #expect(bad.status == .unauthorized)
            let token = try await app.token(agency: "bma-district-1047")
            let me = try await client.send(.get, "/api/v1/agency/me", headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(me.string("agency.code") == "bma-district-1047")
        }
    }

    @Test("an officer handles a case from acceptance to result, each step in the timeline")
    func fullLifecycle() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            let (code, secret, _) = try await client.file(bangNaPothole)
            #expect(try await client.act(code, token: token, ["action": "accept", "note": "รับเรื่องแล้ว"]).string("status.code") == "accepted")
            #expect(try await client.act(code, token: token, ["action": "start"]).string("status.code") == "in_progress")
            let commented = try await client.act(code, token: token, ["action": "comment", "note": "ส่งทีมช่างแล้ว"])
            #expect(commented.string("status.code") == "in_progress")
            let internalNote = try await client.act(code, token: token, ["action": "comment", "note": "งบหมวดซ่อมบำรุง", "internal": true])
            #expect(internalNote.status == .ok)
            let resolved = try await client.act(code, token: token, ["action": "resolve", "result": "ซ่อมผิวถนนเรียบร้อยแล้ว"])
            #expect(resolved.string("status.code") == "resolved")
            #expect(resolved.string("resolution") == "ซ่อมผิวถนนเรียบร้อยแล้ว")
            let kinds = resolved.array("timeline").map { $0["kind"] as? String ?? "" }
            #expect(kinds == ["filed", "accepted", "started", "commented", "commented", "resolved"])

            // The citizen sees the result, not the internal note.
            let citizen = try await client.send(.get, "/api/v1/cases/\(code)", headers: [HTTPField.Name("X-Tracking-Secret")!: secret])
            let notes = citizen.array("timeline").compactMap { $0["note"] as? String }
            #expect(notes.contains("ส่งทีมช่างแล้ว"))
            #expect(!notes.contains("งบหมวดซ่อมบำรุง"))
            #expect(citizen.bool("can_rate") == true)
            #expect(citizen["acknowledged_at"] is String)
            #expect(citizen["first_answered_at"] is String)
        }
    }

    static let refusals: [(String, JSONObject, String)] = [
        ("assigned", ["action": "start"], "illegal_transition"),
        ("assigned", ["action": "resolve", "result": "เสร็จ"], "illegal_transition"),
        ("accepted", ["action": "accept"], "illegal_transition"),
        ("resolved", ["action": "accept"], "illegal_transition"),
        ("resolved", ["action": "start"], "illegal_transition"),
        ("resolved", ["action": "resolve", "result": "อีกครั้ง"], "illegal_transition"),
        ("resolved", ["action": "reject", "reason": "not_a_case"], "illegal_transition"),
        ("resolved", ["action": "transfer", "agency": "mea", "note": "n"], "illegal_transition"),
        ("rejected", ["action": "accept"], "illegal_transition"),
        ("rejected", ["action": "comment", "note": "n"], "illegal_transition"),
        ("rejected", ["action": "recategorise", "category": "drainage"], "illegal_transition"),
    ]

    @Test("every refused transition answers 409 with a clear message and changes nothing", arguments: refusals)
    func refusedTransitions(status: String, action: JSONObject, code: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            let (caseCode, _, _) = try await client.file(bangNaPothole)
            let path: [JSONObject] =
                switch status {
                case "accepted": [["action": "accept"]]
                case "resolved": [["action": "accept"], ["action": "resolve", "result": "ซ่อมแล้ว"]]
                case "rejected": [["action": "reject", "reason": "insufficient_information"]]
                default: []
                }
            for step in path { #expect(try await client.act(caseCode, token: token, step).status == .ok) }
            let before = try await client.send(.get, "/api/v1/agency/cases/\(caseCode)", headers: [.authorization: "Bearer \(token)"])
            let refused = try await client.act(caseCode, token: token, action)
            #expect(refused.status == .conflict, "\(action) in \(status)")
            #expect(refused.errorCode == code)
            #expect(refused.string("error.message_en")?.contains(status) == true)
            let after = try await client.send(.get, "/api/v1/agency/cases/\(caseCode)", headers: [.authorization: "Bearer \(token)"])
            #expect(after.string("status.code") == before.string("status.code"))
            #expect(after.array("timeline").count == before.array("timeline").count)
        }
    }

    @Test("officers never see or change another agency's cases")
    func crossAgency() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let other = try await app.token(agency: "bma-district-1001")
            let (code, _, _) = try await client.file(bangNaPothole)
            let read = try await client.send(.get, "/api/v1/agency/cases/\(code)", headers: [.authorization: "Bearer \(other)"])
            #expect(read.status == .notFound)
            let act = try await client.act(code, token: other, ["action": "accept"])
            #expect(act.status == .notFound)
            let list = try await client.send(.get, "/api/v1/agency/cases", headers: [.authorization: "Bearer \(other)"])
            #expect(list.array("cases").isEmpty)
            let owner = try await app.token(agency: "bma-district-1047")
            let ownList = try await client.send(.get, "/api/v1/agency/cases", headers: [.authorization: "Bearer \(owner)"])
            #expect(ownList.array("cases").map { $0["code"] as? String } == [code])
        }
    }

    @Test("reading a case shows the citizen's contact and logs who read it, when and why")
    func contactReadLogged() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            var body = bangNaPothole
            body["contact"] = ["name": "สมศรี", "phone": "0812345678"]
            body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
            let (code, _, _) = try await client.file(body)
            let read = try await client.send(
                .get, "/api/v1/agency/cases/\(code)?reason=%E0%B9%82%E0%B8%97%E0%B8%A3%E0%B8%99%E0%B8%B1%E0%B8%94", headers: [.authorization: "Bearer \(token)"])
            #expect(read.string("contact.phone") == "0812345678")
            #expect(read.string("view") == "staff")
            let log = try await app.database.pool.withConnection { connection in
                try connection.query(
                    "SELECT r.reason, r.staff_id IS NOT NULL, r.at IS NOT NULL FROM contact_reads r JOIN cases c ON c.id = r.case_id WHERE c.code = $1",
                    [code]
                ).rows.map(\.values)
            }
            #expect(log == [["โทรนัด", "t", "t"]])
        }
    }

    @Test("a transfer moves the case to the other agency, and ping-pong is refused")
    func transferAndLoopGuard() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let bangNa = try await app.token(agency: "bma-district-1047")
            let mea = try await app.token(agency: "mea")
            let (code, _, _) = try await client.file(bangNaPothole)
            let moved = try await client.act(code, token: bangNa, ["action": "transfer", "agency": "mea", "note": "เป็นเรื่องเสาไฟฟ้า"])
            #expect(moved.string("agency.code") == "mea")
            #expect(moved.string("status.code") == "assigned")
            #expect(try await client.act(code, token: bangNa, ["action": "comment", "note": "x"]).status == .notFound)
            let back = try await client.act(code, token: mea, ["action": "transfer", "agency": "bma-district-1047", "note": "ไม่ใช่ของเรา"])
            #expect(back.status == .ok)
            let again = try await client.act(code, token: bangNa, ["action": "transfer", "agency": "mea", "note": "ของคุณแน่นอน"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "transfer_loop")
            let unknown = try await client.act(code, token: bangNa, ["action": "transfer", "agency": "no-such-agency", "note": "x"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorCode == "unknown_agency")
        }
    }

    @Test("a triage officer places cases from the triage queue; an officer may not")
    func triagePlacement() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let triage = try await app.token(role: .triage, agency: nil)
            let officer = try await app.token(agency: "bma-district-1047")
            let (code, _, reply) = try await client.file(["text": "สวัสดีครับ ขอสอบถามหน่อย"])
            #expect(reply.string("status.code") == "triage")
            let queue = try await client.send(.get, "/api/v1/agency/triage", headers: [.authorization: "Bearer \(triage)"])
            #expect(queue.array("cases").map { $0["code"] as? String } == [code])
            let forbidden = try await client.send(.get, "/api/v1/agency/triage", headers: [.authorization: "Bearer \(officer)"])
            #expect(forbidden.status == .forbidden)
            let placed = try await client.act(code, token: triage, ["action": "place", "agency": "bma-district-1047", "category": "other"])
            #expect(placed.string("status.code") == "assigned")
            #expect(placed.string("agency.code") == "bma-district-1047")
            #expect(placed.string("category.code") == "other")
            let officerPlace = try await client.act(code, token: officer, ["action": "place", "agency": "mea"])
            #expect(officerPlace.status == .forbidden)
            #expect(try await client.act(code, token: officer, ["action": "accept"]).status == .ok)
        }
    }

    @Test("recategorising keeps the correction for retraining; merging closes the duplicate into the original")
    func recategoriseAndMerge() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            let original = try await client.file(bangNaPothole)
            let duplicate = try await client.file(bangNaPothole)
            let recategorised = try await client.act(original.code, token: token, ["action": "recategorise", "category": "drainage"])
            #expect(recategorised.string("category.code") == "drainage")
            #expect(recategorised.string("category.predicted") == "road")
            let merged = try await client.act(duplicate.code, token: token, ["action": "merge", "into": original.code])
            #expect(merged.string("status.code") == "merged")
            #expect(merged.string("merged_into") == original.code)
            let self_ = try await client.act(original.code, token: token, ["action": "merge", "into": original.code])
            #expect(self_.status == .conflict)
            let missing = try await client.act(original.code, token: token, ["action": "merge", "into": "SG-2026-ZZZZZZ"])
            #expect(missing.status == .unprocessableContent)
            // The correction is there for retraining, marked as one; the merged duplicate is not.
            let labelled = try await CaseStore(pool: app.database.pool).labelledCases()
            #expect(labelled.count == 1)
            #expect(labelled.first?.category == "drainage")
            #expect(labelled.first?.corrected == true)
        }
    }

    @Test("case lists filter by status, category and overdue, and page with a keyset cursor")
    func listing() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            var codes: [String] = []
            for _ in 0..<5 { codes.append(try await client.file(bangNaPothole).code) }
            _ = try await client.act(codes[0], token: token, ["action": "accept"])
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let accepted = try await client.send(.get, "/api/v1/agency/cases?status=accepted", headers: auth)
            #expect(accepted.array("cases").map { $0["code"] as? String } == [codes[0]])
            let page1 = try await client.send(.get, "/api/v1/agency/cases?limit=2", headers: auth)
            #expect(page1.array("cases").count == 2)
            let cursor = try #require(page1.string("next_cursor"))
            let page2 = try await client.send(.get, "/api/v1/agency/cases?limit=2&cursor=\(cursor)", headers: auth)
            let page3 = try await client.send(.get, "/api/v1/agency/cases?limit=2&cursor=\(page2.string("next_cursor") ?? "")", headers: auth)
            let seen = (page1.array("cases") + page2.array("cases") + page3.array("cases")).compactMap { $0["code"] as? String }
            #expect(Set(seen) == Set(codes))
            #expect(seen.count == 5)
            #expect(page3["next_cursor"] == nil || page3["next_cursor"] is NSNull)
            #expect(try await client.send(.get, "/api/v1/agency/cases?overdue=true", headers: auth).array("cases").isEmpty)
            app.clock.advance(days: 4)
            let overdue = try await client.send(.get, "/api/v1/agency/cases?overdue=true", headers: auth)
            #expect(overdue.array("cases").count == 4)  // the accepted one has acknowledged in time
            let bad = try await client.send(.get, "/api/v1/agency/cases?status=lost", headers: auth)
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_status")
        }
    }
}
