import Classification
import Domain
import Foundation
import Postgres
import Hummingbird
import HummingbirdTesting
import Setup
import Services
import Store
import Synchronization
import TestSupport
import Testing
import Web

/// The pages in a real browser: `Tests/Browser/citizen_and_officer_flow.py` drives headless
/// Chromium through filing, tracking, an officer's work, rating, appeal, the public view and
/// the statistics, against the application served live on a free port.
///
/// Skipped (visibly) when Chromium, chromedriver or Selenium are missing, unless
/// `SIANG_BROWSER_TESTS=required` (as `.ci/run` sets), which turns their absence into a failure.
@Suite("Browser flows", .serialized)
struct BrowserFlowTests {
    /// One browser run: a viewport width and the page language.
    struct Run: Sendable, CustomTestStringConvertible {
        let width: Int
        let language: String
        var testDescription: String { "\(width) px, \(language)" }
    }

    static let runs = [Run(width: 1280, language: "th"), Run(width: 320, language: "th"), Run(width: 1280, language: "en")]
    static let officerEmail = "somchai.officer@bangrak.go.th"
    static let officerPassword = "หลุมถนนสีลม-2569-browser"

    @Test(
        "a citizen files, tracks, rates and appeals while an officer accepts and resolves, in headless Chromium",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: runs)
    func citizenAndOfficerFlow(run: Run) async throws {
        try #require(
            BrowserTools.missing.isEmpty,
            "SIANG_BROWSER_TESTS=required but missing: \(BrowserTools.missing.joined(separator: "; "))")
        let database = try await TestDatabase.fresh(poolSize: 6)
        do {
            try await flow(run, database: database)
        } catch {
            await database.pool.shutdown()
            throw error
        }
        await database.pool.shutdown()
    }

    func flow(_ run: Run, database: TestDatabase.Handle) async throws {
        let settings = try await SiangSettings.load(home: TestDatabase.home, environment: [:])
        try await Self.loadBackgroundCases(pool: database.pool, settings: settings)
        let runtime = try await SiangRuntime.prepare(
            pool: database.pool, home: TestDatabase.home, settings: settings, model: try await TestModel.shared.value,
            loaded: try await TestReference.shared.value,
            logger: TestDatabase.logger)
        // The officer belongs to the agency a road case in Bang Rak (district 1004 of Bangkok) is routed to.
        let agency = try #require(
            runtime.reference.router.route(category: "road", area: CaseArea(provinceCode: "10", districtCode: "1004")).agencyCode)
        _ = try await StaffAccounts(store: StaffStore(pool: database.pool), passwordCost: 4).createUser(
            email: Self.officerEmail, name: "สมชาย ใจดี (ทดสอบ)", role: .officer, agencyCode: agency,
            password: Self.officerPassword)

        let app = buildApplication(
            runtime: runtime,
            configuration: ServerConfiguration(
                maintenanceInterval: .seconds(3600), statisticsCacheLifetime: .zero, formPostsPerMinute: 0),
            logger: TestDatabase.logger)
        let screenshots = BrowserTools.packageRoot.appendingPathComponent("artifacts/browser")
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let result = try await BrowserTools.runScript(arguments: [
                "--base-url", "http://localhost:\(port)", "--officer-email", Self.officerEmail,
                "--officer-password", Self.officerPassword, "--screenshots", screenshots.path,
                "--width", String(run.width), "--language", run.language,
            ])
            #expect(
                result.status == 0,
                "the browser flow at \(run.width) px in \(run.language) failed (exit \(result.status)):\n\(result.output)")
            if result.status == 0 {
                let prefix = "\(run.width)-\(run.language)-"
                let shots = try FileManager.default.contentsOfDirectory(atPath: screenshots.path)
                    .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".png") }
                #expect(shots.count >= 15, "only \(shots.count) screenshots named \(prefix)*.png in \(screenshots.path)")
                print(result.output.split(separator: "\n").last { $0.hasPrefix("PASS") } ?? "")
            }
        }
    }
}

/// Finding the browser tools and running the Python script.
extension BrowserFlowTests {
    /// A year of demo cases in every category, so the statistics page draws every bar the way it does
    /// in production; none in Bang Rak, whose officer's inbox the flow reads.
    static func loadBackgroundCases(pool: ConnectionPool, settings: SiangSettings) async throws {
        let home = TestDatabase.home
        let generator = DemoGenerator(
            reference: Reference(try SeedFiles.referenceData(home: home)),
            corpus: try SeedFiles.corpus(seeds: home.seeds).map { ($0.text, $0.category) }, days: 365, now: Date(),
            rules: settings.serviceRules)
        let stream = generator.stream(count: 3_000, seed: 2569, taken: [])
        _ = try await BulkLoader(pool: pool).load(count: 3_000) {
            let batch = stream.next(count: 3_000).filter { $0.area.districtCode != "1004" }
            return batch.isEmpty ? nil : batch
        }
    }
}

enum BrowserTools {
    /// The package root (this file is `Tests/WebTests/BrowserFlowTests.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let script = packageRoot.appendingPathComponent("Tests/Browser/citizen_and_officer_flow.py")

    /// Whether the environment insists on the browser tests running (CI).
    static let required = ProcessInfo.processInfo.environment["SIANG_BROWSER_TESTS"] == "required"

