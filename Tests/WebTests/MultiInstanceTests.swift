import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import NIOCore
import Services
import Statistics
import Setup
import Similarity
import TestSupport
import Testing
import Web

@testable import Store

/// Two `siang serve` processes on one database answer as one service: what one files or changes,
/// the other's statistics and tracking reads show within a second or two (the change feed), and
/// statistics loads and exports can read a replica.
@Suite("Several instances on one database")
struct MultiInstanceTests {
    @Test("a case filed on one instance counts in the other's statistics within 2 s, and a change reaches its tracking cache")
    func filingReachesTheOtherInstance() async throws {
        let first = try await TestApp.make()
        let second = try await first.sibling()
        // A long tracking cache: only the feed can make the second instance see the change in time.
        var long = TestApp.followingChanges
        long.caseCacheLifetime = .seconds(60)
        let configuration = long
        try await first.run(configuration: configuration) { one in
            try await second.run(configuration: configuration) { other in
                let before = try await filedCount(other)
                let filed = try await one.file(bangNaPothole)
                // `eventually` asks until 2 s have passed, and once more then: the time that last request takes
                // is not the feed's, and a loaded machine stretched it past 2 s (2.04 s) once.
                let counted = try await eventually(within: .seconds(2)) { try await filedCount(other) == before + 1 }
                #expect(counted, "the other instance's statistics never counted the case within 2 s")

                // The other instance caches the case as tracked, then the first changes it.
                let tracked = try await other.send(
                    .get, "/api/v1/cases/\(filed.code)", headers: [HTTPField.Name("X-Tracking-Secret")!: filed.secret])
                #expect(tracked.string("status.code") == "assigned")
                let token = try await first.token(agency: "bma-district-1047")
                let accepted = try await one.act(filed.code, token: token, ["action": "accept"])
                #expect(accepted.status == .ok)
                let seen = try await eventually(within: .seconds(2)) {
                    let reply = try await other.send(
                        .get, "/api/v1/cases/\(filed.code)", headers: [HTTPField.Name("X-Tracking-Secret")!: filed.secret])
                    return reply.string("status.code") == "accepted"
                }
                #expect(seen, "the other instance kept serving its cached case")
                let acceptedCounted = try await eventually(within: .seconds(2)) {
                    try await figure(other) { ($0["time_to_acknowledge"] as? [String: Any])?["count"] as? Int } == 1
                }
                #expect(acceptedCounted)
            }
        }
    }

    @Test("a dropped listening connection is re-made, and the figures catch up")
    func droppedListenerRecovers() async throws {
        let first = try await TestApp.make()
        let second = try await first.sibling()
        try await first.run(configuration: TestApp.followingChanges) { one in
            try await second.run(configuration: TestApp.followingChanges) { other in
                #expect(try await eventually(within: .seconds(5)) { try await listeners(first) == 2 })
                let killed = try await first.database.pool.withConnection { connection in
                    try connection.query(
                        """
                        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = 'siang-listen'
                        """
                    ).rows[0].int(0)
                }
                #expect(killed == 2)
                // Filed while the listeners may still be away: the reload after reconnecting counts it.
                let before = try await filedCount(other)
                _ = try await one.file(bangNaPothole)
                #expect(try await eventually(within: .seconds(5)) { try await listeners(first) == 2 })
                #expect(try await eventually(within: .seconds(3)) { try await filedCount(other) == before + 1 })
                // And the feed works again.
                _ = try await one.file(bangNaPothole)
                #expect(try await eventually(within: .seconds(2)) { try await filedCount(other) == before + 2 })
            }
        }
    }

    @Test("an instance that starts listening catches up its similarity index: cases filed elsewhere are offered, closed ones forgotten")
    func similarityCatchesUp() async throws {
        let first = try await TestApp.make()
        let pothole = bangNaPothole.merging(["public": true]) { _, new in new }
        let drain: JSONObject = [
            "text": "ท่อระบายน้ำหน้าตลาดบางนาอุดตัน ฝนตกทีไรน้ำท่วมขังทุกครั้ง", "public": true, "category": "drainage",
            "area": ["province": "กรุงเทพมหานคร", "district": "บางนา"],
        ]
        try await first.run { one in
            let closing = try await one.file(pothole)
            // The second instance loads its index now, with the pothole in it, and is not listening yet.
            let second = try await first.sibling()
            let index = try #require(second.runtime.similarity)
            #expect(index.count == 1)
            let token = try await first.token(agency: "bma-district-1047")
            let rejected = try await one.act(closing.code, token: token, ["action": "reject", "reason": "insufficient_information"])
            #expect(rejected.status == .ok)
            let late = try await one.file(drain)
            #expect(index.count == 1, "nothing reached the second instance's index while it did not listen")
            try await second.run(configuration: TestApp.followingChanges) { other in
                let offered = try await eventually(within: .seconds(5)) {
                    let found = try await other.send(
                        .post, "/api/v1/cases/similar",
                        json: ["text": "หน้าตลาดบางนา น้ำท่วมขัง ท่อระบายน้ำตัน", "area": drain["area"] as! JSONObject])
                    return found.array("similar").contains { $0["code"] as? String == late.code }
                }
                #expect(offered, "the case filed before the second instance listened is not offered there")
                #expect(index.count == 1, "the rejected case is still indexed beside the late one")
            }
        }
    }

