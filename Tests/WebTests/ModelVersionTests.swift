import Classification
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Setup
import Store
import Synchronization
import TestSupport
import Testing
import Web

/// Classifier models learnt from settled cases: stored as versions, promoted only when not worse,
/// rolled back, swapped into a running service without a restart, and recorded on every case.
@Suite("Classifier model versions")
struct ModelVersionTests {
    /// Files `count` texts of the seed corpus (several categories) in Bang Na and marks them resolved:
    /// settled cases whose categories are the corpus's own.
    static func settleSeedCases(_ count: Int, app: TestApp, client: any TestClientProtocol) async throws -> [TrainingExample] {
        try await settleSeedCases(count, pool: app.database.pool, client: client)
    }

    static func settleSeedCases(_ count: Int, pool: ConnectionPool, client: any TestClientProtocol) async throws -> [TrainingExample] {
        let corpus = try SeedFiles.corpus(seeds: TestDatabase.home.seeds)
        let categories = ["road", "drainage", "lighting", "cleanliness", "sidewalk"]
        var examples: [TrainingExample] = []
        for index in 0..<count {
            let category = categories[index % categories.count]
            let example = corpus.filter { $0.category == category }[index / categories.count]
            _ = try await client.file([
                "text": example.text, "category": category, "area": ["province": "กรุงเทพมหานคร", "district": "บางนา"],
            ])
            examples.append(example)
        }
        try await pool.withConnection { try $0.execute("UPDATE cases SET status = 'resolved'") }
        return examples
    }

    /// A model that has learnt every category as the next one: worse than any sensible model.
    static func wrongModel() async throws -> ClassifierModel {
        let home = TestDatabase.home
        let taxonomy = try SeedFiles.taxonomy(seeds: home.seeds)
        let shifted = try SeedFiles.corpus(seeds: home.seeds).map { example in
            let index = taxonomy.categories.firstIndex(of: example.category) ?? 0
            return TrainingExample(text: example.text, category: taxonomy.categories[(index + 1) % taxonomy.categories.count])
        }
        return try Trainer(parameters: ClassifierParameters(smoothing: 0.3, keywordWeight: 0, temperature: 1))
            .train(examples: shifted, taxonomy: taxonomy, keywords: [])
    }