    /// What is missing to run the browser tests; empty when all is there.
    static let missing: [String] = {
        var missing: [String] = []
        for tool in ["chromium", "chromedriver"] where executable(named: tool) == nil {
            missing.append("\(tool) (apt-get install chromium chromium-driver)")
        }
        let probe = "import selenium, sys; sys.exit(0 if int(selenium.__version__.split('.')[0]) >= 4 else 1)"
        if (try? runSynchronously(["python3", "-c", probe])) != 0 {
            missing.append("Selenium 4 for python3 (python3 -m pip install 'selenium>=4.20,<5')")
        }
        return missing
    }()

    /// The path of `name` in PATH or /usr/bin, when it is an executable.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a short command with its output discarded; returns its exit status.
    static func runSynchronously(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs the flow script with `arguments`; returns its exit status and its output (stdout and
    /// stderr together, in order). The output goes to a file rather than a pipe, so a browser
    /// process left holding it cannot block the wait; a run past `limit` is terminated.
    ///
    /// A failed run's output is also printed and kept under `artifacts/`, so a CI log shows why.
    /// - Parameter tries: runs of a flow that can run again on the same server (its data is its own);
    ///   a failed try before the last is reported and the flow run again. Only for a flow that failed
    ///   now and then on a loaded 2-core machine and passes alone: a real fault fails every try.
    static func runScript(
        _ path: URL = script, arguments: [String], limit: Duration = .seconds(300), tries: Int = 1
    ) async throws -> (status: Int32, output: String) {
        // Pages and elements get twice the flows' default wait: the suite runs hundreds of tests beside
        // the browser on two cores.
        let waits = path.deletingLastPathComponent().lastPathComponent == "Browser" ? ["--timeout", "40"] : []
        var result: (status: Int32, output: String) = (-1, "")
        for attempt in 1...max(1, tries) {
            result = try await HeavyTurns.shared.take(.browserScript) {
                try await runNow(path, arguments: arguments + waits, limit: limit)
            }
            guard result.status != 0 else { break }
            let name = "\(path.deletingPathExtension().lastPathComponent)-failed-\(UUID().uuidString.prefix(8)).log"
            let folder = packageRoot.appendingPathComponent("artifacts/browser")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? result.output.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            print(
                "\(path.lastPathComponent) \(arguments.joined(separator: " ")): try \(attempt) of \(tries) failed "
                    + "(exit \(result.status)), output in artifacts/browser/\(name); its end:\n"
                    + result.output.split(separator: "\n").suffix(25).joined(separator: "\n"))
        }
        return result
    }

    private static func runNow(_ path: URL, arguments: [String], limit: Duration) async throws -> (
        status: Int32, output: String
    ) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("siang-browser-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path.path] + arguments
        process.currentDirectoryURL = packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        let running = RunningProcess(process)
        let exited = AsyncStream<Int32> { continuation in
            process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        }
        try process.run()
        let status: Int32 = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exited { return status }
                return -1
            }
            group.addTask {
                guard (try? await Task.sleep(for: limit)) != nil else { return nil }
                running.terminate()
                return nil
            }
            var status: Int32 = -1
            while let next = await group.next() {
                if let next {
                    status = next
                    group.cancelAll()
                }
            }
            return status
        }
        var output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if running.wasTerminated { output += "\n(terminated after \(limit))" }
        return (status, output)
    }
}

/// A started process whose only use across tasks is `terminate()` (SIGTERM), which Foundation's
/// `Process` allows from any thread; it remembers having been terminated.
final class RunningProcess: @unchecked Sendable {
    private let process: Process
    private let terminated = Mutex(false)

    init(_ process: Process) { self.process = process }

    var wasTerminated: Bool { terminated.withLock { $0 } }

    func terminate() {
        terminated.withLock { $0 = true }
        if process.isRunning { process.terminate() }
    }
}

/// Heavy tests take turns. One browser script at a time: several headless Chromiums started together
/// on a 2-core machine time out waiting for their renderers ("Timed out receiving message from
/// renderer"). And no script while the hostile corpus runs (its identities run together): its flood
/// of unlimited requests left a browser's page waiting past its timeout, twice in CI.
actor HeavyTurns {
    enum Kind: Sendable {
        case browserScript
        case hostileCorpus

        var shares: Bool { self == .hostileCorpus }
    }

    static let shared = HeavyTurns()
    private var holding: (kind: Kind, count: Int)?
    private var waiting: [(kind: Kind, turn: CheckedContinuation<Void, Never>)] = []

    /// Runs `work` in its turn.
    nonisolated func take<T: Sendable>(_ kind: Kind, _ work: () async throws -> T) async rethrows -> T {
        await acquire(kind)
        do {
            let result = try await work()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire(_ kind: Kind) async {
        if waiting.isEmpty, holding == nil || (holding?.kind == kind && kind.shares) {
            holding = (kind, (holding?.count ?? 0) + 1)
            return
        }
        await withCheckedContinuation { waiting.append((kind, $0)) }
    }

    private func release() {
        guard let held = holding else { return }
        if held.count > 1 {
            holding = (held.kind, held.count - 1)
            return
        }
        holding = nil
        guard let next = waiting.first else { return }
        // The next in line, and with it every waiter of a kind that shares.
        let admitted = next.kind.shares ? waiting.filter { $0.kind == next.kind } : [next]
        waiting = next.kind.shares ? waiting.filter { $0.kind != next.kind } : Array(waiting.dropFirst())
        holding = (next.kind, admitted.count)
        for waiter in admitted { waiter.turn.resume() }
    }
}
