import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Services
import Setup
import Statistics
import Store
import TestSupport
import Testing
@testable import Web

/// A browser's side of a conversation with the pages: cookies kept between requests, forms
/// posted with the CSRF token the last page carried.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: (value: String, path: String)] = [:]
    var language: String?

    init(_ client: any TestClientProtocol, language: String? = nil) {
        self.client = client
        self.language = language
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let html: String
        var location: String? { headers[.location] }
        /// The value of the first hidden `csrf` field.
        var csrf: String? { field("csrf") }

        func field(_ name: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }

        /// The text of the element with `id`, up to its first tag.
        func text(id: String) -> String? {
            guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
            guard let close = html[start.upperBound...].firstIndex(of: ">") else { return nil }
            return String(html[html.index(after: close)...].prefix { $0 != "<" })
        }
    }

    func get(_ path: String) async throws -> Page {
        try await request(.get, path, body: nil)
    }

    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> Page {
        var all = fields
        if let csrf { all.append(("csrf", csrf)) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await request(.post, path, body: body)
    }

    func request(_ method: HTTPRequest.Method, _ path: String, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        let pathOnly = String(path.prefix { $0 != "?" })
        let sent = cookies.filter { pathOnly.hasPrefix($0.value.path) }.map { "\($0.key)=\($0.value.value)" }
        if !sent.isEmpty { headers[.cookie] = sent.joined(separator: "; ") }
        if let language { headers[.acceptLanguage] = language }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.executeRequest(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for cookie in response.headers[values: .setCookie].compactMap(SetCookie.init) {
            cookies[cookie.name] = cookie.removes ? nil : (cookie.value, cookie.path)
        }
        return Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
    }

    /// Files a case through the form; returns the filed page's code and secret.
    /// This browser, signed in to the agency pages.
    func signedIn(_ email: String, _ password: String) async throws -> Browser {
        let form = try await get("/agency/sign-in")
        _ = try await post("/agency/sign-in", [("email", email), ("password", password)], csrf: form.csrf)
        return self
    }

    func file(_ fields: [(String, String)]) async throws -> (code: String, secret: String) {
        let form = try await get("/file")
        let posted = try await post("/file", fields + [("idempotency_key", form.field("idempotency_key") ?? "")], csrf: form.csrf)
        #expect(posted.status == .seeOther, "filing form refused: \(posted.html.prefix(3000))")
        let filed = try await get(posted.location ?? "/")
        return (filed.text(id: "tracking-code") ?? "", filed.text(id: "tracking-secret") ?? "")
    }
}

let potholeForm: [(String, String)] = [
    ("kind", "complaint"), ("text", "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ"),
    ("province", "10"), ("district", "1047"), ("category", "road"),
]

extension TestApp {
    /// An officer (password "correct horse battery") of the agency `category` cases in Bang Na go to.
    func createBangNaOfficer(for category: String, email: String, name: String? = nil) async throws {
        let agencyCode = try #require(
            runtime.reference.router.route(category: category, area: CaseArea(provinceCode: "10", districtCode: "1047")).agencyCode)
        _ = try await StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4).createUser(
            email: email, name: name, role: .officer, agencyCode: agencyCode, password: "correct horse battery")
    }
}

@Suite("Web pages")
struct PageTests {
    @Test("pages are Thai by default, English when the browser or the switch asks, and the switch never leaves the site")
    func languages() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let thai = try await Browser(client).get("/")
            #expect(thai.status == .ok)
            #expect(thai.html.contains("<html lang=\"th\">"))
            #expect(thai.headers[.contentType] == "text/html; charset=utf-8")
            #expect(thai.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)

            let english = try await Browser(client, language: "en-GB,en;q=0.9").get("/file")
            #expect(english.html.contains("<html lang=\"en\">"))
            #expect(english.html.contains("Report a problem"))

            let browser = Browser(client, language: "en")
            let switched = try await browser.get("/language/th?back=/stats%3Ffrom%3D2026-01-01")
            #expect(switched.status == .seeOther)
            #expect(switched.location == "/stats?from=2026-01-01")
            #expect(try await browser.get("/stats").html.contains("<html lang=\"th\">"))

