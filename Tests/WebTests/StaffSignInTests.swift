import Domain
import Foundation
import Hummingbird
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing
import Web

/// Staff accounts with passwords: creating them, signing in, and where web sessions are kept.
@Suite("Staff sign-in and web sessions")
struct StaffSignInTests {
    /// Runs `body` with accounts (bcrypt at its lowest cost, for speed) on a fresh database.
    func withAccounts(
        cost: UInt8 = 4, _ body: (StaffAccounts, ConnectionPool) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.fresh()
        let accounts = StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: cost)
        do {
            try await body(accounts, database.pool)
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    /// The DomainError code `body` throws, or nil when it throws none.
    func refusal(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as DomainError {
            return error.code
        } catch {
            return "unexpected: \(error)"
        }
    }

    static let password = "ถนนบางนา-2569-secret"

    @Test("the right password signs in and returns the account")
    func rightPassword() async throws {
        try await withAccounts { accounts, _ in
            let (created, password) = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: "สมชาย ใจดี", role: .officer, agencyCode: "bma-district-1047",
                password: Self.password)
            #expect(password == Self.password)
            let member = try await accounts.signIn(email: "somchai@bangna.go.th", password: Self.password)
            #expect(member == created)
            #expect(member?.name == "สมชาย ใจดี")
            #expect(member?.role == .officer)
            #expect(member?.agencyCode == "bma-district-1047")
            #expect(try await accounts.staff(id: created.id) == created)
        }
    }

