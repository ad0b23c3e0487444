import Postgres
import Store

/// What operators watch (`/metrics`): the database pool's use and the outbox's backlog.
public struct DatabaseUsage: Sendable, Equatable {
    /// Connections open (idle or lent).
    public var size: Int
    public var inUse: Int
    /// Requests waiting for a connection.
    public var waiting: Int
    public var maximum: Int
}

extension SiangServices {
    /// The pool's use now; asks nothing of the database.
    public func databaseUsage() -> DatabaseUsage {
        let usage = pool.usage()
        return DatabaseUsage(size: usage.size, inUse: usage.inUse, waiting: usage.waiting, maximum: usage.maximum)
    }

    /// Notifications waiting to be sent, and those given up on.
    public func outboxBacklog() async throws -> (pending: Int, dead: Int) {
        try await outbox.backlog()
    }
}