            // Browsers drop tabs and line breaks from an address: "/\t/evil.example" is "//evil.example" to them.
            for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example", "/\r\n/evil.example", "/\u{0}/x"] {
                let page = try await browser.get("/language/en?back=" + (hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                #expect(page.location == "/", "\(hostile) was followed")
            }
        }
    }

    @Test("filing through the form shows the code and the secret once, and tracking keeps the secret out of every URL")
    func filingAndTracking() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let form = try await browser.get("/file")
            #expect(form.status == .ok)
            let csrf = try #require(form.csrf)
            let posted = try await browser.post(
                "/file",
                potholeForm + [
                    ("idempotency_key", form.field("idempotency_key") ?? ""), ("contact_name", "สมชาย ใจดี"),
                    ("contact_phone", "081-234-5678"), ("consent", "yes"), ("anonymous", "yes"),
                ], csrf: csrf)
            #expect(posted.status == .seeOther)
            let location = try #require(posted.location)
            #expect(location.hasSuffix("/filed"))
            #expect(browser.cookies["siang_track"]?.path.hasPrefix("/cases/SG-") == true)

            let filed = try await browser.get(location)
            let code = try #require(filed.text(id: "tracking-code"))
            let secret = try #require(filed.text(id: "tracking-secret"))
            #expect(secret.count == 24)
            #expect(!location.contains(secret))
            let again = try await browser.get(location)
            #expect(again.text(id: "tracking-code") == code)
            #expect(again.text(id: "tracking-secret") == nil, "the secret is shown only once")

            // The same form posted twice (a double click, a reload) files one case.
            let repeated = try await browser.post(
                "/file",
                potholeForm + [
                    ("idempotency_key", form.field("idempotency_key") ?? ""), ("contact_name", "สมชาย ใจดี"),
                    ("contact_phone", "081-234-5678"), ("consent", "yes"), ("anonymous", "yes"),
                ], csrf: csrf)
            #expect(repeated.location == location)

            let citizen = try await browser.get("/cases/\(code)")
            #expect(citizen.status == .ok)
            #expect(citizen.html.contains("data-status=\"assigned\""))
            #expect(!citizen.html.contains("case_public_notice"))
            // A case without a title has no heading of its own, not the page's title in its place.
            #expect(!citizen.html.contains("<h2>เรื่อง \(code)</h2>"))

            // Another browser needs the secret; a wrong one gets one message for code and secret alike.
            let other = Browser(client)
            let trackForm = try await other.get("/track")
            let wrong = try await other.post("/track", [("code", code), ("secret", "wrongsecret")], csrf: trackForm.csrf)
            #expect(wrong.status == .notFound)
            let right = try await other.post("/track", [("code", code.lowercased()), ("secret", secret)], csrf: trackForm.csrf)
            #expect(right.status == .seeOther)
            #expect(right.location == "/cases/\(code)")
            #expect(try await other.get("/cases/\(code)").html.contains("id=\"case-text\">ถนนหน้าหมู่บ้าน"))
        }
    }

    @Test("a form without the browser's CSRF token is refused and changes nothing")
    func csrf() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            _ = try await browser.get("/file")
            let forged = try await browser.post("/file", potholeForm, csrf: "A" + String(repeating: "b", count: 31))
            #expect(forged.status == .forbidden)
            #expect(forged.html.contains("<html lang=\"th\">"))
            let missing = try await Browser(client).post("/file", potholeForm)
            #expect(missing.status == .forbidden)
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases", []).first!.int(0) }
            #expect(count == 0)
        }
    }

    @Test("a refused filing shows the form again with the citizen's words kept and the reason linked to its field")
    func refusedFiling() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let form = try await browser.get("/file")
            let page = try await browser.post(
                "/file", [("text", "ไฟดับทั้งซอย"), ("contact_phone", "0812345678"), ("title", "ซอย \"ห้า\" <b>")],
                csrf: form.csrf)
            #expect(page.status == .unprocessableContent)
            #expect(page.html.contains("href=\"#consent\""))
            #expect(page.html.contains(">ไฟดับทั้งซอย</textarea>"))
            #expect(page.html.contains("value=\"ซอย &quot;ห้า&quot; &lt;b&gt;\""))
        }
    }

    @Test("what people type is escaped on every page, and public pages show no personal data")
    func escapingAndRedaction() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let hostile = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> โทร 081-234-5678 ถนนพัง"
            let (code, _) = try await browser.file([
                ("text", hostile), ("title", "'\"><script>alert(3)</script>"), ("province", "10"), ("district", "1047"),
                ("category", "road"),
            ])
            let own = try await browser.get("/cases/\(code)")
            #expect(!own.html.contains("<script>alert"))
            #expect(!own.html.contains("<img src=x"))
            #expect(own.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(own.html.contains("081-234-5678"), "the citizen sees their own text")

            let stranger = try await Browser(client).get("/cases/\(code)")
            #expect(stranger.status == .ok)
            #expect(!stranger.html.contains("081-234-5678"))
            #expect(stranger.html.contains("[เบอร์โทร]"))
            #expect(!stranger.html.contains("<script>alert"))
            #expect(!stranger.html.contains("feedback-form"))

            let unknown = try await Browser(client).get("/cases/SG-2026-AAAAAA")
            #expect(unknown.status == .notFound)
            #expect(unknown.html.contains("<html lang=\"th\">"))
        }
    }

    @Test("an officer given a generated password must choose their own before doing anything else")
    func passwordChangeAtFirstSignIn() async throws {
        let app = try await TestApp.make()
        let accounts = StaffAccounts(store: StaffStore(pool: app.database.pool), passwordCost: 4)
        let (_, handedOver) = try await accounts.createUser(
            email: "officer@bangna.example", name: nil, role: .officer, agencyCode: "bma-district-1047", password: nil)
        try await app.run { client in
            let (code, _) = try await Browser(client).file(potholeForm)
            let officer = Browser(client, language: "en")
            let signIn = try await officer.get("/agency/sign-in")
            let signedIn = try await officer.post(
                "/agency/sign-in", [("email", "officer@bangna.example"), ("password", handedOver)], csrf: signIn.csrf)
            #expect(signedIn.location == "/agency")
            #expect(try await officer.get("/agency").location == "/agency/password")
            #expect(try await officer.get("/agency/cases/\(code)").location == "/agency/password")
            let form = try await officer.get("/agency/password")
            #expect(form.status == .ok)
            #expect(form.html.contains("id=\"password-required\""))
            let csrf = try #require(form.csrf)
            let action = try await officer.post("/agency/cases/\(code)/actions", [("action", "accept")], csrf: csrf)
            #expect(action.status == .forbidden)

            let newPassword = "ซอยสุขุมวิท 62 ปลอดภัย"
            let mismatch = try await officer.post(
                "/agency/password", [("current", handedOver), ("new", newPassword), ("repeated", newPassword + "!")], csrf: csrf)
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.html.contains("href=\"#repeated\""))
            let wrong = try await officer.post(
                "/agency/password", [("current", "guess"), ("new", newPassword), ("repeated", newPassword)], csrf: csrf)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.html.contains("The current password is not right."))
            let short = try await officer.post(
                "/agency/password", [("current", handedOver), ("new", "short"), ("repeated", "short")], csrf: csrf)
            #expect(short.status == .unprocessableContent)
            #expect(short.html.contains("href=\"#new\""))
            #expect(try await officer.get("/agency").location == "/agency/password", "refused changes leave the account as it was")

            let before = officer.cookies["siang_session"]?.value
            let changed = try await officer.post(
                "/agency/password", [("current", handedOver), ("new", newPassword), ("repeated", newPassword)], csrf: csrf)
            #expect(changed.location == "/agency?done=password")
            #expect(officer.cookies["siang_session"]?.value != before, "a new session id after the change")
            let inbox = try await officer.get("/agency?done=password")
            #expect(inbox.status == .ok)
            #expect(inbox.html.contains("id=\"flash\""))
            #expect(inbox.html.contains("href=\"/agency/password\""))

            let again = Browser(client)
            let againForm = try await again.get("/agency/sign-in")
            let old = try await again.post(
                "/agency/sign-in", [("email", "officer@bangna.example"), ("password", handedOver)], csrf: againForm.csrf)
            #expect(old.status == .unauthorized)
            let new = try await again.post(
                "/agency/sign-in", [("email", "officer@bangna.example"), ("password", newPassword)], csrf: againForm.csrf)
            #expect(new.location == "/agency")
            #expect(try await again.get("/agency").status == .ok)
        }
    }

    @Test("the case page offers a form for each action its status allows, and an officer corrects the category there")
    func actionFormsByStatus() async throws {
        let app = try await TestApp.make()
        let accounts = StaffAccounts(store: StaffStore(pool: app.database.pool), passwordCost: 4)
        _ = try await accounts.createUser(
            email: "officer@bangna.example", name: nil, role: .officer, agencyCode: "bma-district-1047",
            password: "correct horse battery")
        try await app.run { client in
            let (code, _) = try await Browser(client).file(potholeForm)
            let officer = try await Browser(client).signedIn("officer@bangna.example", "correct horse battery")
            func forms() async throws -> Set<String> {
                let page = try await officer.get("/agency/cases/\(code)")
                return Set(StaffActionKind.allCases.map(\.rawValue).filter { page.html.contains("id=\"action-\($0)\"") })
            }
            #expect(try await forms() == ["accept", "comment", "reject", "transfer", "recategorise", "merge"])
            let page = try await officer.get("/agency/cases/\(code)")
            let changed = try await officer.post(
                "/agency/cases/\(code)/actions", [("action", "recategorise"), ("category", "sidewalk"), ("note", "")],
                csrf: page.csrf)
            #expect(changed.status == .seeOther, "\(changed.html.prefix(2000))")
            let after = try await officer.get("/agency/cases/\(code)")
            #expect(after.html.contains("<dd>ทางเท้า "), "the case page names the corrected category")
            #expect(after.html.contains("<option value=\"sidewalk\" selected>"))
            _ = try await officer.post("/agency/cases/\(code)/actions", [("action", "accept")], csrf: page.csrf)
            #expect(try await forms() == ["start", "comment", "resolve", "reject", "transfer", "recategorise", "merge"])
            #expect(!after.html.contains("id=\"case-also\""), "a pothole names no second problem")
        }
    }

    @Test("the case page names the other problems the text mentions besides the case's category")
    func secondaryCategoriesOnTheCasePage() async throws {
        let app = try await TestApp.make()
        try await app.createBangNaOfficer(for: "cables", email: "officer@cables.example")
        try await app.run { client in
            let form: [(String, String)] = [
                ("kind", "complaint"), ("text", "สายสื่อสารห้อยต่ำพันกันรุงรัง และกิ่งไม้ใหญ่พาดสายจะหักลงมา"),
                ("province", "10"), ("district", "1047"), ("category", "cables"),
            ]
            let (code, _) = try await Browser(client).file(form)
            let officer = try await Browser(client).signedIn("officer@cables.example", "correct horse battery")
            let page = try await officer.get("/agency/cases/\(code)")
            let also = try #require(page.html.range(of: "<dd id=\"case-also\">").map { page.html[$0.upperBound...].prefix(40) })
            #expect(also.hasPrefix("ต้นไม้"), "the second problem, by name: \(also)")
            _ = try await officer.get("/language/en?back=/agency")
            let english = try await officer.get("/agency/cases/\(code)")
            #expect(english.html.contains("<dt>Also mentions</dt>"))
        }
    }

    @Test("an officer signs in, works a case from the inbox, and the citizen rates and appeals it")
    func officerAndCitizen() async throws {
        let app = try await TestApp.make()
        try await app.createBangNaOfficer(for: "road", email: "officer@bangna.example", name: "เจ้าหน้าที่บางนา")
        try await app.run { client in
            let citizen = Browser(client)
            let (code, _) = try await citizen.file(
                potholeForm + [("contact_phone", "081-234-5678"), ("contact_email", "somchai@example.com"), ("consent", "yes")])

            let officer = Browser(client)
            #expect(try await officer.get("/agency").location == "/agency/sign-in")
            let signIn = try await officer.get("/agency/sign-in")
            let refused = try await officer.post(
                "/agency/sign-in", [("email", "officer@bangna.example"), ("password", "wrong password!")], csrf: signIn.csrf)
            #expect(refused.status == .unauthorized)
            #expect(officer.cookies["siang_session"] == nil)
            let signedIn = try await officer.post(
                "/agency/sign-in", [("email", "Officer@Bangna.example"), ("password", "correct horse battery")], csrf: signIn.csrf)
            #expect(signedIn.location == "/agency")
            #expect(officer.cookies["siang_session"]?.path == "/agency")

            let inbox = try await officer.get("/agency")
            #expect(inbox.status == .ok)
            #expect(inbox.html.contains("href=\"/agency/cases/\(code)\""))
            let casePage = try await officer.get("/agency/cases/\(code)")
            #expect(casePage.html.contains("081-234-5678"))
            #expect(casePage.html.contains("id=\"action-accept\""))
            #expect(!casePage.html.contains("<h2>เรื่อง \(code)</h2>"), "an untitled case shows no heading of its own")
            #expect(casePage.html.contains("action=\"/agency/sign-out\""), "staff can sign out from a case as well as from the inbox")
            let reads = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM contact_reads", []).first!.int(0) }
            #expect(reads == 1)

            let csrf = try #require(casePage.csrf)
            let missingResult = try await officer.post("/agency/cases/\(code)/actions", [("action", "resolve"), ("note", "")], csrf: csrf)
            #expect(missingResult.status == .unprocessableContent)
            #expect(try await officer.post("/agency/cases/\(code)/actions", [("action", "accept")], csrf: csrf).status == .seeOther)
            let resolved = try await officer.post(
                "/agency/cases/\(code)/actions", [("action", "resolve"), ("note", "ซ่อมหลุมเรียบร้อยแล้ว")], csrf: csrf)
            #expect(resolved.status == .seeOther)
            #expect(try await officer.get("/agency/cases/\(code)").html.contains("data-status=\"resolved\""))
            #expect(try await officer.post("/agency/sign-out", [], csrf: csrf).location == "/agency/sign-in?out=1")
            #expect(try await officer.get("/agency").location == "/agency/sign-in")

            let result = try await citizen.get("/cases/\(code)")
            #expect(result.html.contains("ซ่อมหลุมเรียบร้อยแล้ว"))
            #expect(result.html.contains("id=\"feedback-form\""))
            let noStars = try await citizen.post("/cases/\(code)/feedback", [("comment", "ดี")], csrf: result.csrf)
            #expect(noStars.status == .unprocessableContent)
            let rated = try await citizen.post("/cases/\(code)/feedback", [("stars", "4"), ("comment", "เร็วดี")], csrf: result.csrf)
            #expect(rated.location == "/cases/\(code)?done=rated")
            let appealed = try await citizen.post("/cases/\(code)/reopen", [("reason", "หลุมกลับมาอีกแล้ว")], csrf: result.csrf)
            #expect(appealed.location == "/cases/\(code)?done=reopened")
            let after = try await citizen.get("/cases/\(code)?done=reopened")
            #expect(after.html.contains("id=\"flash\""))
            #expect(!after.html.contains("data-status=\"resolved\""))
        }
    }

    @Test("the statistics page draws its charts with tables and keeps its filters in the URL")
    func statisticsPage() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            _ = try await browser.file(potholeForm)
            // Filings count from the next batch the statistics service applies (every second when serving).
            app.runtime.statistics.live.apply()
            let page = try await browser.get("/stats?from=2026-01-01&category=road&area=10")
            #expect(page.status == .ok)
            #expect(page.text(id: "figure-filed") == "1")
            #expect(page.html.contains("<svg"))
            #expect(page.html.contains("id=\"table-category\""))
            #expect(page.html.contains("value=\"2026-01-01\""))
            #expect(page.html.contains("/api/v1/open-data/cases.csv?from=2026-01-01"))
            #expect(page.html.utf8.count < 50_000)
            let filtered = try await browser.get("/stats?category=water")
            #expect(filtered.text(id: "figure-filed") == "0")
            let bad = try await browser.get("/stats?from=2026-13-45")
            #expect(bad.status == .badRequest)
            #expect(bad.html.contains("<html"))
        }
    }

    @Test("the category suggestion answers with the classifier's category and stores nothing")
    func categorySuggestion() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(.post, "/api/v1/category-suggestion", json: ["text": "ถนนเป็นหลุมใหญ่ รถตกหลุมบ่อยมาก"])
            #expect(reply.status == .ok)
            #expect(reply.string("category") == "road")
            #expect(reply.array("top").count == 3)
            #expect(reply.array("also").isEmpty, "one problem: no second one named")
            let two = try await client.send(
                .post, "/api/v1/category-suggestion", json: ["text": "สายสื่อสารห้อยต่ำพันกันรุงรัง และกิ่งไม้ใหญ่พาดสายจะหักลงมา"])
            #expect(two.string("category") == "cables")
            #expect(two.array("also").compactMap { $0["category"] as? String } == ["trees"])
            let bad = try await client.send(.post, "/api/v1/category-suggestion", json: ["words": "x"])
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "invalid_json")
        }
    }

    @Test("the stylesheet is small, served with a long cache under its versioned URL, and every page stays under 50 KB")
    func assetsAndSize() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let home = try await browser.get("/")
            let version = try #require(home.html.range(of: "siang.css?v=").map { String(home.html[$0.upperBound...].prefix(8)) })
            let css = try await browser.get("/assets/siang.css?v=\(version)")
            #expect(css.status == .ok)
            #expect(css.headers[.cacheControl]?.contains("immutable") == true)
            #expect(css.html.utf8.count < 10_000)
            for path in ["/", "/file", "/track", "/stats", "/agency/sign-in"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.html.utf8.count + css.html.utf8.count < 50_000, "\(path) weighs \(page.html.utf8.count) bytes")
            }
        }
    }
}

@Suite("Form rate limit")
struct FormRateLimiterTests {
    @Test("an address gets its allowance at once, then one post per refill interval")
    func bucket() {
        let limiter = FormRateLimiter(perMinute: 3)
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.allow("10.0.0.1", now: start) })
        #expect(!limiter.allow("10.0.0.1", now: start))
        #expect(limiter.allow("10.0.0.2", now: start), "another address has its own allowance")
        #expect(limiter.allow("10.0.0.1", now: start + .seconds(20)))
        #expect(!limiter.allow("10.0.0.1", now: start + .seconds(21)))
        #expect(FormRateLimiter(perMinute: 0).allow("x"))
    }
}
