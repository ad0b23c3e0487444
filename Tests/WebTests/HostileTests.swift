import Classification
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing

@testable import Web

/// Who sends the hostile corpus.
enum HostileIdentity: String, CaseIterable, Sendable, CustomStringConvertible {
    /// No credentials at all (a CSRF cookie and token only, which anybody can have).
    case anonymous
    /// An administrator's API token (every agency route, the triage queue included).
    case staffToken
    /// An officer signed in to the web pages (session cookie).
    case staffSession
    /// A citizen holding a resolved case's secret (header and tracking cookie).
    case citizen

    var description: String { rawValue }

    /// Whether this identity sends the whole corpus to the route `template`, given the status and
    /// redirect of its well-behaved request there. Anonymous callers send it wherever they are let
    /// in (not 401, not sent to sign in), so a new public route gets the whole corpus without
    /// anyone listing it; the others send it to the routes their credentials are for. Elsewhere,
    /// a sample.
    func sendsAll(to template: String, status: Int?, location: String?) -> Bool {
        switch self {
        case .anonymous: return status != 401 && !(location ?? "").hasPrefix("/agency/sign-in")
        case .staffToken: return template.hasPrefix("/api/v1/agency")
        case .staffSession: return template.hasPrefix("/agency")
        case .citizen: return template.contains("cases/{code}") && !template.contains("agency")
        }
    }
}

/// Sends a generated hostile corpus to every route the router knows, as nobody, as staff and as
/// a citizen, and checks what a hostile client must never get: a 5xx, an answer slower than
/// 5 s, an API error outside the one JSON error shape, a redirect off the site, or a change to
/// the database from a refused request.
@Suite("Hostile input")
struct HostileTests {
    static let slowLimit: Duration = .seconds(5)

    @Test(
        "no route answers hostile input with a 5xx, slowly, in another error shape, off the site or by changing the database",
        arguments: HostileIdentity.allCases)
    func hostileCorpus(identity: HostileIdentity) async throws {
        let app = try await TestApp.make()
        var routes: [HostileRoute] = []
        let application = buildApplication(
            runtime: app.runtime,
            configuration: ServerConfiguration(
                maximumBodyBytes: 65_536, maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero,
                formPostsPerMinute: 0, failedCredentialsPerMinute: 0),
            logger: TestDatabase.logger,
            inspectRouter: { router in
                routes = router.routes.map { HostileRoute(method: $0.method, template: $0.path.description) }
            })
        #expect(routes.count > 30, "the router lists its routes")
        let run = try await HostileRun(app: app, identity: identity, routes: routes)
        do {
            try await HeavyTurns.shared.take(.hostileCorpus) {
                try await application.test(.router) { client in try await run.all(client) }
            }
        } catch {
            await app.database.pool.shutdown()
            throw error
        }
        await app.database.pool.shutdown()
        let summary =
            "hostile corpus as \(identity): \(run.sent) requests over \(routes.count) routes, "
            + "\(run.failures.count) failures"
            + (run.cutShort.isEmpty ? "" : "; cut short by the time bound: " + run.cutShort.joined(separator: ", "))
        print(summary)
        #expect(run.sent > routes.count * 5, "the corpus was sent")
        #expect(run.failures.isEmpty, "\(summary):\n\(run.failures.prefix(40).joined(separator: "\n"))")
    }
}

/// A route as the router lists it: a method and a path template such as `/api/v1/cases/{code}`.
struct HostileRoute: Sendable {
    let method: HTTPRequest.Method
    let template: String

    var description: String { "\(method) \(template)" }

    var components: [Substring] { template.split(separator: "/") }

    /// The names of the path parameters (`{code}` is "code", `*` and `**` are themselves).
    var captures: [String] {
        components.compactMap { component in
            if component == "*" || component == "**" { return String(component) }
            guard let open = component.firstIndex(of: "{"), let close = component.firstIndex(of: "}") else {
                return nil
            }
            return String(component[component.index(after: open)..<close])
        }
    }

