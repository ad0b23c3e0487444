import Crypto
public import Foundation
public import Postgres

/// Every SQL statement about the web pages' server-side sessions (table `web_sessions`).
///
/// Keys are stored only as their SHA-256, computed here so the key itself never reaches the
/// server (nor its statement logs); values are opaque bytes (the session driver's JSON).
/// An expired row counts as absent for reading and creating, and is deleted by `purgeExpired(at:)`.
public struct WebSessionStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A stored value and when it expires (nil: never).
    public struct Entry: Sendable, Equatable {
        public var value: Data
        public var expiresAt: Date?

        public init(value: Data, expiresAt: Date?) {
            self.value = value
            self.expiresAt = expiresAt
        }
    }

    /// Stores `value` under `key`, replacing any value there.
    ///
    /// With `expiresAt` nil an existing row keeps its expiry, even a past one, so saving a
    /// session never brings an expired one back (the contract of Hummingbird's `PersistDriver.set`).
    public func set(key: String, value: Data, expiresAt: Date?) async throws {
        let hash = Self.hash(key)
        _ = try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO web_sessions (key_hash, value, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (key_hash) DO UPDATE
                SET value = excluded.value, expires_at = coalesce(excluded.expires_at, web_sessions.expires_at)
                """, [hash, PostgresBytes(Array(value)), expiresAt]
            )
        }
    }

    /// Stores `value` under `key`, which must not hold a live value; an expired row there is replaced.
    /// - Parameter now: the time against which an existing row's expiry is judged.
    /// - Throws: `WebSessionStoreError.duplicateKey` when `key` holds a value that has not expired.
    public func create(key: String, value: Data, expiresAt: Date?, at now: Date = Date()) async throws {
        let hash = Self.hash(key)
        // One statement, so two concurrent creates of one key cannot both succeed: the loser
        // waits for the winner's row and then finds it live (no row affected).
        let created = try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO web_sessions (key_hash, value, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (key_hash) DO UPDATE
                SET value = excluded.value, expires_at = excluded.expires_at
                WHERE web_sessions.expires_at <= $4
                """, [hash, PostgresBytes(Array(value)), expiresAt, now]
            ).affectedRows == 1
        }
        guard created else { throw WebSessionStoreError.duplicateKey }
    }

    /// The value under `key`, or nil when there is none or it expired at or before `now`.
    public func get(key: String, at now: Date) async throws -> Data? {
        try await entry(key: key, at: now)?.value
    }

    /// The value under `key` with its expiry, or nil when there is none or it expired at or before `now`.
    public func entry(key: String, at now: Date) async throws -> Entry? {
        let hash = Self.hash(key)
        return try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT value, expires_at FROM web_sessions
                    WHERE key_hash = $1 AND (expires_at IS NULL OR expires_at > $2)
                    """, [hash, now]
                ).first
            else { return nil }
            return Entry(value: Data(try row.bytes(0)), expiresAt: try row.optionalDate(1))
        }
    }

    /// Deletes the value under `key`, if any.
    public func remove(key: String) async throws {
        let hash = Self.hash(key)
        _ = try await pool.withConnection(idempotent: true) { connection in
            try connection.query("DELETE FROM web_sessions WHERE key_hash = $1", [hash])
        }
    }

    /// Deletes every row that expired at or before `now`; returns how many.
    public func purgeExpired(at now: Date) async throws -> Int {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("DELETE FROM web_sessions WHERE expires_at <= $1", [now]).affectedRows
        }
    }

    /// The SHA-256 of `key`'s UTF-8, as the table stores it.
    static func hash(_ key: String) -> PostgresBytes {
        PostgresBytes(Array(SHA256.hash(data: Data(key.utf8))))
    }
}

/// Why `WebSessionStore` refused a write.
public struct WebSessionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for logs.
    public let code: String

    /// `create` found a live value under the key.
    public static let duplicateKey = WebSessionStoreError(code: "duplicate_key")

    public var description: String { code }
}