    @Test("the notice of a filing names the pool that filed it: that process skips it, another reads it; changes name none")
    func ownFilingsAreNotReadBack() async throws {
        let first = try await TestApp.make()
        let second = try await first.sibling()
        var configuration = NotificationListener.Configuration(
            connectionString: first.database.connectionString, database: first.database.name, channels: ["siang_cases"])
        configuration.firstRetry = .milliseconds(50)
        let listener = NotificationListener(configuration: configuration)
        try await first.run { one in
            listener.start()
            var events = listener.events.makeAsyncIterator()
            guard case .listening = await events.next() else {
                Issue.record("did not start listening")
                return
            }
            let filed = try await one.file(bangNaPothole)
            guard case .notifications(let arrived) = await events.next(), let notice = arrived.first else {
                Issue.record("no notice of the filing")
                return
            }
            #expect(notice.payload.hasPrefix("filed_by=\(first.database.pool.origin),"), "\(notice.payload)")
            let event = NotificationListener.Event.notifications([notice])
            #expect(CaseChangeFeed.event(event, ownOrigin: first.database.pool.origin) == .changed([]))
            guard case .changed(let ids) = CaseChangeFeed.event(event, ownOrigin: second.database.pool.origin), ids.count == 1 else {
                Issue.record("the other instance reads no case from \(notice.payload)")
                return
            }

            let token = try await first.token(agency: "bma-district-1047")
            #expect(try await one.act(filed.code, token: token, ["action": "accept"]).status == .ok)
            guard case .notifications(let changed) = await events.next() else {
                Issue.record("no notice of the change")
                return
            }
            #expect(changed.map(\.payload) == ids.map(String.init), "a change is read back everywhere, the filer too")
        }
        listener.stop()
    }

    @Test("with a replica, statistics loads and open-data exports read it, not the primary")
    func replicaServesLoadsAndExports() async throws {
        let database = try await TestDatabase.fresh()
        // The same test database stands in for the replica (a real one is in deploy/two-instances.sh).
        let replica = ConnectionPool(
            configuration: .init(connectionString: database.connectionString, database: database.name, maximumConnections: 2),
            logger: TestDatabase.logger)
        let clock = TestClock()
        let runtime = try await SiangRuntime.prepare(
            pool: database.pool, replica: replica, home: TestDatabase.home,
            settings: try await SiangSettings.load(home: TestDatabase.home), model: try await TestModel.shared.value,
            loaded: try await TestReference.shared.value, logger: TestDatabase.logger, clock: { clock.now() })
        let app = TestApp(database: database, runtime: runtime, clock: clock)
        #expect(replica.usage().checkouts > 0, "the first load read the replica")
        try await app.run(configuration: TestApp.configuration) { client in
            _ = try await client.file(bangNaPothole)
            _ = try await client.file(bangNaPothole)
            app.runtime.statistics.live.apply()
            #expect(try await filedCount(client) == 2)
            await quiet(database.pool)

            let primaryBefore = database.pool.usage().checkouts
            let replicaBefore = replica.usage().checkouts
            let export = try await client.executeRequest(uri: "/api/v1/open-data/cases.csv", method: .get, headers: [:], body: nil)
            #expect(export.status == .ok)
            let lines = String(buffer: export.body).split(separator: "\n")
            #expect(lines.count == 3, "a header and two cases")
            #expect(database.pool.usage().checkouts == primaryBefore, "the export used the primary")
            #expect(replica.usage().checkouts > replicaBefore)

            let replicaBeforeReload = replica.usage().checkouts
            let primaryBeforeReload = database.pool.usage().checkouts
            try await app.runtime.statistics.reload()
            // The primary is asked only for its WAL position (so the load waits for the replica to catch up).
            #expect(database.pool.usage().checkouts - primaryBeforeReload == 1)
            #expect(replica.usage().checkouts - replicaBeforeReload >= 2)
            #expect(try await filedCount(client) == 2)
        }
        await replica.shutdown()
    }
}

extension TestApp {
    /// Another Siang on the same database with a pool of its own, as a second `siang serve` would be.
    func sibling() async throws -> TestApp {
        let pool = ConnectionPool(
            configuration: .init(connectionString: database.connectionString, database: database.name, maximumConnections: 3),
            logger: TestDatabase.logger)
        let clock = self.clock
        let runtime = try await SiangRuntime.prepare(
            pool: pool, home: TestDatabase.home, settings: try await SiangSettings.load(home: TestDatabase.home),
            model: try await TestModel.shared.value, loaded: try await TestReference.shared.value, logger: TestDatabase.logger,
            clock: { clock.now() })
        return TestApp(
            database: TestDatabase.Handle(name: database.name, pool: pool, connectionString: database.connectionString),
            runtime: runtime, clock: clock)
    }
}

/// Every case the instance's public statistics count.
private func filedCount(_ client: any TestClientProtocol) async throws -> Int {
    try await figure(client) { $0["filed"] as? Int }
}

/// A figure of the instance's public statistics, summed over its groups.
private func figure(_ client: any TestClientProtocol, _ value: ([String: Any]) -> Int?) async throws -> Int {
    let reply = try await client.send(.get, "/api/v1/stats")
    #expect(reply.status == .ok)
    return reply.array("groups").reduce(0) { $0 + (value($1) ?? 0) }
}

/// Sessions listening for case changes on the app's database.
private func listeners(_ app: TestApp) async throws -> Int {
    try await app.database.pool.withConnection { connection in
        try connection.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'siang-listen'"
        ).rows[0].int(0)
    }
}

/// Whether `condition` held within `limit`, asked every 50 ms.
private func eventually(within limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Waits until nothing has taken a connection from `pool` for half a second (start-up upkeep done).
private func quiet(_ pool: ConnectionPool) async {
    var last = pool.usage().checkouts
    for _ in 0..<40 {
        try? await Task.sleep(for: .milliseconds(500))
        let now = pool.usage().checkouts
        if now == last { return }
        last = now
    }
}