    /// The path with each parameter replaced by `fill(name)` (already percent-encoded).
    func path(_ fill: (String) -> String) -> String {
        let parts = components.map { component -> String in
            if component == "*" || component == "**" { return fill(String(component)) }
            guard let open = component.firstIndex(of: "{"), let close = component.firstIndex(of: "}") else {
                return String(component)
            }
            let name = String(component[component.index(after: open)..<close])
            return String(component[..<open]) + fill(name) + String(component[component.index(after: close)...])
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// One request of the corpus.
struct HostileRequest {
    var method: HTTPRequest.Method
    var path: String
    var query: String?
    var headers: HTTPFields
    /// Cookies sent instead of the identity's cookie of the same name.
    var cookies: [String: String] = [:]
    /// Cookie text sent after the identity's cookies, as is.
    var extraCookie: String?
    var body: [UInt8]?
    var label: String

    var uri: String { query.map { path + "?" + $0 } ?? path }
}

/// One identity's run of the corpus against one application and database.
final class HostileRun: @unchecked Sendable {
    let app: TestApp
    let identity: HostileIdentity
    let routes: [HostileRoute]
    /// Tables whose rows any request may change; refused requests must leave them as they were.
    let mutableFingerprintSQL: String
    /// Reference tables (seeded from files): no request may change them.
    let referenceFingerprintSQL: String
    let adminToken: String
    let csrf = CSRFToken.make()
    let officerEmail = "hostile.officer@bangna.example"
    let officerPassword = "correct horse battery staple"

    var client: (any TestClientProtocol)!
    var cookies: [String: (value: String, path: String)] = [:]
    var code = ""
    var secret = ""
    var sent = 0
    var failures: [String] = []
    /// Routes whose corpus the time bound cut short.
    var cutShort: [String] = []
    var rng = SeededGenerator(seed: 0)
    /// This route's inputs, made once per route (they hold its case's code and secret).
    var filingBody = HostileJSON.null
    var form: [(String, String)] = []
    var headerVariants: [(String, (inout HostileRequest) -> Void)] = []
    var pathValues: [(String, String)] = []

    /// Audit logs written by design when a refusal shows the case again (a reading of the
    /// citizen's contact is always logged), and the migrations' own table.
    static let notFingerprinted: Set<String> = ["contact_reads", "schema_migrations"]
    static let referenceTables: Set<String> = [
        "categories", "areas", "agencies", "settings", "routing_rules", "deadline_policies",
    ]

    init(app: TestApp, identity: HostileIdentity, routes: [HostileRoute]) async throws {
        self.app = app
        self.identity = identity
        self.routes = routes.sorted { $0.description < $1.description }
        let tables = try await app.database.pool.withConnection { connection in
            try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", [])
                .rows.map {
                    try $0.string(0)
                }
        }
        // Rows counted and the newest row version's transaction: an insert, update or delete
        // changes one or the other, and reading them is cheap enough for every request.
        let changes = tables.filter { !Self.notFingerprinted.contains($0) && !Self.referenceTables.contains($0) }.map {
            "(SELECT '\($0):' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM \"\($0)\")"
        }
        mutableFingerprintSQL = "SELECT concat_ws('|', " + changes.joined(separator: ", ") + ")"
        // The reference tables, read once before and once after: their whole content.
        let contents = tables.filter { Self.referenceTables.contains($0) }.map {
            "(SELECT '\($0):' || count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
                + " FROM \"\($0)\" t)"
        }
        referenceFingerprintSQL = "SELECT md5(concat_ws('|', " + contents.joined(separator: ", ") + "))"
        adminToken = try await app.token(role: .admin, agency: nil)
        _ = try await StaffAccounts(store: StaffStore(pool: app.database.pool), passwordCost: 4).createUser(
            email: officerEmail, name: "เจ้าหน้าที่ทดสอบ", role: .officer, agencyCode: "bma-district-1047",
            password: officerPassword)
    }

    func fingerprint(_ sql: String) async throws -> String {
        try await app.database.pool.withConnection { try $0.query(sql, []).first!.string(0) }
    }

    /// Sends the corpus to every route.
    func all(_ client: any TestClientProtocol) async throws {
        self.client = client
        cookies[PageKit.csrfCookie] = (csrf, "/")
        let reference = try await fingerprint(referenceFingerprintSQL)
        for route in routes {
            rng = SeededGenerator(seed: SeededGenerator.seed("\(identity) \(route.description)"))
            // Routes with a path parameter get a case of their own; the others share the last.
            if code.isEmpty || !route.captures.isEmpty { try await prepare() }
            try await ensureSignedIn()
            var before = try await fingerprint(mutableFingerprintSQL)
            /// Compares the database with `before`: a GET must never change it, nor a refused request.
            func check(_ request: HostileRequest, status: Int?) async throws {
                let after = try await fingerprint(mutableFingerprintSQL)
                if request.method == .get, after != before {
                    failure(request, "a GET up to this one changed the database")
                } else if let status, status >= 400, after != before {
                    failure(request, "refused with \(status) but changed the database")
                }
                before = after
            }
            let started = ContinuousClock.now
            var full = false
            var requests = [baseline(route)]
            var index = 0
            var unchecked: HostileRequest?
            while index < requests.count {
                // A bound on the whole run: the deterministic passes come first, the random samples last.
                if ContinuousClock.now - started > .seconds(full ? 10 : 3) {
                    cutShort.append("\(route.description) after \(index) of \(requests.count)")
                    break
                }
                let request = requests[index]
                index += 1
                try await ensureSignedIn()
                if signedInAgain { before = try await fingerprint(mutableFingerprintSQL) }
                let answer = await send(request)
                // GET changes nothing whatever its answer, so a run of GETs is checked once, at its
                // end; every other request on its own.
                if request.method == .get, index < requests.count, requests[index].method == .get {
                    unchecked = request
                    continue
                }
                unchecked = nil
                try await check(request, status: answer?.status)
                if index == 1 {
                    full = identity.sendsAll(to: route.template, status: answer?.status, location: answer?.location)
                    requests += corpus(route, full: full)
                }
            }
            if let unchecked { try await check(unchecked, status: nil) }
        }
        if try await fingerprint(referenceFingerprintSQL) != reference {
            failures.append("the reference tables changed")
        }
    }

    // MARK: The identity's state

    /// A fresh case: the citizen's resolved (so rating and appeal are open),
    /// everyone else's just filed, in the signed-in officer's agency.
    func prepare() async throws {
        let filed = try await client.send(.post, "/api/v1/cases", json: makeFilingBody().jsonObject)
        guard let code = filed.string("code"), let secret = filed.string("secret") else {
            throw HostileSetupError(message: "filing the route's case failed: \(filed.status) \(filed.json)")
        }
        (self.code, self.secret) = (code, secret)
        if identity == .citizen {
            for action: JSONObject in [
                ["action": "accept"], ["action": "start"], ["action": "resolve", "result": "ซ่อมแล้ว"],
            ] {
                _ = try await client.act(code, token: adminToken, action)
            }
            cookies[CitizenPages.trackCookie] = (secret, "/cases/\(code)")
        }
        filingBody = makeFilingBody()
        form = makeForm()
        headerVariants = makeHeaderVariants()
        pathValues = makePathValues()
    }

    /// Set when the officer's browser had to sign in again (its session changed the database).
    var signedInAgain = false

    /// The officer's browser signs in again whenever its session is gone (a sign-out in the corpus).
    func ensureSignedIn() async throws {
        signedInAgain = false
        guard identity == .staffSession, cookies["siang_session"] == nil else { return }
        let body = Self.formText([("csrf", csrf), ("email", officerEmail), ("password", officerPassword)])
        let response = try await client.executeRequest(
            uri: "/agency/sign-in", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(PageKit.csrfCookie)=\(csrf)"],
            body: ByteBuffer(string: body))
        keepCookies(response.headers)
        guard cookies["siang_session"] != nil else {
            throw HostileSetupError(message: "the officer could not sign in: \(response.status)")
        }
        signedInAgain = true
    }

    func keepCookies(_ headers: HTTPFields) {
        for cookie in headers[values: .setCookie].compactMap(SetCookie.init) {
            if cookie.removes {
                // The identity's CSRF cookie is never given up: it is no credential.
                if cookie.name != PageKit.csrfCookie { cookies[cookie.name] = nil }
            } else if cookie.name != PageKit.csrfCookie || CSRFToken.isWellFormed(cookie.value) {
                cookies[cookie.name] = (cookie.value, cookie.path)
            }
        }
    }

    // MARK: Sending and checking

    static let trace = ProcessInfo.processInfo.environment["SIANG_HOSTILE_TRACE"] != nil

    /// Sends `request` and checks the answer; returns its status and redirect, nil when no answer came.
    func send(_ request: HostileRequest) async -> (status: Int, location: String?)? {
        var headers = request.headers
        let path = request.path
        var sentCookies = cookies.filter { path.hasPrefix($0.value.path) }.mapValues(\.value)
        for (name, value) in request.cookies { sentCookies[name] = value }
        var cookieText = sentCookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if let extra = request.extraCookie { cookieText += cookieText.isEmpty ? extra : "; " + extra }
        if !cookieText.isEmpty { headers[.cookie] = cookieText }
        if headers[.idempotencyKey] == Self.fresh { headers[.idempotencyKey] = CSRFToken.make() }
        // A trap ends the whole test process; with SIANG_HOSTILE_TRACE set, the last line written
        // before it names the request that caused it.
        if Self.trace {
            FileHandle.standardError.write(
                Data(
                    "hostile \(identity) \(request.method) \(request.uri.prefix(300)) [\(request.label.prefix(200))]\n"
                        .utf8))
        }
        sent += 1
        let started = ContinuousClock.now
        let response: TestResponse
        do {
            response = try await client.executeRequest(
                uri: request.uri, method: request.method, headers: headers,
                body: request.body.map { ByteBuffer(bytes: $0) })
        } catch {
            failure(request, "no answer: \(error)")
            return nil
        }
        let elapsed = ContinuousClock.now - started
        keepCookies(response.headers)
        let status = Int(response.status.code)
        if status >= 500 { failure(request, "answered \(status)") }
        if elapsed > HostileTests.slowLimit { failure(request, "took \(elapsed)") }
        if (300..<400).contains(status), let location = response.headers[.location], !Self.staysOnSite(location) {
            failure(request, "redirected off the site to \(location.prefix(100).debugDescription)")
        }
        if status >= 400 {
            let isAPI = !PageErrorMiddleware.isPage(request.path)
            let contentType = response.headers[.contentType] ?? ""
            if request.path.hasPrefix("/open311/") {
                if let problem = Self.open311ErrorProblem(Data(response.body.readableBytesView), contentType: contentType) {
                    failure(request, "\(status) \(problem)")
                }
            } else if isAPI {
                if let problem = Self.errorShapeProblem(Data(response.body.readableBytesView), contentType: contentType)
                {
                    failure(request, "\(status) \(problem)")
                }
            } else if !contentType.hasPrefix("text/html") || response.body.readableBytes == 0 {
                failure(request, "\(status) page error is not an HTML page (\(contentType))")
            }
        }
        return (status, response.headers[.location])
    }

    /// Whether a browser following `location` stays on this site: browsers drop tabs and line
    /// breaks from a URL and read `\` as `/`, so "/\t/host" and "/\\host" lead to another host.
    static func staysOnSite(_ location: String) -> Bool {
        var scalars = location.unicodeScalars
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let url = String(scalars).replacingOccurrences(of: "\\", with: "/")
        return url.hasPrefix("/") && !url.hasPrefix("//")
    }

    /// What is wrong with an API error body, or nil when it is the one error shape.
    static func errorShapeProblem(_ data: Data, contentType: String) -> String? {
        guard contentType.hasPrefix("application/json") else { return "error is not JSON (\(contentType))" }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], object.count == 1,
            let error = object["error"] as? [String: Any]
        else { return "error body is not {\"error\": {…}}: \(String(decoding: data.prefix(200), as: UTF8.self))" }
        for key in ["code", "message", "message_th", "message_en", "request_id"] {
            guard let value = error[key] as? String, !value.isEmpty else { return "error has no \"\(key)\"" }
        }
        return nil
    }

    /// Open311 answers errors as its specification lists them: `[{"code": …, "description": …}]`, or
    /// `<errors><error>…` when the XML form was asked for.
    static func open311ErrorProblem(_ data: Data, contentType: String) -> String? {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        if contentType.hasPrefix("text/xml") {
            return text.contains("<errors>") && text.contains("<code>") ? nil : "Open311 XML error is not <errors>: \(text)"
        }
        guard contentType.hasPrefix("application/json"),
            let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]],
            let first = list.first, first["code"] is Int, (first["description"] as? String)?.isEmpty == false
        else { return "Open311 error is not [{code, description}] (\(contentType)): \(text)" }
        return nil
    }

