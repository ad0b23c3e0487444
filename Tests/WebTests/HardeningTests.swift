import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Setup
import Services
import Store
import TestSupport
import Testing

@testable import Web

#if canImport(Glibc)
import Glibc
#endif

/// Requests that once crashed the process, answered 500, or leaked what should stay private: each is
/// now a clear 4xx in the one error shape, or simply private.
@Suite("Hardening against careless and hostile clients")
struct HardeningTests {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Query strings whose dates or cursors lie outside what any real client sends.
    static let outOfRangeQueries: [String] = [
        "/api/v1/open-data/cases.csv?from=300000-1-1",
        "/api/v1/open-data/cases.json?to=300000-1-1",
        "/api/v1/open-data/cases.csv?from=0000-01-01",
        "/api/v1/open-data/cases.json?to=0001-01-01",
        "/api/v1/open-data/cases.csv?from=2026-02-30",
        "/api/v1/stats?from=0000-01-01",
        "/api/v1/stats?to=300000-01-01",
        "/api/v1/agency/cases?cursor=9223372036854775807_1",
        "/api/v1/agency/cases?cursor=-9223372036854775808_1",
        "/api/v1/agency/cases?cursor=1795000000000000_-1",
        "/api/v1/agency/cases?from=300000-1-1",
        "/api/v1/agency/cases?from=0000-01-01",
        "/api/v1/agency/cases?to=0001-01-01",
        "/api/v1/agency/cases?to=99999-12-31T00:00:00Z",
        "/api/v1/agency/triage?from=0000-01-01",
    ]

    @Test("dates and cursors out of range are a 400 in the JSON error shape, before any byte of a download", arguments: outOfRangeQueries)
    func outOfRangeDatesAndCursors(path: String) async throws {
        let app = try await TestApp.make()
        let token = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            _ = try await client.file(bangNaPothole)
            let reply = try await client.send(.get, path, headers: [.authorization: "Bearer \(token)"])
            #expect(reply.status == .badRequest, "\(path): \(reply.status) \(reply.json)")
            #expect(reply.errorCode?.hasPrefix("invalid_") == true, "\(path): \(reply.json)")
            #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
            // The service is still there.
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }

    @Test("the agency inbox page ignores a cursor at the edge of Int64 instead of crashing")
    func inboxPageCursor() async throws {
        let app = try await TestApp.make()
        _ = try await Self.bangNaOfficer(app)
        try await app.run { client in
            let officer = try await Self.signedIn(client, "officer@bangna.example", "correct horse battery")
            for cursor in ["9223372036854775807_1", "-9223372036854775808_1", "x_y", "1_"] {
                #expect(try await officer.get("/agency?after=\(cursor)").status == .ok, "after=\(cursor)")
            }
        }
    }

    @Test("a case moved into a private category leaves public view and open data at once; moved back, it returns")
    func privateCategoryFollowsRecategorisation() async throws {
        let app = try await TestApp.make()
        let triage = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let (code, secret, _) = try await client.file(bangNaPothole.merging(["category": "road"]) { $1 })
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .ok)
            #expect(try await Self.openData(client).contains(code))

