import Foundation
import Synchronization

/// One dedicated connection that `LISTEN`s to channels and hands what arrives to an async stream.
///
/// libpq blocks, so the connection lives on a thread of its own (never an event loop or Swift's
/// cooperative pool), waiting in `poll()` with a short timeout so `stop()` is noticed quickly.
/// When the connection drops (a restart, `pg_terminate_backend`, a network fault) it reconnects
/// with back-off and says so with a fresh `.listening` event: whatever was notified while it was
/// away is lost, and the consumer must catch up by other means (a full reload).
public final class NotificationListener: Sendable {
    public enum Event: Sendable {
        /// Listening (again): notifications committed from now on arrive; earlier ones may be lost.
        case listening
        /// Notifications that arrived together, in order.
        case notifications([PostgresNotification])
        /// The connection dropped or could not be made; it is retried after `retryIn`.
        case lost(reason: String, retryIn: Duration)
    }

    public struct Configuration: Sendable {
        public var connectionString: String
        public var database: String?
        public var channels: [String]
        /// How the connection shows in `pg_stat_activity` (`application_name`).
        public var applicationName = "siang-listen"
        /// How long one `poll()` waits before looking whether the listener was stopped.
        public var pollInterval: Duration = .milliseconds(250)
        /// An idle connection is asked `SELECT 1` this often, so a silently dead link is noticed: TCP
        /// gives up on the unanswered query within `deadLinkTimeout` (not the kernel's quarter hour).
        public var keepAlive: Duration = .seconds(15)
        /// How long connecting, or an unacknowledged write on a TCP link, may take before the
        /// connection counts as lost (libpq's `connect_timeout`, `tcp_user_timeout` and keepalives).
        public var deadLinkTimeout: Duration = .seconds(20)
        public var firstRetry: Duration = .milliseconds(250)
        public var longestRetry: Duration = .seconds(10)

        public init(connectionString: String, database: String?, channels: [String]) {
            self.connectionString = connectionString
            self.database = database
            self.channels = channels
        }
    }

    public let configuration: Configuration
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    public init(configuration: Configuration) {
        self.configuration = configuration
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Starts listening on a new thread (once; later calls do nothing).
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in self.listen() }
        thread.name = "siang.listen"
        thread.start()
    }

    /// Stops listening: the stream of events finishes now, and the thread ends within a `pollInterval`
    /// (or, blocked on a dead link, once TCP gives up on it), so a shutdown never waits for it.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        continuation.finish()
    }

    private var isStopped: Bool { stopped.load(ordering: .acquiring) }

    private func listen() {
        var retry = configuration.firstRetry
        while !isStopped {
            do {
                let seconds = max(2, Int(configuration.deadLinkTimeout.components.seconds))
                let connection = try Connection(
                    connectionString: configuration.connectionString, database: configuration.database,
                    options: [
                        "connect_timeout": String(seconds), "keepalives": "1", "keepalives_idle": String(max(1, seconds / 2)),
                        "keepalives_interval": String(max(1, seconds / 8)), "keepalives_count": "3",
                        "tcp_user_timeout": String(seconds * 1000),
                    ])
                defer { connection.close() }
                try connection.query("SELECT set_config('application_name', $1, false)", [configuration.applicationName])
                for channel in configuration.channels {
                    try connection.execute("LISTEN \"\(channel.replacingOccurrences(of: "\"", with: "\"\""))\"")
                }
                continuation.yield(.listening)
                retry = configuration.firstRetry
                var idle = Duration.zero
                while !isStopped {
                    let arrived = try connection.notifications(waitingUpTo: configuration.pollInterval)
                    if arrived.isEmpty {
                        idle += configuration.pollInterval
                        if idle >= configuration.keepAlive {
                            try connection.query("SELECT 1")
                            idle = .zero
                        }
                    } else {
                        continuation.yield(.notifications(arrived))
                        idle = .zero
                    }
                }
            } catch {
                guard !isStopped else { break }
                continuation.yield(.lost(reason: "\(error)", retryIn: retry))
                var waited = Duration.zero
                while waited < retry, !isStopped {
                    Thread.sleep(forTimeInterval: 0.05)
                    waited += .milliseconds(50)
                }
                retry = min(retry * 2, configuration.longestRetry)
            }
        }
        continuation.finish()
    }
}