    @Test("a wrong password, an unknown e-mail or an empty password signs nobody in")
    func wrongCredentials() async throws {
        try await withAccounts { accounts, _ in
            _ = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: nil, role: .officer, agencyCode: "bma-district-1047",
                password: Self.password)
            #expect(try await accounts.signIn(email: "somchai@bangna.go.th", password: Self.password + "x") == nil)
            #expect(try await accounts.signIn(email: "somchai@bangna.go.th", password: "") == nil)
            #expect(try await accounts.signIn(email: "somchai@bangna.go.th", password: Self.password + "\0x") == nil)
            #expect(try await accounts.signIn(email: "somsri@bangna.go.th", password: Self.password) == nil)
        }
    }

    @Test("the e-mail matches in any letter case, and is stored lower-cased")
    func emailLetterCase() async throws {
        try await withAccounts { accounts, pool in
            let (created, _) = try await accounts.createUser(
                email: " Somchai@BangNa.go.th ", name: nil, role: .admin, agencyCode: nil, password: Self.password)
            #expect(created.name == "somchai@bangna.go.th")
            #expect(try await accounts.signIn(email: "SOMCHAI@bangna.GO.TH", password: Self.password) == created)
            let stored = try await pool.withConnection { connection in
                try connection.query("SELECT email FROM staff WHERE id = $1", [created.id]).first!.string(0)
            }
            #expect(stored == "somchai@bangna.go.th")
        }
    }

    @Test("a deactivated account cannot sign in and is not found by id")
    func inactiveAccount() async throws {
        try await withAccounts { accounts, pool in
            let (created, _) = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: nil, role: .officer, agencyCode: "bma-district-1047",
                password: Self.password)
            _ = try await pool.withConnection { connection in
                try connection.query("UPDATE staff SET active = false WHERE id = $1", [created.id])
            }
            #expect(try await accounts.signIn(email: "somchai@bangna.go.th", password: Self.password) == nil)
            #expect(try await accounts.staff(id: created.id) == nil)
        }
    }

    @Test("an id finds an active account, whether made with a password or an API token, and no other")
    func staffByID() async throws {
        try await withAccounts { accounts, _ in
            let (_, staff) = try await accounts.createToken(role: .admin, agencyCode: nil, name: "ops")
            #expect(try await accounts.staff(id: staff.id) == staff)
            #expect(try await accounts.staff(id: staff.id + 1000) == nil)
        }
    }

    @Test("without a password, a one-time password is generated, unambiguous, and signs in")
    func generatedPassword() async throws {
        try await withAccounts { accounts, pool in
            let (created, password) = try await accounts.createUser(
                email: "triage@1111.go.th", name: "ศูนย์ 1111", role: .triage, agencyCode: nil, password: nil)
            #expect(password.count >= 16)
            #expect(password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(!password.contains(where: { "0O1lI".contains($0) }))
            #expect(try await accounts.signIn(email: "triage@1111.go.th", password: password) == created)
            let (_, other) = try await accounts.createUser(
                email: "triage2@1111.go.th", name: nil, role: .triage, agencyCode: nil, password: nil)
            #expect(other != password)

            // Only a bcrypt hash of the configured cost is stored.
            let hash = try await pool.withConnection { connection in
                try connection.query("SELECT password_hash FROM staff WHERE id = $1", [created.id]).first!.string(0)
            }
            #expect(hash.hasPrefix("$2b$04$"))
            #expect(!hash.contains(password))
        }
    }

    typealias Refusal = (email: String, name: String?, role: StaffRole, agency: String?, password: String?, code: String)

    static let refusals: [Refusal] = [
        ("somchai@bangna.go.th", nil, .officer, "bma-district-1047", "short-pass", "password_too_short"),
        ("somchai@bangna.go.th", nil, .officer, "bma-district-1047", String(repeating: "ก", count: 25), "password_too_long"),
        ("somchai@bangna.go.th", nil, .officer, "bma-district-1047", "twelve chars\u{0}and more", "invalid_password"),
        ("somchai", nil, .officer, "bma-district-1047", nil, "invalid_email"),
        ("somchai@bangna", nil, .officer, "bma-district-1047", nil, "invalid_email"),
        ("som chai@bangna.go.th", nil, .officer, "bma-district-1047", nil, "invalid_email"),
        ("somchai@bangna.go.th", nil, .officer, nil, nil, "agency_required"),
        ("somchai@bangna.go.th", nil, .officer, "no-such-agency", nil, "unknown_agency"),
    ]

    @Test("a bad e-mail, password or agency is refused with its code, and no account is made", arguments: refusals)
    func refused(_ example: Refusal) async throws {
        try await withAccounts { accounts, pool in
            let code = await refusal {
                _ = try await accounts.createUser(
                    email: example.email, name: example.name, role: example.role, agencyCode: example.agency,
                    password: example.password)
            }
            #expect(code == example.code)
            let count = try await pool.withConnection { connection in
                try connection.query("SELECT count(*) FROM staff").first!.int(0)
            }
            #expect(count == 0)
        }
    }

    @Test("a second account with the same e-mail, in any letter case, is refused with email_taken")
    func duplicateEmail() async throws {
        try await withAccounts { accounts, _ in
            _ = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: nil, role: .officer, agencyCode: "bma-district-1047",
                password: Self.password)
            let code = await refusal {
                _ = try await accounts.createUser(
                    email: "SomChai@bangna.go.th", name: nil, role: .admin, agencyCode: nil, password: nil)
            }
            #expect(code == "email_taken")
        }
    }

    @Test("a generated password must be replaced at first sign-in; a password the person chose need not be")
    func handedOverPassword() async throws {
        try await withAccounts { accounts, _ in
            let (generated, password) = try await accounts.createUser(
                email: "triage@1111.go.th", name: nil, role: .triage, agencyCode: nil, password: nil)
            #expect(generated.mustChangePassword)
            #expect(try await accounts.signIn(email: "triage@1111.go.th", password: password)?.mustChangePassword == true)
            #expect(try await accounts.staff(id: generated.id)?.mustChangePassword == true)

            let (chosen, _) = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: nil, role: .officer, agencyCode: "bma-district-1047",
                password: Self.password)
            #expect(!chosen.mustChangePassword)
            #expect(try await accounts.staff(id: chosen.id)?.mustChangePassword == false)
        }
    }

    @Test("changing a password needs the current one and a valid new one; afterwards only the new one signs in")
    func changingPassword() async throws {
        try await withAccounts { accounts, _ in
            let (staff, handedOver) = try await accounts.createUser(
                email: "triage@1111.go.th", name: nil, role: .triage, agencyCode: nil, password: nil)
            let refusals: [(current: String, new: String, code: String)] = [
                ("not the password", Self.password, "wrong_password"),
                ("", Self.password, "wrong_password"),
                (handedOver, handedOver, "password_unchanged"),
                (handedOver, "too short", "password_too_short"),
                (handedOver, String(repeating: "ก", count: 25), "password_too_long"),
            ]
            for refused in refusals {
                let code = await refusal { try await accounts.changePassword(of: staff, current: refused.current, new: refused.new) }
                #expect(code == refused.code, "\(refused)")
            }
            #expect(try await accounts.signIn(email: "triage@1111.go.th", password: handedOver)?.mustChangePassword == true)

            try await accounts.changePassword(of: staff, current: handedOver, new: Self.password)
            #expect(try await accounts.signIn(email: "triage@1111.go.th", password: handedOver) == nil)
            let signedIn = try await accounts.signIn(email: "triage@1111.go.th", password: Self.password)
            #expect(signedIn?.id == staff.id)
            #expect(signedIn?.mustChangePassword == false)
        }
    }

    @Test("an unknown e-mail costs as much bcrypt work as a wrong password")
    func noTimingOracle() async throws {
        // At cost 10 one verification takes tens of milliseconds; a dummy hash bcrypt rejected as
        // malformed would take microseconds. The quickest of five tries of each is compared: a busy
        // machine only ever slows a try down (sums once failed in CI when one try stalled for seconds).
        try await withAccounts(cost: 10) { accounts, _ in
            _ = try await accounts.createUser(
                email: "somchai@bangna.go.th", name: nil, role: .admin, agencyCode: nil, password: Self.password)
            let clock = ContinuousClock()
            var known: [Duration] = []
            var unknown: [Duration] = []
            for _ in 0..<5 {
                var start = clock.now
                #expect(try await accounts.signIn(email: "somchai@bangna.go.th", password: "wrong password!") == nil)
                known.append(start.duration(to: clock.now))
                start = clock.now
                #expect(try await accounts.signIn(email: "nobody@bangna.go.th", password: "wrong password!") == nil)
                unknown.append(start.duration(to: clock.now))
            }
            let quickestKnown = try #require(known.min()), quickestUnknown = try #require(unknown.min())
            #expect(quickestUnknown * 4 > quickestKnown, "unknown e-mail: \(unknown), known e-mail: \(known)")
        }
    }

    // MARK: - Web sessions

    /// A session as the web pages might keep it.
    struct Session: Codable, Sendable, Equatable {
        var staffID: Int64
        var csrfToken: String
        var language: String?
    }

    /// Runs `body` with a session driver whose clock the test moves.
    func withDriver(_ body: (PostgresPersistDriver, TestClock, ConnectionPool) async throws -> Void) async throws {
        try await withAccounts { _, pool in
            let clock = TestClock()
            let driver = PostgresPersistDriver(store: WebSessionStore(pool: pool), clock: { clock.now() })
            try await body(driver, clock, pool)
        }
    }

    static let session = Session(staffID: 42, csrfToken: "n8Jq2", language: "th")

    @Test("a session set is read back as it was stored, until it is removed")
    func sessionRoundTrip() async throws {
        try await withDriver { driver, _, _ in
            try await driver.set(key: "hbs.abc", value: Self.session, expires: .seconds(3600))
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == Self.session)
            #expect(try await driver.get(key: "hbs.other", as: Session.self) == nil)

            var changed = Self.session
            changed.language = nil
            try await driver.set(key: "hbs.abc", value: changed, expires: nil)
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == changed)

            try await driver.remove(key: "hbs.abc")
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == nil)
            try await driver.remove(key: "hbs.abc")
        }
    }

    @Test("a session expires by the driver's clock; setting it without expiry keeps its expiry")
    func sessionExpiry() async throws {
        try await withDriver { driver, clock, _ in
            try await driver.set(key: "hbs.abc", value: Self.session, expires: .seconds(600))
            try await driver.set(key: "hbs.forever", value: Self.session, expires: nil)
            let ttl = try #require(try await driver.getWithTTL(key: "hbs.abc", as: Session.self)?.ttl)
            #expect(ttl > .seconds(599) && ttl <= .seconds(600))
            #expect(try await driver.getWithTTL(key: "hbs.forever", as: Session.self)?.ttl == nil)

            clock.advance(days: 300 / 86_400)
            try await driver.set(key: "hbs.abc", value: Self.session, expires: nil)
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == Self.session)
            clock.advance(days: 301 / 86_400)
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == nil)
            #expect(try await driver.get(key: "hbs.forever", as: Session.self) == Self.session)

            // Saving an expired session without an expiry does not bring it back.
            try await driver.set(key: "hbs.abc", value: Self.session, expires: nil)
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == nil)
        }
    }

    @Test("creating a live key again is a duplicate; an expired one is replaced")
    func sessionCreate() async throws {
        try await withDriver { driver, clock, _ in
            try await driver.create(key: "hbs.abc", value: Self.session, expires: .seconds(60))
            await #expect(throws: PersistError.duplicate) {
                try await driver.create(key: "hbs.abc", value: Self.session, expires: .seconds(60))
            }
            try await driver.create(key: "hbs.forever", value: Self.session, expires: nil)
            await #expect(throws: PersistError.duplicate) {
                try await driver.create(key: "hbs.forever", value: Self.session, expires: nil)
            }
            clock.advance(days: 61 / 86_400)
            var fresh = Self.session
            fresh.staffID = 7
            try await driver.create(key: "hbs.abc", value: fresh, expires: .seconds(60))
            #expect(try await driver.get(key: "hbs.abc", as: Session.self) == fresh)
        }
    }

    @Test("a session read as another type is an invalid conversion")
    func sessionWrongType() async throws {
        try await withDriver { driver, _, _ in
            try await driver.set(key: "hbs.abc", value: "just text", expires: nil)
            #expect(try await driver.get(key: "hbs.abc", as: String.self) == "just text")
            await #expect(throws: PersistError.invalidConversion) {
                _ = try await driver.get(key: "hbs.abc", as: Session.self)
            }
        }
    }

    @Test("the table keeps only the SHA-256 of a session key, never the key")
    func sessionKeyHashed() async throws {
        try await withDriver { driver, _, pool in
            let key = "hbs.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg="
            try await driver.set(key: key, value: Self.session, expires: .seconds(60))
            let row = try await pool.withConnection { connection in
                try connection.query(
                    """
                    SELECT key_hash = sha256(convert_to($1, 'UTF8')), length(key_hash),
                           position(convert_to($1, 'UTF8') IN key_hash) + position(convert_to($1, 'UTF8') IN value),
                           strpos(w::text, $1), (SELECT count(*) FROM web_sessions)
                    FROM web_sessions w
                    """, [key]
                ).first!
            }
            #expect(try row.bool(0))
            #expect(try row.int(1) == 32)
            #expect(try row.int(2) == 0)
            #expect(try row.int(3) == 0)
            #expect(try row.int(4) == 1)
        }
    }

    @Test("purging deletes expired sessions and keeps live ones")
    func sessionPurge() async throws {
        try await withDriver { driver, clock, pool in
            try await driver.set(key: "hbs.short", value: Self.session, expires: .seconds(60))
            try await driver.set(key: "hbs.long", value: Self.session, expires: .seconds(3600))
            try await driver.set(key: "hbs.forever", value: Self.session, expires: nil)
            #expect(try await driver.purgeExpired() == 0)
            clock.advance(days: 120 / 86_400)
            #expect(try await driver.purgeExpired() == 1)
            let left = try await pool.withConnection { connection in
                try connection.query("SELECT count(*) FROM web_sessions").first!.int(0)
            }
            #expect(left == 2)
            #expect(try await driver.get(key: "hbs.long", as: Session.self) == Self.session)
        }
    }
}
