import Crypto
public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of one-time codes: issuing one (with its message in the outbox, in one
/// transaction) and checking one.
public struct OneTimeCodeStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// How many codes were issued to `address` since `since` (to stop a flood of messages to one person).
    public func issued(to address: String, since: Date) async throws -> Int {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT count(*) FROM one_time_codes WHERE address = $1 AND created_at >= $2", [address, since]
            ).first?.int(0) ?? 0
        }
    }

    /// Stores a code (only its hash) for `address` and writes its message into the outbox, together.
    /// - Returns: the code's id, which the person names when they give the code back.
    public func issue(
        purpose: String, channel: NotificationChannel, address: String, code: String, message: MessageText,
        at now: Date, expiresAt: Date
    ) async throws -> Int64 {
        try await pool.transaction { connection in
            let id = try connection.query(
                """
                INSERT INTO one_time_codes (purpose, channel, address, code_hash, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """, [purpose, channel.rawValue, address, Self.hash(code), now, expiresAt]
            ).first!.int(0)
            try connection.query(
                """
                INSERT INTO outbox (created_at, event, channel, recipient, subject, body, next_attempt_at, retry_window_from)
                VALUES ($1, $2, $3, $4, $5, $6, $1, $1)
                """, [now, NotificationEvent.oneTimeCode.rawValue, channel.rawValue, address, message.subject, message.body])
            return Int64(id)
        }
    }

    /// What checking a code found.
    public enum Check: Sendable, Equatable {
        /// The code is right: the address it was sent to, and what for.
        case verified(address: String, purpose: String)
        case wrong
        case expired
        /// Too many wrong tries, or already used.
        case spent
        case unknown
    }

    /// Checks `code` against code `id`, counting the try; a right code works once.
    public func check(id: Int64, code: String, at now: Date, maximumAttempts: Int) async throws -> Check {
        try await pool.transaction { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT code_hash, expires_at, attempts, verified_at, address, purpose
                    FROM one_time_codes WHERE id = $1 FOR UPDATE
                    """, [id]
                ).first
            else { return .unknown }
            if try row.optionalDate(3) != nil || (try row.int(2)) >= maximumAttempts { return .spent }
            if try row.date(1) <= now { return .expired }
            let right = try row.bytes(0) == Self.hash(code).bytes
            try connection.query(
                "UPDATE one_time_codes SET attempts = attempts + 1, verified_at = CASE WHEN $2::boolean THEN $3::timestamptz END WHERE id = $1",
                [id, right, now])
            return right ? .verified(address: try row.string(4), purpose: try row.string(5)) : .wrong
        }
    }

    /// Deletes codes (and so their addresses) created before `cutoff`; returns how many.
    public func purge(createdBefore cutoff: Date) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM one_time_codes WHERE created_at < $1 RETURNING id", [cutoff]).rows.count
        }
    }

    static func hash(_ code: String) -> PostgresBytes {
        PostgresBytes(Array(SHA256.hash(data: Data(code.utf8))))
    }
}
