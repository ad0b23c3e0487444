import Foundation

/// A private PostgreSQL server for one project folder or one test run, so that nothing
/// but PostgreSQL's binaries must be installed to run or test Siang.
///
/// The cluster listens only on a Unix socket inside its own folder. When Siang runs as
/// root, the server runs as the `postgres` system user (PostgreSQL refuses root) and owns
/// its folder. A cluster that is already running in the folder (another Siang, a crashed
/// run) is reused rather than started twice.
///
/// When the server could not use the folder asked for (the `postgres` user cannot enter it, as in
/// a checkout under root's mode-700 home, or its socket path would be longer than a Unix socket
/// allows), the cluster lives in a folder of its own under /var/tmp named after the one asked for,
/// reused on every run so its data persists; `relocatedFrom` says so, for the log.
public final class LocalCluster: @unchecked Sendable {
    /// Why the cluster could not be made or started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Durability: a project's own data is kept safe; a throwaway test cluster trades
    /// crash safety for speed.
    public enum Durability: Sendable {
        case durable, throwaway
    }

    /// The cluster's folder: the one asked for, or its stand-in (see `relocatedFrom`).
    public private(set) var directory: String
    /// The folder asked for, when the cluster lives elsewhere, and why.
    public private(set) var relocatedFrom: (directory: String, reason: String)?
    public let durability: Durability
    public let databaseName: String
    private var startedHere = false
    private let binaries: Binaries

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/socket" }
    var logFile: String { directory + "/postgres.log" }

    /// - Parameter directory: the cluster's folder (created if needed).
    /// - Throws: `Failure` when PostgreSQL's server binaries cannot be found.
    public init(directory: String, durability: Durability, databaseName: String = "siang") throws {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.durability = durability
        self.databaseName = databaseName
        self.binaries = try Binaries.locate()
    }

    /// The libpq connection string of the cluster's database.
    public var connectionString: String {
        "host=\(socketDirectory) port=5432 user=siang dbname=\(databaseName)"
    }

    /// Connection string of another database on the same server.
    public func connectionString(database: String) -> String {
        "host=\(socketDirectory) port=5432 user=siang dbname=\(database)"
    }

    /// Creates the cluster on first use, starts it unless it is running, and creates the database.
    /// - Throws: `Failure` with PostgreSQL's own output when initdb or the server fails.
    public func start() throws {
        let runAsPostgres = geteuid() == 0
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try relocateIfUnusable(runAsPostgres: runAsPostgres)
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try? FileManager.default.removeItem(atPath: dataDirectory)
            try makeOwnedDirectory(dataDirectory, mode: 0o700, forPostgres: runAsPostgres)
            var arguments = [
                binaries.initdb, "-D", dataDirectory, "-U", "siang", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
            ]
            if durability == .throwaway { arguments.append("--no-sync") }
            try run(arguments, asPostgres: runAsPostgres, what: "initdb")
        }
        try makeOwnedDirectory(socketDirectory, mode: 0o755, forPostgres: runAsPostgres)
        if !isRunning(asPostgres: runAsPostgres) {
            // A private cluster has no replicas, so the minimal WAL level will do; it lets bulk loads into
            // a table emptied in the same transaction skip the WAL entirely (`siang demo`).
            var options = "-c listen_addresses='' -k \(socketDirectory) -p 5432 -c wal_level=minimal -c max_wal_senders=0"
            if durability == .throwaway {
                // Tests run many suites at once, each with its own database and pool of up to 3 (about 390
                // tests: 400 connections ran out in CI once the photo suites came).
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000"
            }
            if !FileManager.default.fileExists(atPath: logFile) {
                _ = FileManager.default.createFile(atPath: logFile, contents: nil)
                if runAsPostgres { try chownToPostgres(logFile) }
            }
            try run(
                [binaries.pgCtl, "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options, "start"],
                asPostgres: runAsPostgres, what: "pg_ctl start")
            startedHere = true
        }
        try createDatabase(databaseName)
    }