    func failure(_ request: HostileRequest, _ problem: String) {
        failures.append(
            "\(identity) \(request.method) \(request.uri.prefix(160)) [\(request.label.prefix(300))]: \(problem)")
    }

    // MARK: The corpus

    /// The base filing, every field filled; also the union body of every JSON route (decoders
    /// ignore the fields they do not know), so each route gets NUL in each of its string fields.
    func makeFilingBody() -> HostileJSON {
        .object([
            ("kind", .string("complaint")),
            ("text", .string("ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ ฝนตกน้ำขังมองไม่เห็นหลุม")),
            ("title", .string("หลุมบนถนน")), ("category", .string("road")),
            ("area", .object([("province", .string("กรุงเทพมหานคร")), ("district", .string("บางนา"))])),
            ("subdistrict", .string("บางนา")), ("lat", .raw("13.668")), ("lon", .raw("100.604")),
            ("address", .string("ซอยสุขุมวิท 105")),
            (
                "contact",
                .object([
                    ("name", .string("สมศรี")), ("phone", .string("081-234-5678")),
                    ("email", .string("somsri@example.com")),
                ])
            ),
            ("anonymous", .bool(true)), ("public", .bool(true)),
            ("consent", .object([("version", .string(app.runtime.rules.consentVersion)), ("accepted", .bool(true))])),
            ("channel", .string("api")),
            ("stars", .raw("4")), ("comment", .string("ซ่อมเร็วดี")), ("reason", .string("ยังเป็นหลุมอยู่")),
            ("action", .string("comment")), ("note", .string("ส่งทีมช่างแล้ว")), ("internal", .bool(false)),
            ("result", .string("ซ่อมแล้ว")), ("agency", .string("bma-district-1047")),
            ("into", .string(code.isEmpty ? "SG-2026-7K3QX9" : code)),
            ("code", .string(code)), ("secret", .string(secret)),
        ])
    }

