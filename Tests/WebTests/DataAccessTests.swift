import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing
@testable import Web

/// PDPA (issue 11.12): the citizen sees which agency read their contact details, when and why,
/// and may have them erased once the case is finished.
@Suite("Who used the citizen's contact details, and their erasure")
struct DataAccessTests {
    let secretHeader = HTTPField.Name("X-Tracking-Secret")!
    static let officerName = "สมหญิง ผู้อ่านข้อมูล"

    /// The pothole case with contact details and consent.
    static var withContact: JSONObject {
        var body = bangNaPothole
        body["contact"] = ["name": "สมศรี มีสุข", "phone": "0812345678", "email": "somsri@example.com"] as JSONObject
        body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
        return body
    }

    /// A Bang Na officer with a name of their own, and their token.
    func officer(_ app: TestApp) async throws -> (token: String, staff: StaffMember) {
        try await StaffAccounts(store: StaffStore(pool: app.database.pool))
            .createToken(role: .officer, agencyCode: "bma-district-1047", name: Self.officerName)
    }

    func readContact(
        _ client: any TestClientProtocol, code: String, token: String, reason: String
    ) async throws -> JSONReply {
        let encoded = reason.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await client.send(
            .get, "/api/v1/agency/cases/\(code)?reason=\(encoded)", headers: [.authorization: "Bearer \(token)"])
    }

    /// Whether a JSON value is missing or null.
    func absent(_ value: Any?) -> Bool { value == nil || value is NSNull }