    /// Creates a database on the server unless it exists.
    public func createDatabase(_ name: String, template: String? = nil) throws {
        let admin = try Connection(connectionString: connectionString(database: "postgres"))
        defer { admin.close() }
        let exists = try admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        guard exists.rows.isEmpty else { return }
        // Identifiers cannot be bound as parameters; these names are Siang's own, quoted.
        var statement = "CREATE DATABASE \(Self.quoted(name))"
        if let template { statement += " TEMPLATE \(Self.quoted(template))" }
        do {
            try admin.execute(statement)
        } catch let error as PostgresError where error.sqlState == "42P04" {
            return  // created meanwhile by another process
        }
    }

    /// Stops the server if this object started it.
    public func stop() {
        guard startedHere else { return }
        startedHere = false
        _ = try? run([binaries.pgCtl, "-D", dataDirectory, "-m", "fast", "-w", "stop"], asPostgres: geteuid() == 0, what: "pg_ctl stop")
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Moves the cluster to `Self.standIn(for:)` when the server could not work in `directory`.
    private func relocateIfUnusable(runAsPostgres: Bool) throws {
        let reason: String
        if runAsPostgres, !postgresCanEnter(directory) {
            reason = "the postgres user cannot enter \(directory)"
        } else if socketDirectory.utf8.count + Self.socketFileSuffix.utf8.count > Self.maximumSocketPath {
            reason = "the socket path under \(directory) is too long for a Unix socket"
        } else {
            return
        }
        guard !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else {
            // Data is already there: starting an empty cluster elsewhere would look like losing it.
            throw Failure(
                description: "\(reason), yet its data is there: make it reachable (chmod o+x on each parent folder) "
                    + "or set DATABASE_URL")
        }
        let standIn = Self.standIn(for: directory)
        try Self.makeOwnFolder(standIn)
        relocatedFrom = (directory, reason)
        directory = standIn
        if runAsPostgres, !postgresCanEnter(directory) {
            throw Failure(description: "\(reason), nor \(directory): set DATABASE_URL to a PostgreSQL server")
        }
    }

    /// Where a cluster asked for in `directory` lives instead: /var/tmp (kept across reboots, unlike /tmp
    /// on many systems), in a folder named after the project and a hash of the full path, so every
    /// checkout keeps its own data run after run.
    static func standIn(for directory: String) -> String {
        var project = URL(fileURLWithPath: directory)
        while [".siang", "postgres"].contains(project.lastPathComponent), project.path != "/" {
            project.deleteLastPathComponent()
        }
        let name = String(project.lastPathComponent.unicodeScalars.filter {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
        }.map(Character.init).prefix(32))
        // FNV-1a: stable across runs and builds, unlike Swift's seeded `hashValue`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let base = FileManager.default.fileExists(atPath: "/var/tmp") ? "/var/tmp" : NSTemporaryDirectory()
        return URL(fileURLWithPath: base).appendingPathComponent("siang-\(name.isEmpty ? "cluster" : name)-"
            + String(hash, radix: 16)).path
    }

    /// Makes `path` in a world-writable folder, or accepts it when this user made it earlier: a folder
    /// someone else planted there (or a symbolic link) could hand them the database.
    static func makeOwnFolder(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure(description: "cannot make \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR), status.st_uid == geteuid(),
            status.st_mode & 0o022 == 0
        else {
            throw Failure(description: "\(path) exists but is not a folder of this user's own: remove it or set DATABASE_URL")
        }
    }

    /// Whether the postgres user may enter `path` (every parent searchable), asked of the system itself
    /// so that groups and ACLs count.
    private func postgresCanEnter(_ path: String) -> Bool {
        guard getpwnam("postgres") != nil else { return true }  // chownToPostgres explains what is missing
        let test = ["/usr/bin/test", "/bin/test"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/test"
        let answer = try? Self.spawn([binaries.runuser, "-u", "postgres", "--", test, "-x", path], what: "test")
        return answer?.0 == 0
    }

    /// A Unix socket's path holds at most 107 bytes on Linux; PostgreSQL adds its file name (and `.lock`).
    static let maximumSocketPath = 107
    static let socketFileSuffix = "/.s.PGSQL.5432.lock"

    private func isRunning(asPostgres: Bool) -> Bool {
        (try? run([binaries.pgCtl, "-D", dataDirectory, "status"], asPostgres: asPostgres, what: "pg_ctl status")) != nil
    }

    private func makeOwnedDirectory(_ path: String, mode: Int, forPostgres: Bool) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        if forPostgres { try chownToPostgres(path) }
    }

    private func chownToPostgres(_ path: String) throws {
        guard let user = getpwnam("postgres") else {
            throw Failure(
                description: "Siang runs as root, so PostgreSQL must run as the \"postgres\" user, which does not exist "
                    + "(install PostgreSQL's server package, or set DATABASE_URL)")
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw Failure(description: "cannot give \(path) to the postgres user: \(String(cString: strerror(errno)))")
        }
    }

    /// Runs a PostgreSQL program, as the postgres user when asked; throws with its output on failure.
    @discardableResult
    private func run(_ arguments: [String], asPostgres: Bool, what: String) throws -> String {
        let command = asPostgres ? [binaries.runuser, "-u", "postgres", "--"] + arguments : arguments
        let (status, text) = try Self.spawn(command, what: what)
        guard status == 0 else {
            var message = "\(what) failed (exit \(status)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
            if what.hasPrefix("pg_ctl start"), let log = try? String(contentsOfFile: logFile, encoding: .utf8) {
                message += "\nlast lines of \(logFile):\n" + log.split(separator: "\n").suffix(10).joined(separator: "\n")
            }
            throw Failure(description: message)
        }
        return text
    }

    /// Runs `command` with posix_spawn and waits for it, its output going to a temporary file.
    ///
    /// Not Foundation's `Process`: its `waitUntilExit` can hang when called from a task, and a
    /// pipe would stay open as long as the server pg_ctl starts.
    static func spawn(_ command: [String], what: String) throws -> (Int32, String) {
        let outputPath = NSTemporaryDirectory() + "siang-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot run \(what) (\(command[0])): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "cannot wait for \(what)") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exit code when it exited normally, else 128 + signal, as a shell reports it.
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, output)
    }

    /// Where PostgreSQL's server programs are.
    struct Binaries {
        var initdb: String
        var pgCtl: String
        var runuser: String

        static func locate() throws -> Binaries {
            var candidates: [String] = []
            if let bindir = try? captureOutput("pg_config", ["--bindir"]) {
                candidates.append(bindir.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
            candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            for directory in candidates {
                let initdb = directory + "/initdb"
                let pgCtl = directory + "/pg_ctl"
                if FileManager.default.isExecutableFile(atPath: initdb), FileManager.default.isExecutableFile(atPath: pgCtl) {
                    let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
                        FileManager.default.isExecutableFile(atPath: $0)
                    }
                    return Binaries(initdb: initdb, pgCtl: pgCtl, runuser: runuser ?? "/usr/sbin/runuser")
                }
            }
            throw Failure(
                description: "PostgreSQL's server programs (initdb, pg_ctl) were not found (looked with pg_config --bindir, "
                    + "in /usr/lib/postgresql/*/bin and on PATH). Install them (Debian: apt-get install postgresql) "
                    + "or point Siang at a server with DATABASE_URL.")
        }

        static func captureOutput(_ program: String, _ arguments: [String]) throws -> String {
            let (status, output) = try LocalCluster.spawn(["/usr/bin/env", program] + arguments, what: program)
            guard status == 0 else { throw Failure(description: "\(program) failed") }
            return output
        }
    }
}
