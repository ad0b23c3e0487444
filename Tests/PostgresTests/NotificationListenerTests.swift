import Foundation
import Postgres
import Testing
import TestSupport

@Suite("LISTEN on a connection of its own")
struct NotificationListenerTests {
    @Test("notifications arrive on commit only, and a terminated connection is re-made and says so", .timeLimit(.minutes(2)))
    func notificationsAndReconnection() async throws {
        let database = try await TestDatabase.fresh()
        var configuration = NotificationListener.Configuration(
            connectionString: database.connectionString, database: database.name, channels: ["siang_test"])
        configuration.firstRetry = .milliseconds(50)
        let listener = NotificationListener(configuration: configuration)
        listener.start()
        var events = listener.events.makeAsyncIterator()
        guard case .listening = await events.next() else { Issue.record("did not start listening"); return }

        // A rolled-back NOTIFY is never delivered; a committed one is, with its payload.
        try await database.pool.withConnection { connection in
            try connection.execute("BEGIN; SELECT pg_notify('siang_test', 'rolled back'); ROLLBACK")
            try connection.execute("BEGIN; SELECT pg_notify('siang_test', '1,2,3'); COMMIT")
        }
        guard case .notifications(let arrived) = await events.next() else { Issue.record("no notification"); return }
        #expect(arrived == [PostgresNotification(channel: "siang_test", payload: "1,2,3")])

        let terminated = try await database.pool.withConnection { connection in
            try connection.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'siang-listen'"
            ).rows[0].int(0)
        }
        #expect(terminated == 1)
        guard case .lost = await events.next() else { Issue.record("the drop went unnoticed"); return }
        guard case .listening = await events.next() else { Issue.record("did not listen again"); return }
        try await database.pool.withConnection { try $0.execute("NOTIFY siang_test, 'again'") }
        guard case .notifications(let again) = await events.next() else { Issue.record("no notification after"); return }
        #expect(again.map(\.payload) == ["again"])

        listener.stop()
        #expect(await events.next() == nil, "the stream ends once stopped")
        await database.pool.shutdown()
    }
}