    /// The union form of every page's form, as a browser holding this identity's CSRF token posts it.
    func makeForm() -> [(String, String)] {
        [
            ("csrf", csrf), ("idempotency_key", Self.fresh), ("kind", "complaint"), ("title", "หลุมบนถนน"),
            ("text", "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ"), ("category", "road"), ("province", "10"),
            ("district", "1047"), ("address", "ซอยสุขุมวิท 105"), ("latitude", "13.668"), ("longitude", "100.604"),
            ("contact_name", "สมศรี"), ("contact_phone", "081-234-5678"), ("contact_email", "somsri@example.com"),
            ("consent", "yes"), ("anonymous", "on"), ("code", code), ("secret", secret), ("stars", "4"),
            ("comment", "ดี"),
            ("reason", "ยังเป็นหลุมอยู่"), ("email", officerEmail), ("password", officerPassword),
            ("current", "not the password"),
            ("new", "a new long password 2569"), ("repeated", "a new long password 2569"), ("action", "comment"),
            ("note", "ส่งทีมช่างแล้ว"), ("internal", "false"), ("agency", "bma-district-1047"), ("target", code),
        ]
    }

    /// Stands for a new idempotency key in each request (the same key with other fields is a
    /// conflict, which would hide what the fields do).
    static let fresh = "{fresh}"

