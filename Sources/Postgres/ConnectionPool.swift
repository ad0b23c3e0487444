import DequeModule
import Foundation
public import Logging
import NIOPosix
import Synchronization

/// A bounded pool of libpq connections with its own threads.
///
/// libpq blocks, so no libpq call ever runs on an event loop or in Swift's cooperative pool:
/// each unit of work (a query, a whole transaction) is a closure the pool runs on one of its
/// threads, with a connection nobody else holds. When all connections are busy, callers wait
/// in a first-come queue (up to `acquireTimeout`). A connection that broke is closed and
/// replaced on demand, so a database restart heals without restarting Siang: a transaction
/// that fails at BEGIN on a dead connection is retried on a fresh one, as are transactions
/// that hit a serialization failure or deadlock.
public final class ConnectionPool: Sendable {
    /// How the pool connects and how big it may grow.
    public struct Configuration: Sendable {
        /// A libpq connection string or URI (`DATABASE_URL`), passed to libpq unchanged.
        public var connectionString: String
        /// A database name overriding the connection string's.
        public var database: String?
        public var maximumConnections: Int
        public var acquireTimeout: Duration
        /// Attempts for a transaction that fails transiently (serialization, deadlock, dead connection at BEGIN).
        public var maximumAttempts: Int

        public init(
            connectionString: String, database: String? = nil, maximumConnections: Int = 8,
            acquireTimeout: Duration = .seconds(10), maximumAttempts: Int = 3
        ) {
            self.connectionString = connectionString
            self.database = database
            self.maximumConnections = max(1, maximumConnections)
            self.acquireTimeout = acquireTimeout
            self.maximumAttempts = max(1, maximumAttempts)
        }
    }

    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Connection?, any Error>
    }

    private struct State {
        var idle: [Connection] = []
        var total = 0
        var waiters: Deque<Waiter> = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var checkouts = 0
    }

    public let configuration: Configuration
    /// Names this pool's sessions (`siang.origin`): the change feed's notice of new cases says which
    /// pool filed them, so a process skips re-reading its own filings, which it has applied already.
    public let origin = UUID().uuidString
    fileprivate let threads: NIOThreadPool
    private let state = Mutex(State())
    private let logger: Logger
    private let reaper = Mutex<Task<Void, Never>?>(nil)

    public init(configuration: Configuration, logger: Logger = Logger(label: "siang.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: configuration.maximumConnections)
        threads.start()
        let timeout = configuration.acquireTimeout
        let task = Task.detached { [weak self] in
            // Fails waiters whose deadline passed; a coarse tick is enough for a 10 s limit.
            let tick = min(Duration.milliseconds(250), timeout)
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard let self else { return }
                self.expireWaiters()
            }
        }
        reaper.withLock { $0 = task }
    }

    /// Runs `body` with a connection, outside any explicit transaction.
    /// - Parameter idempotent: whether `body` may safely run again after the connection
    ///   died mid-way (true for reads); it is then retried once on a fresh connection.
    public func withConnection<T: Sendable>(idempotent: Bool = false, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await run(body)
            } catch let error as PostgresError where error.kind == .connectionLost && (idempotent || error.failedBeforeWork) && attempt < 2 {
                logger.warning("database connection lost; retrying on a new connection", metadata: ["error": "\(error)"])
                continue
            }
        }
    }

    /// Runs `body` in a transaction on one connection and commits it; rolls back if it throws.
    ///
    /// `body` is synchronous and does nothing but database work, so running it again after a
    /// serialization failure or deadlock is safe; that is done up to `maximumAttempts` times.
    public func transaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await run { connection in try connection.inTransaction(isolation: isolation, body) }
            } catch let error as PostgresError
                where attempt < configuration.maximumAttempts
                && (error.isTransient || (error.kind == .connectionLost && error.failedBeforeWork))
            {
                logger.debug("retrying transaction", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                continue
            }
        }
    }

    /// A connection held across several pieces of work (and the awaits between them), such as
    /// a long export that reads a batch, writes it to a slow client, and reads the next.
    public struct Lease: Sendable {
        let pool: ConnectionPool
        let connection: Connection

        /// Runs `body` on the pool's threads with the leased connection.
        public func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
            do {
                return try await pool.threads.runIfActive { try body(connection) }
            } catch is NIOThreadPoolError.ThreadPoolInactive {
                throw ConnectionPool.closedError
            }
        }

        /// Runs `COPY … TO STDOUT` (`sql`) and hands its output to `body` in chunks of at least
        /// `chunkBytes` (the last may be smaller) as they come. The connection's thread reads up to
        /// `ahead` chunks ahead while `body` works: read and worked on in turns, the database and the
        /// caller each waited for the other a good part of the time. At most `ahead` + 1 chunks are held.
        ///
        /// Returns only once the whole copy was handed over. When `body` throws or the calling task is
        /// cancelled (`CancellationError`), the reading stops after the read under way, and the copy is
        /// left unfinished: close the connection rather than reuse it.
        public func copyOut(
            _ sql: String, chunkBytes: Int, ahead: Int = 4, _ body: ([UInt8]) async throws -> Void
        ) async throws {
            try await run { try $0.startCopyOut(sql) }
            let (chunks, delivered) = AsyncThrowingStream.makeStream(of: [UInt8].self)
            // One credit per chunk the reader may read before `body` has taken the ones before.
            let (credits, credit) = AsyncStream.makeStream(of: Void.self)
            for _ in 0..<max(1, ahead) { credit.yield() }
            let stop = StopFlag()
            // True once the copy was read to its end.
            let reader = Task { [self] () -> Bool in
                do {
                    for await _ in credits {
                        // Credits given before the stop are not spent: no read starts after it.
                        if stop.isSet { break }
                        guard let chunk = try await run({ try $0.readCopyData(upTo: chunkBytes) }) else {
                            delivered.finish()
                            return true
                        }
                        delivered.yield(chunk)
                    }
                } catch {
                    delivered.finish(throwing: error)
                    return false
                }
                delivered.finish()
                return false
            }
            // Whatever ends the consumer, the reader stops, and the connection is left alone until it has.
            func stopReading() async -> Bool {
                stop.set()
                credit.finish()
                return await reader.value
            }
            do {
                // A cancelled task's iteration ends early without an error: told apart below.
                for try await chunk in chunks {
                    try await body(chunk)
                    credit.yield()
                }
            } catch {
                _ = await stopReading()
                throw error
            }
            // Cancelled, the iteration may also have ended with chunks unread.
            guard await stopReading(), !Task.isCancelled else { throw CancellationError() }
        }

        private final class StopFlag: Sendable {
            private let value = Atomic(false)
            var isSet: Bool { value.load(ordering: .acquiring) }
            func set() { value.store(true, ordering: .releasing) }
        }
    }

    /// Runs `body` on a leased connection inside one read-only snapshot (`REPEATABLE READ READ ONLY`),
    /// for long reads such as a `Lease.copyOut`. If `body` throws, the connection is closed rather than
    /// returned: a copy cut off mid-way leaves it mid-protocol.
    public func withReadOnlySnapshot<T: Sendable>(_ body: (Lease) async throws -> T) async throws -> T {
        try await withLease { lease in
            try await lease.run { try $0.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
            do {
                let value = try await body(lease)
                try await lease.run { try $0.execute("COMMIT") }
                return value
            } catch {
                _ = try? await lease.run { $0.close() }
                throw error
            }
        }
    }

    /// Holds one connection for the whole of `body`; it returns to the pool afterwards (or is
    /// dropped if it broke). Use sparingly: a lease keeps a connection from everyone else.
    public func withLease<T: Sendable>(_ body: (Lease) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(Lease(pool: self, connection: connection))
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Whether the database answers (`SELECT 1`).
    public func ping() async -> Bool {
        (try? await withConnection(idempotent: true) { try $0.query("SELECT 1").rows.count }) == 1
    }

    /// Closes every connection and stops the pool's threads; waiting callers get `.poolClosed`.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state -> ([Connection], [Waiter]) in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, Array(state.waiters))
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
        reaper.withLock { $0?.cancel() }
        _ = try? await threads.runIfActive { for connection in idle { connection.close() } }
        try? await threads.shutdownGracefully()
    }

    static let closedError = PostgresError(kind: .poolClosed, message: "the database pool is shut down")

    /// How the pool is used at one moment, for metrics.
    public struct Usage: Sendable, Equatable {
        /// Connections open (idle or lent).
        public var size: Int
        public var inUse: Int
        /// Callers waiting for a connection.
        public var waiting: Int
        public var maximum: Int
        /// Pieces of work (queries, transactions, leases) the pool has taken since it opened: tells
        /// which pool served something (the primary's or a replica's).
        public var checkouts: Int = 0
    }

    /// The pool's use now (one lock, no query).
    public func usage() -> Usage {
        state.withLock { state in
            Usage(
                size: state.total, inUse: state.total - state.idle.count, waiting: state.waiters.count,
                maximum: configuration.maximumConnections, checkouts: state.checkouts)
        }
    }

    // MARK: - Checkout

    private func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await threads.runIfActive { try body(connection) }
            release(connection)
            return value
        } catch {
            release(connection)
            if error is NIOThreadPoolError.ThreadPoolInactive { throw Self.closedError }
            throw error
        }
    }

    private enum Next {
        case use(Connection)
        case connect
        case wait(UInt64)
    }

    private func acquire() async throws -> Connection {
        let next = try state.withLock { state -> Next in
            if state.closed { throw Self.closedError }
            state.checkouts += 1
            if let connection = state.idle.popLast() { return .use(connection) }
            if state.total < configuration.maximumConnections {
                state.total += 1
                return .connect
            }
            state.nextWaiterID += 1
            return .wait(state.nextWaiterID)
        }
        let waiterID: UInt64
        switch next {
        case .use(let connection): return connection
        case .connect: return try await connect()
        case .wait(let id): waiterID = id
        }
        let handed = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Connection?, any Error>) in
                let deadline = ContinuousClock.now + configuration.acquireTimeout
                let cancelled = state.withLock { state -> Bool in
                    if state.closed { return true }
                    state.waiters.append(Waiter(id: waiterID, deadline: deadline, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: Self.closedError) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        // nil means: a slot freed up (a broken connection was dropped); connect a new one.
        if let handed { return handed }
        return try await connect()
    }

    private func connect() async throws -> Connection {
        do {
            let connectionString = configuration.connectionString
            let database = configuration.database
            let origin = self.origin
            return try await threads.runIfActive {
                let connection = try Connection(connectionString: connectionString, database: database)
                try connection.query("SELECT set_config('siang.origin', $1, false)", [origin])
                return connection
            }
        } catch {
            // Give the slot back; a waiter, if any, may try to connect itself.
            let waiter = state.withLock { state -> Waiter? in
                state.total -= 1
                guard !state.waiters.isEmpty else { return nil }
                state.total += 1
                return state.waiters.removeFirst()
            }
            waiter?.continuation.resume(returning: nil)
            if error is NIOThreadPoolError.ThreadPoolInactive { throw Self.closedError }
            throw error
        }
    }

    private func release(_ connection: Connection) {
        let broken = connection.isBroken
        let (waiter, close) = state.withLock { state -> (Waiter?, Bool) in
            if state.closed {
                state.total -= 1
                return (nil, true)
            }
            // A waiter gets this connection, or, if it broke, its slot to connect anew.
            if let waiter = state.waiters.popFirst() { return (waiter, broken) }
            if broken {
                state.total -= 1
            } else {
                state.idle.append(connection)
            }
            return (nil, broken)
        }
        waiter?.continuation.resume(returning: broken ? nil : connection)
        if close {
            if broken { logger.warning("dropped a broken database connection") }
            threads.submit { _ in connection.close() }
        }
    }

    private func expireWaiters() {
        let now = ContinuousClock.now
        let expired = state.withLock { state -> [Waiter] in
            let expired: [Waiter] = state.waiters.filter { $0.deadline <= now }
            if !expired.isEmpty { state.waiters.removeAll { $0.deadline <= now } }
            return expired
        }
        for waiter in expired {
            waiter.continuation.resume(
                throwing: PostgresError(kind: .poolTimeout, message: "no database connection became free in time"))
        }
    }
}