            let moved = try await client.act(code, token: triage, ["action": "recategorise", "category": "corruption", "note": "ทุจริต"])
            #expect(moved.status == .ok, "\(moved.json)")
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .notFound)
            #expect(try await client.executeRequest(uri: "/cases/\(code)", method: .get, headers: [:], body: nil).status == .notFound)
            #expect(try await !Self.openData(client).contains(code))
            // The citizen still sees it with the secret.
            let own = try await client.send(.get, "/api/v1/cases/\(code)", headers: [.trackingSecret: secret])
            #expect(own.status == .ok)
            #expect(own.string("view") == "citizen")

            // Back in a public category: the citizen agreed to publication when filing, so it is public again.
            let back = try await client.act(code, token: triage, ["action": "recategorise", "category": "road", "note": "ถนน"])
            #expect(back.status == .ok)
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .ok)
            #expect(try await Self.openData(client).contains(code))
        }
    }

    @Test("a case filed private, or filed into a private category, never becomes public when moved to a public category")
    func privateStaysPrivateWhenMovedOut() async throws {
        let app = try await TestApp.make()
        let triage = try await app.token(role: .triage, agency: nil)
        try await app.run { client in
            let (chosen, _, _) = try await client.file(bangNaPothole.merging(["category": "road", "public": false]) { $1 })
            let (promised, _, filed) = try await client.file(bangNaPothole.merging(["category": "land"]) { $1 })
            #expect(filed.bool("is_public") == false)
            for (code, category) in [(chosen, "sidewalk"), (promised, "road")] {
                let moved = try await client.act(code, token: triage, ["action": "recategorise", "category": category, "note": "แก้หมวด"])
                #expect(moved.status == .ok, "\(moved.json)")
                #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .notFound)
                #expect(try await !Self.openData(client).contains(code))
            }
        }
    }

    @Test("a NUL in any field of a filing is a 4xx that stores nothing", arguments: [
        ["contact": ["name": "สม\u{0}ศรี", "phone": "0812345678"]],
        ["contact": ["email": "a\u{0}@example.com"]],
        ["contact": ["phone": "081\u{0}2345678"]],
        ["title": "หลุม\u{0}"],
        ["address": "ซอย 5\u{0}"],
        ["channel": "we\u{0}b"],
    ] as [JSONObject])
    func nulRefused(extra: JSONObject) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var body = bangNaPothole.merging(extra) { $1 }
            body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
            let reply = try await client.send(.post, "/api/v1/cases", json: body)
            #expect((400..<500).contains(Int(reply.status.code)), "\(reply.status) \(reply.json)")
            #expect(reply.errorCode != nil)
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 0)
        }
    }

    @Test("a NUL in the filing form is refused as a bad form, and nothing is stored")
    func nulInForm() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let form = try await browser.get("/file")
            let posted = try await browser.post(
                "/file", potholeForm + [("contact_name", "สม\u{0}ศรี"), ("consent", "yes"),
                    ("idempotency_key", form.field("idempotency_key") ?? "")], csrf: form.csrf)
            #expect(posted.status == .badRequest)
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 0)
        }
    }

    @Test("a JSON body is refused for a NUL escape, but not for an escaped backslash before u0000")
    func jsonNULScanner() {
        #expect(JSONBody.containsNUL(Data(#"{"a":"x\u0000"}"#.utf8)))
        #expect(JSONBody.containsNUL(Data([0x7B, 0x00, 0x7D])))
        #expect(!JSONBody.containsNUL(Data(#"{"a":"x\\u0000"}"#.utf8)))
        #expect(JSONBody.containsNUL(Data(#"{"a":"x\\\u0000"}"#.utf8)))
        #expect(!JSONBody.containsNUL(Data(#"{"a":"\u0e01"}"#.utf8)))
    }

    static let redirects: [(String, String?)] = [
        ("/stats?category=road", "/stats?category=road"),
        ("/", "/"),
        ("/\t/evil.example", nil),
        ("/%09/evil.example", "/%09/evil.example"),  // a path on this site: the browser does not decode it
        ("//evil.example", nil),
        ("/\\evil.example", nil),
        ("\\/evil.example", nil),
        (" /x", nil),
        ("/x\n/y", nil),
        ("https://evil.example", nil),
        ("evil.example", nil),
        ("", nil),
    ]

    @Test("only a path a browser keeps as it is may be a redirect target", arguments: redirects)
    func sameOriginPaths(candidate: String, expected: String?) {
        #expect(SameOriginPath(candidate)?.path == expected)
    }

    @Test("switching language never redirects off the site, however the address is dressed up")
    func languageRedirect() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            for back in ["/%09/evil.example", "%2F%09%2Fevil.example", "/%0A/evil.example", "/%5Cevil.example", "//evil.example"] {
                let response = try await client.executeRequest(uri: "/language/en?back=\(back)", method: .get, headers: [:], body: nil)
                let location = response.headers[.location] ?? ""
                #expect(location == "/" || location == "/%09/evil.example", "back=\(back) → \(location)")
                #expect(!location.contains("\t") && !location.hasPrefix("//"))
            }
        }
    }

    /// `perMinute` failed credential tries a minute per client, behind a proxy, on a clock that stands
    /// still: however slow the machine, no try comes back mid-test (one CI run took 224 s over one test).
    static func guessLimited(_ perMinute: Int) -> ServerConfiguration {
        var configuration = ServerConfiguration(failedCredentialsPerMinute: perMinute, behindProxy: true)
        let stopped = ContinuousClock.now
        configuration.rateLimitClock = { stopped }
        return configuration
    }

    @Test("wrong tracking secrets from one address get 429 with Retry-After; the citizen elsewhere is not locked out")
    func secretGuessing() async throws {
        let app = try await TestApp.make()
        try await app.run(configuration: Self.guessLimited(5)) { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            let attacker: HTTPFields = [Self.xForwardedFor: "203.0.113.7", .trackingSecret: "wrongwrongwrongwrongwron"]
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 { statuses.append(try await client.send(.get, "/api/v1/cases/\(code)", headers: attacker).status) }
            #expect(statuses.prefix(5).allSatisfy { $0 == .forbidden }, "\(statuses)")
            #expect(statuses.dropFirst(5).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            let limited = try await client.send(.get, "/api/v1/cases/\(code)", headers: attacker)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "too_many_attempts")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Even the right secret waits from the limited address: it is not even checked.
            let rightFromAttacker = try await client.send(
                .get, "/api/v1/cases/\(code)", headers: [Self.xForwardedFor: "203.0.113.7", .trackingSecret: secret])
            #expect(rightFromAttacker.status == .tooManyRequests)
            // Other attackers eat up the code's allowance, yet the citizen, who never failed, gets in.
            for n in 0..<10 {
                _ = try await client.send(
                    .get, "/api/v1/cases/\(code)",
                    headers: [Self.xForwardedFor: "198.51.100.\(n)", .trackingSecret: "wrongwrongwrongwrongwron"])
            }
            let citizen = try await client.send(
                .get, "/api/v1/cases/\(code)", headers: [Self.xForwardedFor: "192.0.2.1", .trackingSecret: secret])
            #expect(citizen.status == .ok)
            #expect(citizen.string("code") == code)
        }
    }

    @Test("wrong secrets sent in parallel cannot outrun the allowance: each takes its try before it is checked")
    func parallelGuessing() async throws {
        let app = try await TestApp.make()
        try await app.run(configuration: Self.guessLimited(5)) { client in
            let (code, _, _) = try await client.file(bangNaPothole)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        try await client.send(
                            .get, "/api/v1/cases/\(code)",
                            headers: [Self.xForwardedFor: "203.0.113.8", .trackingSecret: "wrongwrongwrongwrongwron"]
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .forbidden }.count <= 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 25, "\(statuses)")
        }
    }

    @Test("guessing the secret through the case page's cookie is limited too, though a wrong cookie shows the public page")
    func cookieGuessing() async throws {
        let app = try await TestApp.make()
        try await app.run(configuration: Self.guessLimited(3)) { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                let response = try await client.executeRequest(
                    uri: "/cases/\(code)", method: .get,
                    headers: [Self.xForwardedFor: "203.0.113.10", .cookie: "siang_track=wrongwrongwrongwrongwron"], body: nil)
                statuses.append(response.status)
            }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests], "\(statuses)")
            // The citizen's own cookie, from another address, still opens the citizen's view.
            let own = try await client.executeRequest(
                uri: "/cases/\(code)", method: .get, headers: [Self.xForwardedFor: "192.0.2.3", .cookie: "siang_track=\(secret)"],
                body: nil)
            #expect(own.status == .ok)
        }
    }

    @Test("an officer's valid token answered 404 for a case elsewhere is not a wrong guess")
    func validTokenNotFoundIsNoGuess() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run(configuration: Self.guessLimited(3)) { client in
            let officer: HTTPFields = [Self.xForwardedFor: "192.0.2.4", .authorization: "Bearer \(token)"]
            for _ in 0..<6 {
                let elsewhere = try await client.send(.get, "/api/v1/agency/cases/SG-2026-AAAAAA", headers: officer)
                #expect(elsewhere.status == .notFound)
            }
            let me = try await client.send(.get, "/api/v1/agency/me", headers: officer)
            #expect(me.status == .ok)
        }
    }

    @Test("a client's allowance is kept per IPv4 address and per IPv6 /64 network", arguments: [
        ("203.0.113.7", "203.0.113.7"), ("2001:db8:1:2:aaaa::1", "20010db800010002::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "20010db800010002::/64"), ("::ffff:192.0.2.1", "192.0.2.1"), ("unknown", "unknown"),
    ])
    func clientKeys(address: String, key: String) {
        #expect(ClientKey.of(address) == key)
    }

    @Test("cases already public in a private category (before publicity followed the category) are hidden at start-up")
    func leakedCasesHiddenAtStart() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, _, _) = try await client.file(bangNaPothole.merging(["category": "road"]) { $1 })
            // What an officer's recategorisation did before: the category moved, publicity did not.
            _ = try await app.database.pool.withConnection {
                try $0.query("UPDATE cases SET category_code = 'corruption' WHERE code = $1", [code])
            }
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .ok, "the leak this test mends")
        }
        let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
        let pool = ConnectionPool(configuration: .init(
            connectionString: app.database.connectionString, database: app.database.name, maximumConnections: 2))
        let restarted = try await SiangRuntime.prepare(
            pool: pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            loaded: try await TestReference.shared.value,
            logger: TestDatabase.logger)
        let database = TestDatabase.Handle(name: app.database.name, pool: pool, connectionString: app.database.connectionString)
        try await TestApp(database: database, runtime: restarted, clock: app.clock).run { client in
            let listed = try await Self.openData(client)
            #expect(!listed.contains("SG-"), "open data lists no case")
        }
    }

    @Test("without a settings file the private categories are still private: a missing setting fails closed")
    func privateCategoriesFailClosed() async throws {
        let empty = SiangHome(path: FileManager.default.temporaryDirectory.appendingPathComponent("siang-no-config").path)
        let settings = try await SiangSettings.load(home: empty, environment: [:])
        #expect(Set(settings.privateCategories).isSuperset(of: ["corruption", "debt", "land", "online_fraud"]))
    }

    @Test("wrong staff tokens from one address get 429 with Retry-After; a valid token elsewhere works")
    func tokenGuessing() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run(configuration: Self.guessLimited(3)) { client in
            let guess: HTTPFields = [Self.xForwardedFor: "203.0.113.9", .authorization: "Bearer siang_guess"]
            for _ in 0..<3 { #expect(try await client.send(.get, "/api/v1/agency/me", headers: guess).status == .unauthorized) }
            let limited = try await client.send(.get, "/api/v1/agency/me", headers: guess)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            let real = try await client.send(
                .get, "/api/v1/agency/me", headers: [Self.xForwardedFor: "192.0.2.2", .authorization: "Bearer \(token)"])
            #expect(real.status == .ok)
        }
    }

    @Test("changing the password ends the account's other sessions; the one that changed it goes on")
    func passwordChangeEndsOtherSessions() async throws {
        let app = try await TestApp.make()
        _ = try await Self.bangNaOfficer(app)
        try await app.run { client in
            let laptop = try await Self.signedIn(client, "officer@bangna.example", "correct horse battery")
            let phone = try await Self.signedIn(client, "officer@bangna.example", "correct horse battery")
            #expect(try await phone.get("/agency").status == .ok)
            let form = try await laptop.get("/agency/password")
            let changed = try await laptop.post(
                "/agency/password",
                [("current", "correct horse battery"), ("new", "ซอยสุขุมวิท 62 ปลอดภัย"), ("repeated", "ซอยสุขุมวิท 62 ปลอดภัย")],
                csrf: form.csrf)
            #expect(changed.location == "/agency?done=password")
            #expect(try await laptop.get("/agency").status == .ok)
            #expect(try await phone.get("/agency").location == "/agency/sign-in")
        }
    }

    @Test("deactivating an account ends its sessions and its API tokens at once")
    func deactivationEndsSessions() async throws {
        let app = try await TestApp.make()
        let (accounts, member) = try await Self.bangNaOfficer(app)
        _ = try await StaffStore(pool: app.database.pool).addToken(
            "siang_test_token_deactivation_0001", staffID: member.id, name: "bot")
        try await app.run { client in
            let browser = try await Self.signedIn(client, "officer@bangna.example", "correct horse battery")
            let bearer: HTTPFields = [.authorization: "Bearer siang_test_token_deactivation_0001"]
            #expect(try await client.send(.get, "/api/v1/agency/me", headers: bearer).status == .ok)
            #expect(try await accounts.deactivate(email: "Officer@Bangna.example"))
            #expect(try await browser.get("/agency").location == "/agency/sign-in")
            #expect(try await client.send(.get, "/api/v1/agency/me", headers: bearer).status == .unauthorized)
            #expect(try await !accounts.deactivate(email: "officer@bangna.example"), "already inactive")
        }
    }

    @Test("the open-data catalogue echoes X-Forwarded-Host only behind a proxy")
    func catalogueHost() async throws {
        let app = try await TestApp.make()
        let forwarded: HTTPFields = [HTTPField.Name("X-Forwarded-Host")!: "evil.example", HTTPField.Name("X-Forwarded-Proto")!: "https"]
        try await app.run { client in
            let direct = try await client.executeRequest(uri: "/api/v1/open-data/catalog.json", method: .get, headers: forwarded, body: nil)
            #expect(direct.status == .ok)
            #expect(!String(buffer: direct.body).contains("evil.example"))
        }
        let proxied = try await TestApp.make()
        try await proxied.run(configuration: ServerConfiguration(behindProxy: true)) { client in
            let reply = try await client.executeRequest(uri: "/api/v1/open-data/catalog.json", method: .get, headers: forwarded, body: nil)
            #expect(String(buffer: reply.body).contains("https://evil.example/"))
        }
    }

    @Test("a malformed chunk size or oversized headers get 400 in the JSON error shape from a real server")
    func unparseableRequests() async throws {
        let app = try await TestApp.make()
        try await app.runLive { port in
            let chunked = try await RawHTTP.exchange(
                port: port,
                "POST /api/v1/cases HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            #expect(chunked.hasPrefix("HTTP/1.1 400"), "\(chunked.prefix(200))")
            #expect(chunked.contains("\"error\":{"), "\(chunked)")

            let huge = try await RawHTTP.exchange(
                port: port, "GET /api/v1/categories HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n")
            #expect(huge.hasPrefix("HTTP/1.1 400"), "\(huge.prefix(200))")
            #expect(huge.contains("\"code\":\"headers_too_large\""), "\(huge)")

            let many = (0..<1_100).map { "X-H\($0): v\r\n" }.joined()
            let manyHeaders = try await RawHTTP.exchange(port: port, "GET /api/v1/categories HTTP/1.1\r\nHost: localhost\r\n\(many)\r\n")
            #expect(manyHeaders.hasPrefix("HTTP/1.1 400"))
            #expect(manyHeaders.contains("\"error\":{"))

            let form = try await RawHTTP.exchange(
                port: port,
                "POST /track HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\ncode=x\r\n0\r\n\r\n")
            #expect(form.hasPrefix("HTTP/1.1 400"), "\(form.prefix(300))")
            #expect(form.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer only: \(form.prefix(600))")

            let fine = try await RawHTTP.exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(fine.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("serve waits, with back-off, for a database that is not up yet, and says in one line when it never came")
    func databaseStartupWait() async throws {
        let unreachable = ConnectionPool(
            configuration: .init(
                connectionString: "host=127.0.0.1 port=9 dbname=siang connect_timeout=1", maximumConnections: 1,
                acquireTimeout: .seconds(1)),
            logger: TestDatabase.logger)
        let started = ContinuousClock.now
        do {
            try await Database(pool: unreachable, cluster: nil).waitUntilReachable(patience: .seconds(2), logger: TestDatabase.logger)
            Issue.record("an unreachable database was reported reachable")
        } catch let failure as LocalCluster.Failure {
            #expect(failure.description.contains("could not be reached"))
            #expect(!failure.description.contains("\n"))
        }
        #expect(ContinuousClock.now - started >= .seconds(1), "it tried again before giving up")
        await unreachable.shutdown()

        // A database that answers is simply used.
        let reachable = try await TestDatabase.fresh()
        try await Database(pool: reachable.pool, cluster: nil).waitUntilReachable(patience: .seconds(60), logger: TestDatabase.logger)
        await reachable.pool.shutdown()
    }

    // MARK: Helpers

    /// An officer of Bang Na's district office with the password "correct horse battery".
    static func bangNaOfficer(_ app: TestApp) async throws -> (StaffAccounts, StaffMember) {
        let accounts = StaffAccounts(store: StaffStore(pool: app.database.pool), passwordCost: 4)
        let (member, _) = try await accounts.createUser(
            email: "officer@bangna.example", name: nil, role: .officer, agencyCode: "bma-district-1047",
            password: "correct horse battery")
        return (accounts, member)
    }

    /// The public open data, CSV.
    static func openData(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.executeRequest(uri: "/api/v1/open-data/cases.csv", method: .get, headers: [:], body: nil)
        return String(buffer: response.body)
    }

    /// A browser signed in to the agency pages.
    static func signedIn(_ client: any TestClientProtocol, _ email: String, _ password: String) async throws -> Browser {
        let browser = Browser(client)
        let form = try await browser.get("/agency/sign-in")
        let signedIn = try await browser.post("/agency/sign-in", [("email", email), ("password", password)], csrf: form.csrf)
        #expect(signedIn.location == "/agency")
        return browser
    }
}

/// Raw bytes over a socket, for requests no HTTP client would send.
enum RawHTTP {
    struct Failure: Error { let what: String }

    /// Sends `request` to localhost:`port` (whichever loopback address the test server bound) and reads
    /// until the server closes (30 s at most), on a thread of its own: the server answering it runs
    /// in this same process.
    static func exchange(port: Int, _ request: String) async throws -> String {
        try await onOwnThread { try blockingExchange(port: port, request) }
    }

    private static func blockingExchange(port: Int, _ request: String) throws -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else { throw Failure(what: "resolve") }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var socketFD: Int32 = -1
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0, connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                socketFD = fd
                break
            }
            if fd >= 0 { close(fd) }
            candidate = info.pointee.ai_next
        }
        guard socketFD >= 0 else { throw Failure(what: "connect") }
        defer { close(socketFD) }
        // A bound on a hang, not on speed: on a loaded machine an answer can take several seconds (and one
        // run of the whole suite on a 2-core CI machine got no answer within 30).
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            // The server may answer and close before it has read everything (headers too large).
            let n = bytes[sent...].withUnsafeBytes { send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(socketFD, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
            if let text = String(bytes: received, encoding: .utf8), Self.isComplete(text) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether a response with a Content-Length has all its body.
    static func isComplete(_ text: String) -> Bool {
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return text[end.upperBound...].utf8.count >= length
    }
}