    static func formText(_ fields: [(String, String)]) -> String {
        fields.map { name, value in
            HostileCorpus.encoded(name) + "=" + (value == fresh ? CSRFToken.make() : HostileCorpus.encoded(value))
        }.joined(separator: "&")
    }

    /// A valid value for a path parameter, by its name.
    func valid(_ capture: String) -> String {
        switch capture {
        case "code": return code
        case "language": return "en"
        case "name": return "siang.css"
        default: return "1"
        }
    }

    /// The request a well-behaved client of this identity would send to `route`.
    func baseline(_ route: HostileRoute) -> HostileRequest {
        var headers: HTTPFields = [:]
        switch identity {
        case .staffToken: headers[.authorization] = "Bearer \(adminToken)"
        case .citizen: headers[.trackingSecret] = secret
        case .anonymous, .staffSession: break
        }
        var request = HostileRequest(
            method: route.method, path: route.path { HostileCorpus.encoded(valid($0)) }, headers: headers,
            label: "baseline")
        if route.method == .post {
            if PageErrorMiddleware.isPage(route.template) {
                request.headers[.contentType] = "application/x-www-form-urlencoded"
                request.body = Array(Self.formText(form).utf8)
            } else {
                request.headers[.contentType] = "application/json"
                request.headers[.idempotencyKey] = Self.fresh
                request.body = Array(filingBody.text.utf8)
            }
        }
        return request
    }

