import Foundation
@testable import Postgres
import Testing

/// A newcomer who clones Siang into root's mode-700 home: the `postgres` user cannot enter it, so the
/// private cluster must live where it can, and keep its data there from one run to the next.
@Suite("Private cluster placement")
struct LocalClusterPlacementTests {
    @Test("as root, a folder the postgres user cannot enter gets a stand-in under /var/tmp, reused with its data",
        .enabled(if: geteuid() == 0, "needs root: only root runs PostgreSQL as the postgres user"))
    func unreachableFolder() throws {
        let closed = NSTemporaryDirectory() + "siang-closed-\(getpid())"
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: closed) }
        let asked = closed + "/siang/.siang/postgres"

        let first = try LocalCluster(directory: asked, durability: .throwaway)
        try first.start()
        defer { try? FileManager.default.removeItem(atPath: first.directory) }
        defer { first.stop() }
        #expect(first.relocatedFrom?.directory == asked)
        #expect(first.relocatedFrom?.reason.contains("postgres user cannot enter") == true)
        #expect(first.directory.hasPrefix("/var/tmp/siang-siang-"))
        let connection = try Connection(connectionString: first.connectionString)
        try connection.execute("CREATE TABLE kept (note text)")
        try connection.query("INSERT INTO kept VALUES ($1)", ["ยังอยู่"])
        connection.close()
        first.stop()

        let second = try LocalCluster(directory: asked, durability: .throwaway)
        try second.start()
        defer { second.stop() }
        #expect(second.directory == first.directory)
        let again = try Connection(connectionString: second.connectionString)
        defer { again.close() }
        #expect(try again.query("SELECT note FROM kept").first?.string(0) == "ยังอยู่")
    }

    @Test("a folder whose socket path would be too long for a Unix socket gets a stand-in too")
    func longSocketPath() throws {
        let deep = NSTemporaryDirectory() + "siang-deep-\(getpid())/" + String(repeating: "ลึก", count: 12)
        defer { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "siang-deep-\(getpid())") }
        let cluster = try LocalCluster(directory: deep + "/.siang/postgres", durability: .throwaway)
        try cluster.start()
        defer { try? FileManager.default.removeItem(atPath: cluster.directory) }
        defer { cluster.stop() }
        #expect(cluster.relocatedFrom?.reason.contains("too long") == true)
        let connection = try Connection(connectionString: cluster.connectionString)
        defer { connection.close() }
        #expect(try connection.query("SELECT 1").first?.int(0) == 1)
    }

    @Test("a stand-in folder someone else planted is refused, not used")
    func plantedFolder() throws {
        let planted = NSTemporaryDirectory() + "siang-planted-\(getpid())"
        try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(atPath: planted) }
        chmod(planted, 0o777)
        #expect(throws: LocalCluster.Failure.self) { try LocalCluster.makeOwnFolder(planted) }
    }
}