    func count(_ app: TestApp, _ sql: String, _ code: String) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query(sql, [code]).first!.int(0) }
    }

    @Test("the list shows the agency, the time and the reason of each reading, never the officer's name or id")
    func accessList() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret, _) = try await client.file(Self.withContact)
            let empty = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(empty.status == .ok)
            #expect(empty.bool("contact.held") == true)
            #expect(empty.string("contact.consent_version") == "2026-01")
            #expect(empty.array("access").isEmpty)
            #expect(empty.bool("can_erase") == false)

            let (token, staff) = try await officer(app)
            #expect(try await readContact(client, code: code, token: token, reason: "โทรนัดตรวจหน้างาน").status == .ok)
            app.clock.advance(days: 1)
            let triage = try await app.token(role: .triage, agency: nil)
            #expect(try await readContact(client, code: code, token: triage, reason: "ตรวจสอบการคัดกรอง").status == .ok)

            let list = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(list.status == .ok)
            #expect(list.headers[.cacheControl] == "no-store")
            let access = list.array("access")
            try #require(access.count == 2)
            #expect(access[0]["kind"] as? String == "read")
            #expect((access[0]["agency"] as? [String: Any])?["code"] as? String == "bma-district-1047")
            #expect(((access[0]["agency"] as? [String: Any])?["name_th"] as? String)?.isEmpty == false)
            #expect(access[0]["role"] as? String == "officer")
            #expect(access[0]["reason"] as? String == "โทรนัดตรวจหน้างาน")
            #expect((access[0]["at"] as? String)?.hasSuffix("+07:00") == true)
            #expect(absent(access[1]["agency"]), "the triage desk belongs to no agency")
            #expect(access[1]["role"] as? String == "triage")
            #expect(access[1]["reason"] as? String == "ตรวจสอบการคัดกรอง")
            #expect((access[0]["at"] as? String ?? "") < (access[1]["at"] as? String ?? ""), "oldest first")
            for entry in access {
                #expect(Set(entry.keys).isSubset(of: ["kind", "at", "agency", "role", "reason"]))
                #expect(!entry.values.contains { $0 is NSNumber }, "no staff id, nor any other number")
            }

            let raw = String(decoding: try JSONSerialization.data(withJSONObject: list.json), as: UTF8.self)
            #expect(!raw.contains(Self.officerName))
            #expect(!raw.contains("test triage"))
            #expect(!raw.contains("staff"))
            #expect(staff.name == Self.officerName)
        }
    }

    @Test("a missing or wrong secret is refused exactly as on the other citizen routes", arguments: ["data-access", "erase-contact"])
    func secretRequired(route: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let method: HTTPRequest.Method = route == "data-access" ? .get : .post
            let (code, _, _) = try await client.file(Self.withContact)
            var privateCase = Self.withContact
            privateCase["public"] = false
            let (hidden, _, _) = try await client.file(privateCase)

            let cases: [(String, HTTPFields, HTTPResponse.Status, String)] = [
                (code, [:], .unauthorized, "secret_required"),
                (code, [secretHeader: "wrongsecret"], .forbidden, "invalid_secret"),
                (hidden, [secretHeader: "wrongsecret"], .notFound, "case_not_found"),
                ("SG-2026-AAAAAA", [secretHeader: "wrongsecret"], .notFound, "case_not_found"),
            ]
            for (target, headers, status, errorCode) in cases {
                let reply = try await client.send(method, "/api/v1/cases/\(target)/\(route)", headers: headers)
                let withdraw = try await client.send(.post, "/api/v1/cases/\(target)/withdraw", headers: headers)
                #expect(reply.status == status, "\(route) \(target) \(headers)")
                #expect(reply.errorCode == errorCode)
                #expect(reply.status == withdraw.status && reply.errorCode == withdraw.errorCode, "same as withdraw")
                #expect(reply.string("error.message_th")?.isEmpty == false)
                #expect(reply.string("error.message_en")?.isEmpty == false)
                #expect(reply.string("error.request_id") != nil)
            }
            // Nothing was erased by the refused requests.
            #expect(try await count(app, "SELECT count(*) FROM case_contacts k JOIN cases c ON c.id = k.case_id WHERE c.code = $1", code) == 1)
        }
    }

    @Test("erasure is refused with 409 case_not_finished while the case is open or can still be appealed")
    func erasureRefusedBeforeFinished() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (token, _) = try await officer(app)
            let (code, secret, _) = try await client.file(Self.withContact)
            let open = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret])
            #expect(open.status == .conflict)
            #expect(open.errorCode == "case_not_finished")
            #expect(open.string("error.message_th")?.contains("สิ้นสุด") == true)
            #expect(open.string("error.message_en")?.contains("assigned") == true)
            let english = try await client.send(
                .post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret, .acceptLanguage: "en"])
            #expect(english.string("error.message") == english.string("error.message_en"))

            _ = try await client.act(code, token: token, ["action": "accept"])
            _ = try await client.act(code, token: token, ["action": "resolve", "result": "ซ่อมแล้ว"])
            let resolved = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret])
            #expect(resolved.status == .conflict)
            #expect(resolved.errorCode == "case_not_finished")

            #expect(try await readContact(client, code: code, token: token, reason: "ยืนยันผล").string("contact.phone") == "0812345678")
            let access = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(access.bool("contact.held") == true)
            #expect(!access.array("access").contains { $0["kind"] as? String != "read" })
        }
    }

    @Test("after closing, erasure removes the contact, keeps the case and its public text, and is logged once")
    func erasureAfterClosing() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (token, _) = try await officer(app)
            let (code, secret, _) = try await client.file(Self.withContact)
            _ = try await client.act(code, token: token, ["action": "accept"])
            #expect(try await readContact(client, code: code, token: token, reason: "โทรนัด").string("contact.phone") == "0812345678")
            _ = try await client.act(code, token: token, ["action": "resolve", "result": "ซ่อมผิวถนนแล้ว"])
            app.clock.advance(days: 31)
            let closed = try await CaseStore(pool: app.database.pool).closeResolved(
                before: app.clock.now().addingTimeInterval(-30 * 86_400), at: app.clock.now())
            #expect(closed == 1)
            let before = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(before.string("status.code") == "closed")
            #expect(before.bool("can_erase") == true)

            let erased = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret])
            #expect(erased.status == .ok)
            #expect(erased.string("result") == "erased")
            let erasedAt = try #require(erased.string("erased_at"))
            #expect(erased.string("message_th")?.isEmpty == false && erased.string("message_en")?.isEmpty == false)

            // Staff now find no contact details, gracefully, and the timeline says why.
            let staffView = try await readContact(client, code: code, token: token, reason: "ติดตามผล")
            #expect(staffView.status == .ok)
            #expect(absent(staffView["contact"]))
            #expect(staffView.array("timeline").contains { $0["kind"] as? String == "contact_erased" })
            #expect(try await count(app, "SELECT count(*) FROM case_contacts k JOIN cases c ON c.id = k.case_id WHERE c.code = $1", code) == 0)
            #expect(try await count(app, "SELECT count(*) FROM contact_reads r JOIN cases c ON c.id = r.case_id WHERE c.code = $1", code) == 1,
                "the reads log stays (and the reading without contact details is not logged)")

            // The case and its public text stay; the public does not learn of the erasure.
            let publicView = try await client.send(.get, "/api/v1/cases/\(code)")
            #expect(publicView.status == .ok)
            #expect(publicView.string("text")?.hasPrefix("ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก") == true)
            #expect(publicView.string("status.code") == "closed")
            #expect(!publicView.array("timeline").contains { $0["kind"] as? String == "contact_erased" })
            let citizen = try await client.send(.get, "/api/v1/cases/\(code)", headers: [secretHeader: secret])
            let erasure = citizen.array("timeline").filter { $0["kind"] as? String == "contact_erased" }
            #expect(erasure.count == 1)
            #expect(erasure.first?["actor"] as? String == "citizen")

            // The data-access list shows the reading, then the erasure.
            let access = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(access.bool("contact.held") == false)
            #expect(access.string("contact.erased_at") == erasedAt)
            #expect(access.bool("can_erase") == false)
            #expect(access.array("access").map { $0["kind"] as? String } == ["read", "erased_on_request"])

            // Asking again answers 200 and changes nothing.
            let again = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret])
            #expect(again.status == .ok)
            #expect(again.string("result") == "already_erased")
            #expect(again.string("erased_at") == erasedAt)
            #expect(try await count(app, "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.code = $1 AND e.kind = 'contact_erased'", code) == 1)
        }
    }

    @Test("a withdrawn case without contact details has nothing to erase, and nothing is logged")
    func nothingToErase() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            _ = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", headers: [secretHeader: secret])
            let reply = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [secretHeader: secret])
            #expect(reply.status == .ok)
            #expect(reply.string("result") == "nothing_to_erase")
            #expect(absent(reply["erased_at"]))
            let access = try await client.send(.get, "/api/v1/cases/\(code)/data-access", headers: [secretHeader: secret])
            #expect(access.bool("contact.held") == false)
            #expect(access.array("access").isEmpty)
        }
    }

    @Test("maintenance erases contact details two years after a case finished, and only then")
    func retention() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (old, oldSecret, _) = try await client.file(Self.withContact)
            _ = try await client.send(.post, "/api/v1/cases/\(old)/withdraw", headers: [secretHeader: oldSecret])
            let (stillOpen, _, _) = try await client.file(Self.withContact)
            app.clock.advance(days: 700)
            let (recent, recentSecret, _) = try await client.file(Self.withContact)
            _ = try await client.send(.post, "/api/v1/cases/\(recent)/withdraw", headers: [secretHeader: recentSecret])
            app.clock.advance(days: 31)

            let maintenance = MaintenanceService(
                upkeep: CaseUpkeep(store: CaseStore(pool: app.database.pool), rules: app.runtime.rules, clock: { app.clock.now() }),
                interval: .seconds(3600), logger: Logger(label: "test"))
            await maintenance.runOnce()
            let held = "SELECT count(*) FROM case_contacts k JOIN cases c ON c.id = k.case_id WHERE c.code = $1"
            #expect(try await count(app, held, old) == 0)
            #expect(try await count(app, held, stillOpen) == 1, "an open case keeps its contact however old")
            #expect(try await count(app, held, recent) == 1, "finished 31 days ago")

            let access = try await client.send(.get, "/api/v1/cases/\(old)/data-access", headers: [secretHeader: oldSecret])
            #expect(access.array("access").map { $0["kind"] as? String } == ["erased_by_retention"])
            await maintenance.runOnce()
            #expect(try await count(app, "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.code = $1 AND e.kind = 'contact_erased'", old) == 1)
        }
    }

    @Test("the citizen's case page lists each reading by agency, and offers erasure once the case is finished")
    func casePage() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let citizen = Browser(client)
            let (code, secret) = try await citizen.file(
                potholeForm + [("contact_name", "สมชาย ใจดี"), ("contact_phone", "081-234-5678"), ("consent", "yes")])
            let agencyCode = try #require(
                app.runtime.reference.router.route(category: "road", area: CaseArea(provinceCode: "10", districtCode: "1047")).agencyCode)
            let (token, _) = try await StaffAccounts(store: StaffStore(pool: app.database.pool))
                .createToken(role: .officer, agencyCode: agencyCode, name: Self.officerName)

            let unread = try await citizen.get("/cases/\(code)")
            #expect(unread.html.contains("id=\"privacy\""))
            #expect(unread.html.contains("id=\"data-access-empty\""))
            #expect(unread.html.contains("id=\"privacy-held\""))

            #expect(try await readContact(client, code: code, token: token, reason: "โทรสอบถามจุดเกิดเหตุ").status == .ok)
            let page = try await citizen.get("/cases/\(code)")
            #expect(page.html.contains("id=\"data-access\""))
            #expect(page.html.contains(try #require(app.runtime.reference.agencies[agencyCode]?.nameTH)))
            #expect(page.html.contains("โทรสอบถามจุดเกิดเหตุ"))
            #expect(!page.html.contains(Self.officerName))
            #expect(page.html.contains("id=\"erase-later\""))
            #expect(!page.html.contains("id=\"erase-form\""), "no erasure while the case is open")

            // Posting anyway (an old page) is refused with the reason, and nothing is erased.
            // The open case's page has no form, so the token comes from the browser's cookie.
            let early = try await citizen.post("/cases/\(code)/erase-contact", [], csrf: citizen.cookies["siang_csrf"]?.value)
            #expect(early.status == .conflict)
            #expect(early.html.contains("ลบข้อมูลติดต่อได้เมื่อเรื่องสิ้นสุดแล้วเท่านั้น"))
            let withoutToken = try await citizen.post("/cases/\(code)/erase-contact", [])
            #expect(withoutToken.status == .forbidden)

            _ = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", headers: [secretHeader: secret])
            let finished = try await citizen.get("/cases/\(code)")
            #expect(finished.html.contains("id=\"erase-form\""))
            #expect(finished.html.contains("action=\"/cases/\(code)/erase-contact\""))
            #expect(finished.html.contains("id=\"erase-submit\""))
            let english = Browser(client, language: "en")
            english.cookies = citizen.cookies
            let englishPage = try await english.get("/cases/\(code)")
            #expect(englishPage.html.contains("Who used your contact details"))
            #expect(englishPage.html.contains("Erase my contact details"))

            let erased = try await citizen.post("/cases/\(code)/erase-contact", [], csrf: finished.csrf)
            #expect(erased.location == "/cases/\(code)?done=erased")
            let after = try await citizen.get("/cases/\(code)?done=erased")
            #expect(after.html.contains("id=\"flash\""))
            #expect(after.html.contains("id=\"privacy-erased\""))
            #expect(after.html.contains("ลบข้อมูลติดต่อตามคำขอของท่าน"))
            #expect(!after.html.contains("id=\"erase-form\""))

            // The officer's page says the details were erased, instead of showing them.
            _ = try await StaffAccounts(store: StaffStore(pool: app.database.pool), passwordCost: 4).createUser(
                email: "reader@bangna.example", name: Self.officerName, role: .officer, agencyCode: agencyCode,
                password: "correct horse battery")
            let officer = Browser(client)
            let signIn = try await officer.get("/agency/sign-in")
            let signedIn = try await officer.post(
                "/agency/sign-in", [("email", "reader@bangna.example"), ("password", "correct horse battery")], csrf: signIn.csrf)
            #expect(signedIn.location == "/agency")
            let staffPage = try await officer.get("/agency/cases/\(code)")
            #expect(staffPage.status == .ok)
            #expect(staffPage.text(id: "case-no-contact")?.hasPrefix("ผู้แจ้งขอลบข้อมูลติดต่อแล้วเมื่อ") == true)
            #expect(!staffPage.html.contains("081-234-5678"))

            // The public page of the case says nothing of it.
            let stranger = try await Browser(client).get("/cases/\(code)")
            #expect(!stranger.html.contains("id=\"privacy\""))
            #expect(!stranger.html.contains("ลบข้อมูลติดต่อ"))
        }
    }
}
