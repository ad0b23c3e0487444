public import Foundation
public import Hummingbird
public import Logging
import ServiceLifecycle
public import Store

/// Hummingbird's key/value persistence over PostgreSQL (`web_sessions`), for server-side
/// sessions of staff signed in to the web pages (`SessionMiddleware`, `SessionStorage`).
///
/// Values are stored as JSON, keys only as their SHA-256 (see `WebSessionStore`). Expiry is
/// judged by `clock`, so tests can move time. As a service in the application's service group it
/// deletes expired rows every `purgeInterval`; without it, expired rows are ignored but kept.
public struct PostgresPersistDriver: PersistDriver {
    let store: WebSessionStore
    let clock: @Sendable () -> Date
    let purgeInterval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - clock: the current time, by which `expires` durations become dates and rows expire.
    ///   - purgeInterval: how often `run()` deletes expired rows.
    public init(
        store: WebSessionStore, clock: @escaping @Sendable () -> Date = { Date() }, purgeInterval: Duration = .seconds(600),
        logger: Logger = Logger(label: "siang.sessions")
    ) {
        self.store = store
        self.clock = clock
        self.purgeInterval = purgeInterval
        self.logger = logger
    }

    /// Stores `value` under `key`, which must hold no live value.
    /// - Throws: `PersistError.duplicate` when it does.
    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let now = clock()
        do {
            try await store.create(key: key, value: try Self.encode(value), expiresAt: Self.date(now, plus: expires), at: now)
        } catch let error as WebSessionStoreError where error == .duplicateKey {
            throw PersistError.duplicate
        }
    }

    /// Stores `value` under `key`; with `expires` nil an existing value's expiry is kept.
    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try await store.set(key: key, value: try Self.encode(value), expiresAt: Self.date(clock(), plus: expires))
    }

    /// The live value under `key`, or nil.
    /// - Throws: `PersistError.invalidConversion` when the stored JSON is not an `Object`.
    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    /// The live value under `key` and the time it has left (nil: it never expires), or nil.
    /// - Throws: `PersistError.invalidConversion` when the stored JSON is not an `Object`.
    public func getWithTTL<Object: Codable & Sendable>(
        key: String, as type: Object.Type
    ) async throws -> (object: Object, ttl: Duration?)? {
        let now = clock()
        guard let entry = try await store.entry(key: key, at: now) else { return nil }
        let object: Object
        do {
            object = try JSONDecoder().decode(Object.self, from: entry.value)
        } catch {
            throw PersistError.invalidConversion
        }
        return (object, entry.expiresAt.map { .milliseconds(Int64(($0.timeIntervalSince(now) * 1000).rounded(.down))) })
    }

    /// Deletes the value under `key`, if any.
    public func remove(key: String) async throws {
        try await store.remove(key: key)
    }

    /// Deletes every expired value now; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await store.purgeExpired(at: clock())
    }

    /// Deletes expired values every `purgeInterval` until the service group shuts down.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // The wait ends early when the service group shuts down, so shutdown never waits an interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: purgeInterval) }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            do {
                let purged = try await purgeExpired()
                if purged > 0 { logger.debug("expired web sessions purged", metadata: ["count": "\(purged)"]) }
            } catch {
                logger.warning("purging expired web sessions failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }

    static func encode(_ value: some Encodable) throws -> Data {
        try JSONEncoder().encode(value)
    }

    /// `now` moved on by `duration`, or nil for no expiry.
    static func date(_ now: Date, plus duration: Duration?) -> Date? {
        guard let duration else { return nil }
        let (seconds, attoseconds) = duration.components
        return now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
