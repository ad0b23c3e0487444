public import Postgres

/// The cases other Siang processes (and this one) file and change, as the database announces them
/// on the `siang_cases` channel (migration 23's trigger, delivered on commit).
///
/// Listens on a dedicated connection to the primary (see `NotificationListener`); nothing is read
/// until `start()`.
public final class CaseChangeFeed: Sendable {
    public enum Event: Sendable, Equatable {
        /// Listening from now on; anything before may have been missed: reload everything.
        case resync
        /// These cases changed (filed, acted on, merged, erased, closed).
        case changed(Set<Int64>)
        /// The feed is down (`reason`); it retries on its own, and a `.resync` follows once it is back.
        case lost(reason: String)
    }

    static let channel = "siang_cases"
    /// Before the ids of new cases: the origin of the pool that filed them (migration 25).
    static let filedBy = "filed_by="
    let listener: NotificationListener
    /// The pool whose filings this process applied as they committed (`ConnectionPool.origin`).
    let ownOrigin: String

    public init(pool: ConnectionPool) {
        ownOrigin = pool.origin
        listener = NotificationListener(
            configuration: .init(
                connectionString: pool.configuration.connectionString, database: pool.configuration.database,
                channels: [Self.channel]))
    }

    /// The feed's events, in order; the stream ends after `stop()`.
    public var events: AsyncMapSequence<AsyncStream<NotificationListener.Event>, Event> {
        listener.events.map { [ownOrigin] in Self.event($0, ownOrigin: ownOrigin) }
    }

    public func start() { listener.start() }

    public func stop() { listener.stop() }

    static func event(_ event: NotificationListener.Event, ownOrigin: String) -> Event {
        switch event {
        case .listening: return .resync
        case .lost(let reason, let retryIn): return .lost(reason: "\(reason) (retrying in \(retryIn))")
        case .notifications(let arrived):
            var ids = Set<Int64>()
            for notification in arrived where notification.channel == channel {
                // A statement that changed more cases than one notification lists says "*".
                if notification.payload == "*" { return .resync }
                var parts = notification.payload.split(separator: ",")[...]
                if let first = parts.first, first.hasPrefix(Self.filedBy) {
                    // Filed through this process's own pool: applied already, as it committed.
                    if first.dropFirst(Self.filedBy.count) == ownOrigin { continue }
                    parts = parts.dropFirst()
                }
                for id in parts {
                    if let id = Int64(id) { ids.insert(id) }
                }
            }
            return .changed(ids)
        }
    }
}