    static func models(_ app: TestApp) throws -> ModelUpdates { try #require(app.runtime.models) }

    static func store(_ app: TestApp) -> ModelVersionStore { ModelVersionStore(pool: app.database.pool) }

    /// The id of the first case of the newest fifth, as training would hold it out.
    static func heldOutFrom(_ app: TestApp) async throws -> Int64 { try await heldOutFrom(pool: app.database.pool) }

    static func heldOutFrom(pool: ConnectionPool) async throws -> Int64 {
        let settled = try await CaseStore(pool: pool).labelledCases()
        return try #require(settled.prefix(max(1, Int((Double(settled.count) * ModelUpdates.heldOutShare).rounded()))).last?.id)
    }

    @Test("promotion refuses a worse model and keeps the live one; a model as good is promoted; rollback restores the one before")
    func promoteRefuseRollback() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            _ = try await Self.settleSeedCases(20, app: app, client: client)
            let models = try Self.models(app)
            let from = try await Self.heldOutFrom(app)
            let worse = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await Self.wrongModel())), source: "test", examples: 1, heldOutFrom: from,
                report: "{}", at: Date())
            await #expect(throws: ModelUpdateError.self) { try await models.promote(id: worse.id, margin: 0.01, at: Date()) }
            #expect(try await Self.store(app).version(id: worse.id)?.state == .refused)
            #expect(try await models.liveVersionID() == nil, "the default model stays live")

            let same = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 1,
                heldOutFrom: from, report: "{}", at: Date())
            let comparison = try await models.promote(id: same.id, margin: 0.01, at: Date())
            #expect(comparison.heldOut == 4)
            #expect(comparison.candidate == comparison.live)
            #expect(try await models.liveVersionID() == same.id)

            // Forced, the worse one goes live over the good one; rolling back returns to the good one,
            // and rolling back again to the default model.
            _ = try await models.promote(id: worse.id, margin: 0.01, force: true, at: Date())
            #expect(try await models.liveVersionID() == worse.id)
            let back = try await models.rollback()
            #expect(back.from == worse.id && back.to == same.id)
            #expect(try await models.liveVersionID() == same.id)
            #expect(try await Self.store(app).version(id: worse.id)?.state == .rolledBack)
            let toDefault = try await models.rollback()
            #expect(toDefault.to == nil)
            #expect(try await models.liveVersionID() == nil)
            await #expect(throws: ModelUpdateError.nothingToRollBack) { try await models.rollback() }
        }
    }

    @Test("a version trained from the settled cases holds out the newest fifth and is stored as a candidate with its comparison")
    func trainFromSettledCases() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            _ = try await Self.settleSeedCases(25, app: app, client: client)
            let models = try Self.models(app)
            let home = TestDatabase.home
            let inputs = ModelTrainingInputs(
                trainer: Trainer(parameters: ClassifierParameters(smoothing: 0.3, keywordWeight: 1, temperature: 1)),
                taxonomy: try SeedFiles.taxonomy(seeds: home.seeds), keywords: try SeedFiles.keywords(seeds: home.seeds),
                background: [])
            await #expect(throws: ModelUpdateError.tooFewSettledCases(have: 25, need: 500)) {
                try await models.train(inputs, minimumCases: 500, margin: 0.01, at: Date())
            }
            let (version, comparison) = try await models.train(inputs, minimumCases: 10, margin: 0.01, at: Date())
            #expect(version.state == .candidate)
            #expect(version.examples == 20)
            #expect(version.heldOutFrom == (try await Self.heldOutFrom(app)))
            #expect(comparison.heldOut == 5)
            #expect(comparison.liveVersion == nil)
            #expect(ModelComparison.decode(version.report) == comparison, "the report kept is the comparison made")
            #expect(try await models.list().map(\.id) == [version.id])
        }
    }

    @Test("a running service swaps to the promoted version without a restart, losing no filing, and each case records its version")
    func swapUnderLoad() async throws {
        let app = try await TestApp.make(environment: ["SIANG_CLASSIFIER_CHECK_SECONDS": "1", "SIANG_CLASSIFIER_RETRAIN_HOURS": "0"])
        var configuration = TestApp.configuration
        configuration.followsModelVersions = true
        try await app.run(configuration: configuration) { client in
            let models = try Self.models(app)
            let version = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 1,
                heldOutFrom: nil, report: "{}", at: Date())
            // Filings go on, from four clients, until the version has been promoted, rolled back and promoted again.
            let swapsDone = Flag()
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var statuses: [Int] = []
                        repeat {
                            statuses.append(Int(try await client.send(.post, "/api/v1/cases", json: bangNaPothole).status.code))
                        } while !swapsDone.isSet
                        return statuses
                    }
                }
                group.addTask {
                    defer { swapsDone.set() }
                    _ = try await models.promote(id: version.id, margin: 0, force: true, at: Date())
                    try await Self.waitUntil { app.runtime.analyzer.modelVersion == version.id }
                    _ = try await models.rollback()
                    try await Self.waitUntil { app.runtime.analyzer.modelVersion == nil }
                    _ = try await models.promote(id: version.id, margin: 0, force: true, at: Date())
                    try await Self.waitUntil { app.runtime.analyzer.modelVersion == version.id }
                    return []
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses.filter { $0 != 201 })")
            let after = try await client.file(bangNaPothole)
            let recorded = try await app.database.pool.withConnection { connection in
                try connection.query("SELECT code, model_version FROM cases").rows.map {
                    (try $0.string(0), try $0.optionalInt(1).map(Int64.init))
                }
            }
            #expect(recorded.count == statuses.count + 1, "every filing answered 201 is stored")
            #expect(recorded.allSatisfy { $0.1 == nil || $0.1 == version.id })
            #expect(recorded.contains { $0.1 == nil } && recorded.contains { $0.1 == version.id }, "filings ran under both models")
            #expect(recorded.first { $0.0 == after.code }?.1 == version.id, "a filing after the swap records the version")
        }
    }

    @Test("statistics show each version's finished cases and the share that finished in the category it chose")
    func accuracyByVersion() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            let first = try await client.file(bangNaPothole)
            _ = try await client.file(bangNaPothole)
            let models = try Self.models(app)
            let version = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 1,
                heldOutFrom: nil, report: "{}", at: Date())
            _ = try await models.promote(id: version.id, margin: 0, force: true, at: Date())
            try app.runtime.analyzer.swap(to: try await models.model(id: version.id), version: version.id)
            _ = try await client.file(bangNaPothole)
            #expect(try await client.act(first.code, token: token, ["action": "recategorise", "category": "drainage"]).status == .ok)
            // Only finished cases count: none yet (read from the store, past the service's one-minute reuse), then all three.
            #expect(try await Self.store(app).accuracyByVersion().isEmpty)
            try await app.database.pool.withConnection { try $0.execute("UPDATE cases SET status = 'resolved'") }

            let figures = try await client.send(.get, "/api/v1/stats/classifier")
            #expect(figures.status == .ok)
            #expect(figures.int("live_version") == Int(version.id))
            let rows = figures.array("versions")
            let defaultRow = try #require(rows.first { $0["version"] == nil })
            #expect(defaultRow["cases"] as? Int == 2)
            #expect(defaultRow["category_changed"] as? Int == 1)
            #expect(defaultRow["share_kept"] as? Double == 0.5)
            let versionRow = try #require(rows.first { $0["version"] as? Int == Int(version.id) })
            #expect(versionRow["cases"] as? Int == 1)
            #expect(versionRow["category_changed"] as? Int == 0)

            for (language, words) in [("th", ["แบบจำลองตั้งต้น", "รุ่นที่ \(version.id) (ใช้อยู่)", "50.0%"]), ("en", ["Default model", "Version \(version.id) (live)"])] {
                let response = try await client.executeRequest(
                    uri: "/stats", method: .get, headers: [.acceptLanguage: language], body: nil)
                let page = String(buffer: response.body)
                #expect(page.contains("table-classifier"))
                for word in words { #expect(page.contains(word), "\(language): \(word)") }
            }
        }
    }

    @Test("siang model lists, promotes and rolls back the database's versions; a refusal is one line and exit status 1",
        // A bound on a hang: on a loaded 2-core CI machine it took 250–291 s in seven runs, and 367 s once.
        .timeLimit(.minutes(10)))
    func modelCommands() async throws {
        let app = try await TestApp.make()
        try await app.run { _ in
            let version = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 1,
                heldOutFrom: nil, report: "{}", at: Date())
            let database = Self.url(app.database)
            let listed = try await Self.siang(["model", "list"], database: database)
            #expect(listed.status == 0, "\(listed.error)")
            #expect(listed.output.contains("live: the default model"))
            #expect(listed.output.contains("\(version.id)\tcandidate"))

            let promoted = try await Self.siang(["model", "promote", "\(version.id)", "--force"], database: database)
            #expect(promoted.status == 0, "\(promoted.error)")
            #expect(try await Self.models(app).liveVersionID() == version.id)

            let back = try await Self.siang(["model", "rollback"], database: database)
            #expect(back.output.contains("version \(version.id) rolled back; live now: the default model"), "\(back.error)")
            let refused = try await Self.siang(["model", "rollback"], database: database)
            #expect(refused.status == 1)
            #expect(refused.error.contains("refused: the default model is live already"))
            #expect(!refused.error.contains("Usage"))
        }
    }

    /// The test database as `DATABASE_URL`.
    static func url(_ database: TestDatabase.Handle) -> String {
        guard database.connectionString.contains("://"), var url = URLComponents(string: database.connectionString) else {
            return database.connectionString + " dbname=\(database.name)"
        }
        url.path = "/" + database.name
        return url.string ?? database.connectionString
    }

    /// Runs the built `siang` binary from the repository with `arguments`, on `database`.
    static func siang(_ arguments: [String], database: String) async throws -> (status: Int32, output: String, error: String) {
        let binary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent().appendingPathComponent("siang").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build siang first: \(binary)")
        return try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: TestDatabase.home.path)
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = database
            environment["LOG_LEVEL"] = "warning"
            process.environment = environment
            let output = Pipe()
            let error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            // Read to the end before waiting (the output is small: warnings only), so the child never
            // blocks on a full pipe.
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
        }
    }

    @Test("a live version is not promoted again, a retired one only when forced, and rollback after versions were promoted again ends at the default model")
    func promotionStates() async throws {
        let app = try await TestApp.make()
        try await app.run { _ in
            let models = try Self.models(app)
            var ids: [Int64] = []
            for _ in 0..<3 {
                ids.append(try await Self.store(app).add(
                    model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 1,
                    heldOutFrom: nil, report: "{}", at: Date()).id)
            }
            let (a, b, c) = (ids[0], ids[1], ids[2])
            for id in [a, b, c] { _ = try await models.promote(id: id, margin: 0, force: true, at: Date()) }
            await #expect(throws: ModelUpdateError.alreadyLive(c)) { try await models.promote(id: c, margin: 0, force: true, at: Date()) }
            await #expect(throws: ModelUpdateError.notCandidate(a, "retired")) { try await models.promote(id: a, margin: 0, at: Date()) }
            _ = try await models.promote(id: a, margin: 0, force: true, at: Date())  // a replaced c, which replaced b, which replaced a
            var steps: [Int64?] = []
            while let step = try? await models.rollback() { steps.append(step.to) }
            #expect(steps == [c, b, nil], "each retired version once, then the default model")
            #expect(try await models.liveVersionID() == nil)
        }
    }

    @Test("administrators list, promote and roll back versions through the API; a worse one is refused with 409, other staff with 403")
    func administratorsThroughTheAPI() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            _ = try await Self.settleSeedCases(20, app: app, client: client)
            let from = try await Self.heldOutFrom(app)
            let worse = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await Self.wrongModel())), source: "test", examples: 16, heldOutFrom: from,
                report: "{}", at: Date())
            let same = try await Self.store(app).add(
                model: Array(try ModelFile.encode(try await TestModel.shared.value)), source: "test", examples: 16,
                heldOutFrom: from, report: "{}", at: Date())
            let admin: HTTPFields = [.authorization: "Bearer \(try await app.token(role: .admin, agency: nil))"]
            let officer: HTTPFields = [.authorization: "Bearer \(try await app.token(agency: "bma-district-1047"))"]

            let before = try await Self.models(app).list()
            for (method, path) in [
                (HTTPRequest.Method.get, "models"), (.post, "models/\(same.id)/promote"), (.post, "models/abc/promote"),
                (.post, "models/rollback"), (.post, "models"),
            ] {
                let refused = try await client.send(method, "/api/v1/agency/\(path)", json: ["margin": 2, "force": true], headers: officer)
                #expect(refused.status == .forbidden && refused.errorCode == "administrators_only", "\(path): \(refused.json)")
            }
            #expect(try await Self.models(app).list() == before, "an officer's requests changed no version and made none")

            for body in ["null", "[]", "{\"force\": \"yes\"}"] {
                let malformed = try await client.send(.post, "/api/v1/agency/models/\(same.id)/promote", raw: body, headers: admin)
                #expect(malformed.status == .badRequest && malformed.errorCode == "invalid_json", "\(body): \(malformed.json)")
            }
            #expect(try await Self.models(app).list() == before, "malformed promotions changed nothing")

            let listed = try await client.send(.get, "/api/v1/agency/models", headers: admin)
            #expect(listed.status == .ok)
            #expect(listed["live_version"] == nil, "absent: the default model")
            #expect(listed.bool("default_model.live") == true)
            #expect(listed.array("versions").compactMap { $0["id"] as? Int } == [Int(same.id), Int(worse.id)], "newest first")

            let worseTried = try await client.send(.post, "/api/v1/agency/models/\(worse.id)/promote", headers: admin)
            #expect(worseTried.status == .conflict && worseTried.errorCode == "model_worse_than_live", "\(worseTried.json)")
            #expect(try await Self.store(app).version(id: worse.id)?.state == .refused)
            let badMargin = try await client.send(.post, "/api/v1/agency/models/\(same.id)/promote", json: ["margin": 2], headers: admin)
            #expect(badMargin.status == .unprocessableContent && badMargin.errorCode == "invalid_margin")
            let noVersion = try await client.send(.post, "/api/v1/agency/models/abc/promote", headers: admin)
            #expect(noVersion.status == .notFound && noVersion.errorCode == "model_version_not_found")

            let promoted = try await client.send(.post, "/api/v1/agency/models/\(same.id)/promote", raw: " \n", headers: admin)
            #expect(promoted.status == .ok, "\(promoted.json)")
            #expect(promoted.int("comparison.held_out") == 4)
            #expect(promoted.bool("comparison.candidate_not_worse") == true)
            let after = try await client.send(.get, "/api/v1/agency/models", headers: admin)
            #expect(after.int("live_version") == Int(same.id))
            #expect(after.array("versions").first?["comparison"] is [String: Any], "the comparison it passed is kept")

            let back = try await client.send(.post, "/api/v1/agency/models/rollback", json: ["from": Int(same.id)], headers: admin)
            #expect(back.status == .ok && back.int("rolled_back") == Int(same.id) && back["live_version"] == nil)
            // The same click again, or a rollback of a version no longer live, rolls nothing else back.
            let again = try await client.send(.post, "/api/v1/agency/models/rollback", json: ["from": Int(same.id)], headers: admin)
            #expect(again.status == .conflict && again.errorCode == "live_model_changed", "\(again.json)")
            let nothing = try await client.send(.post, "/api/v1/agency/models/rollback", headers: admin)
            #expect(nothing.status == .conflict && nothing.errorCode == "nothing_to_roll_back")
            // 20 settled cases are fewer than the 500 training waits for by default.
            let training = try await client.send(.post, "/api/v1/agency/models", headers: admin)
            #expect(training.status == .conflict && training.errorCode == "too_few_settled_cases", "\(training.json)")
        }
    }

    /// A flag one task sets and others read.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    static func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