    /// Odd headers: each one is a change made to a well-behaved request.
    func makeHeaderVariants() -> [(String, (inout HostileRequest) -> Void)] {
        let token = adminToken
        let secret = secret
        var variants: [(String, (inout HostileRequest) -> Void)] = []
        for value in [
            "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "application/json",
            "multipart/form-data; boundary=", "", "application/json; charset=\u{0E01}", "*/*; q=NaN",
        ] {
            variants.append(("Content-Type: \(value)", { $0.headers[.contentType] = value }))
        }
        for value in [
            "", "*", "en;q=abc", "en;q=1e400,th;q=NaN", "xx-YY-ZZ-", String(repeating: "en,", count: 2_000),
            "\u{202E}en",
            "th;q=-1,en;q=2", "en-US;q=0.9" + String(repeating: ";q=1", count: 500),
        ] {
            variants.append(("Accept-Language: \(value.prefix(40))", { $0.headers[.acceptLanguage] = value }))
        }
        for value in [
            "Bearer", "Bearer ", "Bearer " + String(repeating: "A", count: 10_000), "Basic dXNlcjpwYXNz",
            "Bearer ' OR 1=1 --",
            "bearer\tsiang_x", "Bearer \(token)x", "Bearer \(token.uppercased())", "Bearer \(token) \(token)",
            "Bearer siang_\u{0E01}\u{0E02}", "Bearer siang_%00",
        ] {
            variants.append(("Authorization: \(value.prefix(40))", { $0.headers[.authorization] = value }))
        }
        for value in [
            "", String(repeating: "s", count: 10_000), "' OR '1'='1", secret.uppercased(), secret + " ", "%00",
            "\u{202E}" + secret,
        ] {
            variants.append(("X-Tracking-Secret: \(value.prefix(40))", { $0.headers[.trackingSecret] = value }))
        }
        variants.append(("huge Cookie", { $0.extraCookie = "pad=" + String(repeating: "x", count: 60_000) }))
        variants.append(
            ("many cookies", { $0.extraCookie = (0..<2_000).map { "c\($0)=\($0)" }.joined(separator: "; ") }))
        variants.append(("broken Cookie", { $0.extraCookie = "=;=;;;==; ;a" }))
        for (name, value) in [
            ("siang_session", "garbage"), ("siang_session", String(repeating: "A", count: 5_000)),
            ("siang_session", "%00"),
            ("siang_csrf", "short"), ("siang_csrf", String(repeating: "B", count: 32)), ("siang_lang", "xx"),
            ("siang_lang", "%00"),
            ("siang_track", "' OR 1=1 --"), ("siang_track", String(repeating: "t", count: 5_000)),
            ("siang_new", "%ED%A0%80"),
        ] {
            variants.append(("Cookie \(name)=\(value.prefix(20))", { $0.cookies[name] = value }))
        }
        for value in ["", String(repeating: "k", count: 300), "ключ", "a b", "\u{202E}k"] {
            variants.append(("Idempotency-Key: \(value.prefix(20))", { $0.headers[.idempotencyKey] = value }))
        }
        variants.append(
            (
                "forwarding headers",
                {
                    $0.headers[HTTPField.Name("X-Forwarded-Host")!] = "evil.example\"><script>"
                    $0.headers[HTTPField.Name("X-Forwarded-Proto")!] = "javascript"
                    $0.headers[.xForwardedFor] = "999.999.999.999, , ,"
                }
            ))
        return variants
    }

    /// Path parameter values: the hostile strings encoded, then segments written as they are.
    func makePathValues() -> [(String, String)] {
        let zeroWidth = code.replacingOccurrences(of: "-", with: "%E2%80%8B-")
        return HostileCorpus.encodedStrings
            + HostileCorpus.rawPathSegments.map { segment in
                let filled = segment.replacingOccurrences(of: "{code}", with: code)
                    .replacingOccurrences(of: "{lower}", with: code.lowercased())
                    .replacingOccurrences(of: "{spaced}", with: code.replacingOccurrences(of: "-", with: "%20"))
                    .replacingOccurrences(of: "{zerowidth}", with: zeroWidth)
                return ("raw " + segment, filled)
            }
    }

