import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real SMTP server for the tests: `smtp_test_server.py` (aiosmtpd) on a free port of 127.0.0.1,
/// writing each message it takes to a directory as JSON.
///
/// The tests fail, saying what to install, when python3 with aiosmtpd or openssl is missing: a client
/// that was never run against a server must not pass as tested.
final class SMTPTestServer: Sendable {
    struct Options: Sendable {
        /// Offer STARTTLS with the test certificate.
        var startTLS = false
        /// TLS from the first byte with the test certificate.
        var implicitTLS = false
        /// `user:password` the server accepts; AUTH is offered only with this.
        var credentials: String?
        /// Mechanisms the server does not offer (`PLAIN`, `LOGIN`).
        var excludedMechanisms: [String] = []
        /// Offer AUTH only after STARTTLS.
        var authenticationRequiresTLS = false
        /// Answer EHLO with 502.
        var refusesEHLO = false
        /// Accept connections and never answer.
        var silent = false
        /// Greet, then close the connection.
        var hangsUp = false
        /// Offer STARTTLS and put a forged reply in clear right behind the 220 to it.
        var injectsAfterStartTLS = false
    }

    /// One message the server took.
    struct Received: Decodable, Sendable {
        var mail_from: String
        var rcpt_tos: [String]
        var helo: String?
        /// The client's port: the same for messages that came over one connection.
        var client_port: Int?
        var auth: [String: String]?
        var tls: Bool
        var raw: String
        var subject: String?
        var from: String?
        var to: String?
        var reply_to: String?
        var message_id: String?
        var date: String?
        var mime_version: String?
        var content_type: String
        var charset: String?
        var transfer_encoding: String?
        var body: String?
        var defects: [String]

        /// The message exactly as it arrived (after the server undid the dot-stuffing).
        var rawText: String { String(decoding: Data(base64Encoded: raw) ?? Data(), as: UTF8.self) }
    }

    let port: Int
    private let directory: URL
    private let process: ServerProcess

    private init(port: Int, directory: URL, process: ServerProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("smtp_test_server.py")

    /// Starts a server and returns once it accepts connections.
    static func start(_ options: Options = Options()) async throws -> SMTPTestServer {
        try await TestTools.require()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("siang-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        var arguments = [
            "python3", script.path, "--port-file", portFile.path,
            "--messages", directory.appendingPathComponent("messages").path,
        ]
        if options.startTLS || options.implicitTLS {
            let certificates = try await TestCertificates.shared()
            arguments += ["--cert", certificates.serverCertificate, "--key", certificates.serverKey]
        }
        if options.startTLS { arguments.append("--starttls") }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let credentials = options.credentials { arguments += ["--auth", credentials] }
        for mechanism in options.excludedMechanisms { arguments += ["--auth-exclude", mechanism] }
        if options.authenticationRequiresTLS { arguments.append("--auth-require-tls") }
        if options.refusesEHLO { arguments.append("--no-ehlo") }
        if options.silent { arguments.append("--silent") }
        if options.hangsUp { arguments.append("--hang-up") }
        if options.injectsAfterStartTLS { arguments.append("--inject-after-starttls") }

        let log = directory.appendingPathComponent("server.log")
        let process = try ServerProcess(arguments: arguments, log: log)
        for _ in 0..<300 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return SMTPTestServer(port: port, directory: directory, process: process)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw TestFailure("the SMTP test server did not start: \(output)")
    }

    /// Stops the server and removes its files.
    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The messages taken so far, in order.
    func messages() throws -> [Received] {
        let folder = directory.appendingPathComponent("messages")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            try JSONDecoder().decode(Received.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }
}

/// Runs `body` with a fresh server and stops the server after it, whether or not it threw.
func withSMTPServer<T>(
    _ options: SMTPTestServer.Options = SMTPTestServer.Options(), _ body: (SMTPTestServer) async throws -> T
) async throws -> T {
    let server = try await SMTPTestServer.start(options)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A certificate authority and a server certificate it issued for `localhost` and 127.0.0.1, made
/// with openssl once per test run.
struct TestCertificates: Sendable {
    var authority: String
    var serverCertificate: String
    var serverKey: String

    private static let made = Mutex<Task<TestCertificates, any Error>?>(nil)

    static func shared() async throws -> TestCertificates {
        let task = made.withLock { task in
            if let task { return task }
            let started = Task { try await make() }
            task = started
            return started
        }
        return try await task.value
    }

    private static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "siang-smtp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let extensions =
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        try extensions.write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["openssl", "req", "-x509"] + ecKey + [
                "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=Siang MailTests CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["openssl", "req"] + ecKey + [
                "-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=localhost",
            ],
            [
                "openssl", "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
            ],
        ]
        for step in steps {
            let (status, output) = try await TestTools.run(step)
            guard status == 0 else { throw TestFailure("\(step.prefix(3).joined(separator: " ")) failed: \(output)") }
        }
        return TestCertificates(
            authority: path("ca.pem"), serverCertificate: path("server.pem"), serverKey: path("server.key"))
    }
}

/// The outside programs the tests need, and running them.
enum TestTools {
    private static let checked = Mutex<Task<[String], Never>?>(nil)

    /// Fails the test, naming what to install, unless python3 with aiosmtpd and openssl are there.
    static func require() async throws {
        let task = checked.withLock { task in
            if let task { return task }
            let started = Task { await Self.missingTools() }
            task = started
            return started
        }
        let absent = await task.value
        guard absent.isEmpty else {
            throw TestFailure(
                "MailTests need a real SMTP server and a certificate tool; missing: "
                    + absent.joined(separator: "; "))
        }
    }

    private static func missingTools() async -> [String] {
        var missing: [String] = []
        if (try? await run(["python3", "-c", "import aiosmtpd"]))?.status != 0 {
            missing.append("aiosmtpd for python3 (python3 -m pip install aiosmtpd)")
        }
        if (try? await run(["openssl", "version"]))?.status != 0 {
            missing.append("openssl (apt-get install openssl)")
        }
        return missing
    }

    /// Runs a short command to its end; its exit status and output (stdout and stderr together).
    ///
    /// Waits through the termination handler, not `waitUntilExit`, which can hang when called from a
    /// task; output goes to a file, not a pipe that could fill.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("siang-mail-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ServerProcess(arguments: arguments, log: log)
        let status = await process.exitStatus()
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}

/// A started child process (`/usr/bin/env` and `arguments`) with its output in `log`; shared between
/// tasks only through its locked state and `terminate()`, which Foundation's `Process` allows from any
/// thread.
final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    private let exit = Exit()

    /// The exit status once known, and who waits for it.
    private final class Exit: Sendable {
        let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
    }

    init(arguments: [String], log: URL) throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exit] process in
            try? handle.close()
            let waiters = exit.state.withLock { state in
                state.status = process.terminationStatus
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: process.terminationStatus) }
        }
        try process.run()
    }

    var isRunning: Bool { exit.state.withLock { $0.status == nil } }

    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    func terminate() {
        if isRunning { process.terminate() }
    }
}

/// A port of 127.0.0.1 that refuses connections: a socket bound to it that does not listen. Held for as
/// long as this lives, so no server started meanwhile (by any test) can be given the same port, as could
/// happen with a port that was bound and closed again.
final class RefusingPort: Sendable {
    let port: Int
    private let socketDescriptor: Int32

    init() throws {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw TestFailure("cannot bind a port of 127.0.0.1: errno \(errno)")
        }
        socketDescriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socketDescriptor) }
}
