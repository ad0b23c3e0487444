import Classification
import Domain
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Setup
import Services
import Store
import Synchronization
import TestSupport
import Testing
import Web

/// A clock tests can move forward (to pass deadlines and appeal windows).
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_795_000_000))

    func now() -> Date { current.withLock { $0 } }

    func advance(days: Double) {
        current.withLock { $0 = $0.addingTimeInterval(days * 86_400) }
    }
}

/// The default model, trained (or read from the cache) once per test run.
enum TestModel {
    static let shared = Task { try DefaultModel.load(home: TestDatabase.home) }
}

/// The seeded reference data with its indexes, built once: every fresh database is a copy of the
/// same seeded template, and indexing the whole country's areas takes seconds in a debug build.
enum TestReference {
    static let shared = Task {
        let database = try await TestDatabase.fresh()
        do {
            let loaded = try await SiangRuntime.loadReference(pool: database.pool, home: TestDatabase.home)
            await database.pool.shutdown()
            return loaded
        } catch {
            await database.pool.shutdown()
            throw error
        }
    }
}

/// A Siang application on a fresh database, driven through HummingbirdTesting.
struct TestApp {
    let database: TestDatabase.Handle
    let runtime: SiangRuntime
    let clock: TestClock

    /// - Parameter environment: settings as `SIANG_…` variables (say, LINE's), over `Config/siang.json`.
    /// - Parameter before: run on the fresh database before the application starts (data it loads at start).
    ///   The reference is loaded from the database after it; without it, the shared one is used.
    /// - Parameter loadStatistics: false to start as `serve` does, before the statistics are loaded.
    /// - Parameter poolSize: connections to the database (a test that holds some needs more).
    static func make(
        environment: [String: String] = [:], loadStatistics: Bool = true, poolSize: Int = 3,
        before: ((TestDatabase.Handle) async throws -> Void)? = nil
    ) async throws -> TestApp {
        let database = try await TestDatabase.fresh(poolSize: poolSize)
        try await before?(database)
        let clock = TestClock()
        let settings = try await SiangSettings.load(home: TestDatabase.home, environment: environment)
        let runtime = try await SiangRuntime.prepare(
            pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            loaded: before == nil ? try await TestReference.shared.value : nil, loadStatistics: loadStatistics,
            logger: TestDatabase.logger,
            clock: { clock.now() })
        return TestApp(database: database, runtime: runtime, clock: clock)
    }

    /// The configuration tests run with unless they say otherwise.
    /// Without the change feed (`ServerConfiguration`'s default): each of the suite's hundreds of apps
    /// would hold a listening connection and thread, reload everything as it starts listening, and
    /// re-read every case it files; on a 2-core CI machine that slowed first answers past their
    /// timeouts. The multi-instance tests turn it on (`followingChanges`).
    static let configuration = ServerConfiguration(
        maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero, deliversNotifications: false)

    /// `configuration` with the change feed on, as `serve` runs.
    static let followingChanges: ServerConfiguration = {
        var configuration = TestApp.configuration
        configuration.followsCaseChanges = true
        return configuration
    }()

    /// Runs `body` against the application's router, then closes the database pool.
    func run(
        configuration: ServerConfiguration = TestApp.configuration, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.maintenanceInterval = .seconds(3600)
        configuration.deliversNotifications = false
        configuration.statisticsCacheLifetime = .zero
        let app = buildApplication(runtime: runtime, configuration: configuration, logger: TestDatabase.logger)
        do {
            try await app.test(.router, body)
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    /// Runs `body` with the port of a real server on 127.0.0.1 (for bytes no test client sends), then
    /// closes the database pool.
    func runLive(_ body: @Sendable (Int) async throws -> Void) async throws {
        let app = buildApplication(runtime: runtime, configuration: Self.configuration, logger: TestDatabase.logger)
        do {
            try await app.test(.live) { client in try await body(try #require(client.port)) }
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    /// A new staff account with an API token.
    func token(role: StaffRole = .officer, agency: String?) async throws -> String {
        try await StaffAccounts(store: StaffStore(pool: database.pool)).createToken(role: role, agencyCode: agency, name: "test \(role)").token
    }
}

/// A decoded JSON response.
struct JSONReply: @unchecked Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let json: [String: Any]

    subscript(key: String) -> Any? { json[key] }

    func string(_ path: String) -> String? { value(path) as? String }
    func int(_ path: String) -> Int? { value(path) as? Int }
    func bool(_ path: String) -> Bool? { value(path) as? Bool }
    func array(_ path: String) -> [[String: Any]] { value(path) as? [[String: Any]] ?? [] }

    /// A value at a dotted path ("error.code", "agency.code").
    func value(_ path: String) -> Any? {
        var current: Any? = json
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    var errorCode: String? { string("error.code") }
}

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: JSONObject? = nil, raw: String? = nil, headers: HTTPFields = [:]
    ) async throws -> JSONReply {
        var body: ByteBuffer?
        if let json { body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)) }
        if let raw { body = ByteBuffer(string: raw) }
        var fields = headers
        if body != nil { fields[.contentType] = "application/json" }
        let response = try await executeRequest(uri: uri, method: method, headers: fields, body: body)
        let data = Data(response.body.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return JSONReply(status: response.status, headers: response.headers, json: object)
    }

    /// Files a case and returns (code, secret, reply).
    func file(_ body: JSONObject, headers: HTTPFields = [:]) async throws -> (code: String, secret: String, reply: JSONReply) {
        let reply = try await send(.post, "/api/v1/cases", json: body, headers: headers)
        #expect(reply.status == .created, "filing failed: \(reply.json)")
        return (reply.string("code") ?? "", reply.string("secret") ?? "", reply)
    }

    /// Applies a staff action.
    func act(_ code: String, token: String, _ action: JSONObject) async throws -> JSONReply {
        try await send(.post, "/api/v1/agency/cases/\(code)/actions", json: action, headers: [.authorization: "Bearer \(token)"])
    }
}

/// A JSON object for request bodies.
typealias JSONObject = [String: any Sendable]

/// A Bangkok road complaint in Bang Na (routed to its district office).
let bangNaPothole: JSONObject = [
    "text": "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ ฝนตกน้ำขังมองไม่เห็นหลุม",
    "area": ["province": "กรุงเทพมหานคร", "district": "บางนา"],
]

/// One `Set-Cookie` header as a browser reads it: name, value, path, and whether it removes the cookie.
struct SetCookie {
    let name: String
    let value: String
    let path: String
    let removes: Bool

    init?(_ header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
        name = String(pair[..<equals])
        value = String(pair[pair.index(after: equals)...])
        path = parts.first { $0.lowercased().hasPrefix("path=") }.map { String($0.dropFirst(5)) } ?? "/"
        removes = parts.contains(where: { $0.lowercased() == "max-age=0" }) || value.isEmpty
    }
}