    /// The corpus for `route`, after its baseline: other methods, path values in every parameter,
    /// hostile queries, whole bodies, NUL in each string field, wrong types, odd headers, then
    /// seeded random combinations of them. Anonymous callers send every path value, the others a
    /// sample; every query goes to the GET routes without path parameters (the lists, which read
    /// their input from the query), a sample to the others. Without `full`, other methods and a
    /// few combinations only.
    func corpus(_ route: HostileRoute, full: Bool) -> [HostileRequest] {
        let base = baseline(route)
        let isPage = PageErrorMiddleware.isPage(route.template)
        var requests: [HostileRequest] = []
        let otherMethods: [HTTPRequest.Method] = [
            .delete, .put, .patch, .head, .options, HTTPRequest.Method("PROPFIND")!,
            route.method == .get ? .post : .get,
        ]
        for method in (full ? otherMethods : [.delete, HTTPRequest.Method("PROPFIND")!]) {
            var request = base
            request.method = method
            request.label = "method \(method)"
            requests.append(request)
        }
        if full {
            // The path itself bent: a trailing slash, an empty or dot segment, an encoded slash, upper case.
            for suffix in ["/", "//", "/.", "%2F", "/%00"] {
                var request = base
                request.path = base.path + suffix
                request.label = "path + \(suffix)"
                requests.append(request)
            }
            var upper = base
            upper.path = base.path.uppercased()
            upper.label = "path in upper case"
            requests.append(upper)
            let everything = identity == .anonymous
            for capture in route.captures {
                for (label, value) in everything ? pathValues : sample(pathValues, 20) {
                    var request = base
                    request.path = route.path { $0 == capture ? value : HostileCorpus.encoded(valid($0)) }
                    request.label = "path \(capture)=\(label)"
                    requests.append(request)
                }
            }
            let queries =
                route.method != .get
                ? sample(HostileCorpus.queries, 6)
                : route.captures.isEmpty ? HostileCorpus.queries : sample(HostileCorpus.queries, 15)
            for query in queries {
                var request = base
                request.query = query
                request.label = "query \(query)"
                requests.append(request)
            }
            if route.method == .post { requests += bodies(base, isPage: isPage) }
            // Every Content-Type where a body is read; a sample of the other odd headers.
            let variants = headerVariants
            let contentTypes = variants.filter { $0.0.hasPrefix("Content-Type") }
            let others = variants.filter { !$0.0.hasPrefix("Content-Type") }
            for (label, change) in (route.method == .post ? contentTypes : []) + sample(others, 10) {
                var request = base
                change(&request)
                request.label = "header \(label)"
                requests.append(request)
            }
        }
        for index in 0..<(full ? 12 : 4) {
            requests.append(randomRequest(route, base: base, isPage: isPage, index: index))
        }
        return requests
    }

    /// Whole bodies, NUL in each string field and a wrong type in each field of a POST route's body.
    func bodies(_ base: HostileRequest, isPage: Bool) -> [HostileRequest] {
        var requests: [HostileRequest] = []
        func with(_ label: String, _ bytes: [UInt8], contentType: String? = nil) {
            var request = base
            request.body = bytes
            if let contentType { request.headers[.contentType] = contentType }
            request.label = label
            requests.append(request)
        }
        if isPage {
            for (label, body) in HostileCorpus.formBodies {
                with("form \(label)", Array(body.replacingOccurrences(of: "{csrf}", with: csrf).utf8))
            }
            for (index, field) in form.enumerated() where field.0 != "csrf" {
                var fields = form
                fields[index].1 = Self.withNUL(field.1)
                with("form NUL in \(field.0)", Array(Self.formText(fields).utf8))
            }
            for (label, body) in sample(HostileCorpus.jsonBodies, 4) {
                with("JSON \(label) to a form", body, contentType: "application/json")
            }
        } else {
            for (label, body) in HostileCorpus.jsonBodies { with("JSON \(label)", body) }
            let union = filingBody
            for path in union.stringPaths {
                guard case .string(let value)? = union.value(at: path) else { continue }
                with(
                    "JSON NUL in \(path.joined(separator: "."))",
                    Array(union.replacing(path, with: .string(Self.withNUL(value))).text.utf8))
            }
            for path in sample(union.leafPaths + [["area"], ["contact"], ["consent"]], 10) {
                let wrong = HostileCorpus.wrongTypes[Int.random(in: 0..<HostileCorpus.wrongTypes.count, using: &rng)]
                with(
                    "JSON \(String(wrong.text.prefix(20))) at \(path.joined(separator: "."))",
                    Array(union.replacing(path, with: wrong).text.utf8))
            }
            for (label, body) in sample(HostileCorpus.formBodies, 3) {
                with(
                    "form \(label) to JSON", Array(body.replacingOccurrences(of: "{csrf}", with: csrf).utf8),
                    contentType: "application/x-www-form-urlencoded")
            }
        }
        return requests
    }

