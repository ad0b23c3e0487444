import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The README's first command, as a newcomer who is root runs it: the project cloned into a folder the
/// `postgres` user cannot enter (root's home is mode 700 on Debian), no `DATABASE_URL`.
@Suite("Newcomer's first run")
struct NewcomerTests {
    @Test("as root, `siang serve` without DATABASE_URL from a mode-700 folder starts and answers /readyz",
        .enabled(if: geteuid() == 0, "needs root: the failure it guards against happens only when PostgreSQL must run as postgres"),
        .timeLimit(.minutes(5)))
    func serveFromClosedFolder() async throws {
        let binary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent().appendingPathComponent("siang").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build siang first: \(binary)")
        let closed = NSTemporaryDirectory() + "siang-newcomer-\(getpid())"
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: closed) }
        let port = Int.random(in: 20_000...40_000)
        let log = closed + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)

        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: binary)
        serve.arguments = ["serve", "--port", "\(port)"]
        serve.currentDirectoryURL = URL(fileURLWithPath: closed)
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        environment["SIANG_HOME"] = nil
        serve.environment = environment
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        serve.standardOutput = output
        serve.standardError = output
        try serve.run()

        var ready: UInt?
        let deadline = ContinuousClock.now + .seconds(240)
        while ready != 200, serve.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            ready = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)).status.code
        }
        let wasRunning = serve.isRunning
        if wasRunning { serve.terminate() }
        while serve.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        try output.close()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let standIn = Self.standIn(in: text)
        if let standIn { try? FileManager.default.removeItem(atPath: standIn) }

        #expect(ready == 200, "siang serve never answered /readyz; its output:\n\(text)")
        #expect(wasRunning, "siang serve stopped by itself; its output:\n\(text)")
        #expect(!text.contains("initdb failed") && !text.contains("Permission denied"), "\(text)")
        #expect(standIn?.hasPrefix("/var/tmp/siang-") == true, "the log says where the cluster lives: \(text)")
        #expect(serve.terminationStatus == 0, "SIGTERM stops siang cleanly, cluster included")
    }

    /// The folder the log names as the cluster's stand-in.
    static func standIn(in log: String) -> String? {
        for line in log.split(separator: "\n") where line.contains("lives in") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            return object["directory"] as? String
        }
        return nil
    }
}
