public import Domain
public import Foundation
public import Postgres

/// Every SQL statement about staff accounts and their API tokens.
public struct StaffStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Creates a staff account; returns it.
    ///
    /// The e-mail is stored lower-cased, so the unique constraint and `credentials(email:)`
    /// treat addresses differing only in letter case as one.
    /// - Throws: `DomainError` `email_taken` when the e-mail already has an account,
    ///   `unknown_agency` when the agency does not exist, `unknown_area` when the moderated area does not.
    public func create(
        name: String, email: String?, role: StaffRole, agencyCode: String?, passwordHash: String? = nil,
        passwordChangeRequired: Bool = false, moderatesArea: String? = nil
    ) async throws -> StaffMember {
        let email = email.map(Self.normalizedEmail)
        do {
            return try await pool.withConnection { connection in
                let row = try connection.query(
                    """
                    INSERT INTO staff (name, email, role, agency_code, password_hash, password_change_required, moderates_area)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                    """, [name, email, role.rawValue, agencyCode, passwordHash, passwordChangeRequired, moderatesArea]
                ).first!
                return StaffMember(
                    id: Int64(try row.int(0)), name: name, role: role, agencyCode: agencyCode,
                    mustChangePassword: passwordChangeRequired, moderatesArea: moderatesArea)
            }
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw DomainError.invalid("email_taken", th: "อีเมลนี้มีบัญชีอยู่แล้ว", en: "This e-mail already has an account.")
        } catch let error as PostgresError where error.kind == .foreignKeyViolation {
            if error.constraint == "staff_moderates_area_fkey" {
                throw DomainError.invalid("unknown_area", th: "ไม่พบพื้นที่ที่ระบุ", en: "No area with this code.")
            }
            throw DomainError.invalid("unknown_agency", th: "ไม่พบหน่วยงานที่ระบุ", en: "No agency with this code.")
        }
    }

    /// The active staff member with `email` (any letter case) and the hash of their password,
    /// or nil when there is no such active account or it has no password.
    public func credentials(email: String) async throws -> (staff: StaffMember, passwordHash: String)? {
        let email = Self.normalizedEmail(email)
        return try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT \(Self.memberColumns), password_hash FROM staff
                    WHERE email = $1 AND active AND password_hash IS NOT NULL
                    """, [email]
                ).first
            else { return nil }
            return (try Self.member(row), try row.string(Self.memberColumnCount))
        }
    }

    /// The hash of the password of the active staff member with `id`, or nil when there is no
    /// such active account or it has no password.
    public func passwordHash(id: Int64) async throws -> String? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT password_hash FROM staff WHERE id = $1 AND active AND password_hash IS NOT NULL", [id]
            ).first.map { try $0.string(0) }
        }
    }

    /// Replaces the password of the active staff member with `id` by the one hashed as `hash`,
    /// which its owner chose, so no change is required any more, and ends the account's web sessions
    /// by moving their generation on; returns the new generation, or nil when there was no such account.
    public func setPassword(id: Int64, hash: String) async throws -> Int? {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE staff SET password_hash = $2, password_change_required = false,
                    session_generation = session_generation + 1
                WHERE id = $1 AND active AND password_hash IS NOT NULL
                RETURNING session_generation
                """, [id, hash]
            ).first.map { try $0.int(0) }
        }
    }

    /// Deactivates the account with `email`: it can no longer sign in, its web sessions end (their
    /// generation moves on) and its API tokens stop working; returns whether an active account was found.
    public func deactivate(email: String) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE staff SET active = false, session_generation = session_generation + 1
                WHERE email = $1 AND active
                """, [Self.normalizedEmail(email)]
            ).affectedRows == 1
        }
    }

    /// The active staff member with `id`, or nil when there is none or the account was deactivated.
    public func staff(id: Int64) async throws -> StaffMember? {
        try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    "SELECT \(Self.memberColumns) FROM staff WHERE id = $1 AND active", [id]
                ).first
            else { return nil }
            return try Self.member(row)
        }
    }

    /// An e-mail as accounts store it: trimmed and lower-cased (by Swift, on both writing and
    /// reading, so PostgreSQL's locale cannot make the two disagree).
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The columns `member(_:)` reads, in its order, from column 0.
    static let memberColumns = "id, name, role, agency_code, password_change_required, session_generation, moderates_area"
    static let memberColumnCount = 7

    /// A staff member from `memberColumns`.
    static func member(_ row: Row) throws -> StaffMember {
        StaffMember(
            id: Int64(try row.int(0)), name: try row.string(1), role: StaffRole(rawValue: try row.string(2)) ?? .officer,
            agencyCode: row.optionalString(3), mustChangePassword: try row.bool(4), sessionGeneration: try row.int(5),
            moderatesArea: row.optionalString(6))
    }

    /// Stores a new API token for `staffID` (only its SHA-256); returns the token's id.
    public func addToken(_ token: String, staffID: Int64, name: String) async throws -> Int64 {
        try await pool.withConnection { connection in
            Int64(
                try connection.query(
                    """
                    INSERT INTO api_tokens (staff_id, token_hash, name)
                    VALUES ($1, sha256(convert_to($2, 'UTF8')), $3) RETURNING id
                    """, [staffID, token, name]
                ).first!.int(0))
        }
    }

    /// The active staff member a token belongs to, or nil for an unknown or revoked token.
    public func staff(forToken token: String) async throws -> StaffMember? {
        try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT s.id, s.name, s.role, s.agency_code, s.password_change_required, s.session_generation, s.moderates_area
                    FROM api_tokens t JOIN staff s ON s.id = t.staff_id
                    WHERE t.token_hash = sha256(convert_to($1, 'UTF8')) AND t.revoked_at IS NULL AND s.active
                    """, [token]
                ).first
            else { return nil }
            return try Self.member(row)
        }
    }

    /// Revokes a token by id; returns whether one was revoked.
    public func revokeToken(id: Int64) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [id]
            ).affectedRows == 1
        }
    }

    /// Every token: id, name, owner, role, agency, created, revoked.
    public func tokens() async throws -> [(id: Int64, name: String, staff: String, role: String, agency: String?, createdAt: Date, revokedAt: Date?)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT t.id, t.name, s.name, s.role, s.agency_code, t.created_at, t.revoked_at
                FROM api_tokens t JOIN staff s ON s.id = t.staff_id ORDER BY t.id
                """
            ).rows.map {
                (
                    Int64(try $0.int(0)), try $0.string(1), try $0.string(2), try $0.string(3), $0.optionalString(4),
                    try $0.date(5), try $0.optionalDate(6)
                )
            }
        }
    }
}