    /// `value` with a NUL in its middle.
    static func withNUL(_ value: String) -> String {
        let middle = value.index(value.startIndex, offsetBy: value.count / 2)
        return String(value[..<middle]) + "\u{0}" + String(value[middle...])
    }

    func sample<T>(_ items: [T], _ count: Int) -> [T] {
        (0..<count).map { _ in items[Int.random(in: 0..<items.count, using: &rng)] }
    }

    /// A seeded random combination of a hostile path value, query, body field and header.
    func randomRequest(_ route: HostileRoute, base: HostileRequest, isPage: Bool, index: Int) -> HostileRequest {
        var request = base
        var labels: [String] = []
        let captures = route.captures
        if !captures.isEmpty, Double.random(in: 0..<1, using: &rng) < 0.35 {
            let capture = captures[Int.random(in: 0..<captures.count, using: &rng)]
            let (label, value) = pathValues[Int.random(in: 0..<pathValues.count, using: &rng)]
            request.path = route.path { $0 == capture ? value : HostileCorpus.encoded(valid($0)) }
            labels.append("path \(capture)=\(label)")
        }
        if Double.random(in: 0..<1, using: &rng) < 0.5 {
            let queries = sample(HostileCorpus.queries, Int.random(in: 1...3, using: &rng))
            request.query = queries.joined(separator: "&")
            labels.append("query " + queries.map { String($0.prefix(40)) }.joined(separator: "&"))
        }
        if route.method == .post, Double.random(in: 0..<1, using: &rng) < 0.8 {
            // One or two fields changed: to a hostile string, a word this service knows (so that,
            // say, an action becomes "merge" while its target is hostile), or, in JSON, a wrong type.
            let pool = HostileCorpus.strings + HostileCorpus.domainWords + [code, secret]
            if isPage {
                var fields = form
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let index = Int.random(in: 1..<fields.count, using: &rng)
                    fields[index].1 = pool[Int.random(in: 0..<pool.count, using: &rng)]
                    labels.append("form \(fields[index].0)=\(fields[index].1.prefix(30).debugDescription)")
                }
                request.body = Array(Self.formText(fields).utf8)
            } else {
                var union = filingBody
                let paths = union.leafPaths
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let path = paths[Int.random(in: 0..<paths.count, using: &rng)]
                    let replacement: HostileJSON =
                        Double.random(in: 0..<1, using: &rng) < 0.7
                        ? .string(pool[Int.random(in: 0..<pool.count, using: &rng)])
                        : HostileCorpus.wrongTypes[Int.random(in: 0..<HostileCorpus.wrongTypes.count, using: &rng)]
                    union = union.replacing(path, with: replacement)
                    labels.append("JSON \(path.joined(separator: "."))=\(replacement.text.prefix(30))")
                }
                request.body = Array(union.text.utf8)
            }
        }
        if Double.random(in: 0..<1, using: &rng) < 0.35 {
            let variants = headerVariants
            let (label, change) = variants[Int.random(in: 0..<variants.count, using: &rng)]
            change(&request)
            labels.append("header \(label)")
        }
        request.label = "random \(index): " + labels.joined(separator: ", ")
        return request
    }
}

struct HostileSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension HostileJSON {
    /// This value for `JSONSerialization` (setup requests only: plain strings, numbers and booleans).
    var jsonObject: JSONObject {
        guard case .object(let members) = self else { return [:] }
        var object: JSONObject = [:]
        for (key, value) in members {
            switch value {
            case .string(let text): object[key] = text
            case .bool(let flag): object[key] = flag
            case .raw(let literal): object[key] = Double(literal) ?? 0
            case .object: object[key] = value.jsonObject
            case .null, .array: continue
            }
        }
        return object
    }
}
