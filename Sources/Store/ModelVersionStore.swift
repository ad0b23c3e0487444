public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of classifier model versions, and the reads of settled cases they are
/// trained and compared on.
public struct ModelVersionStore: Sendable {
    let pool: ConnectionPool
    /// Where the accuracy figures (a read of every finished case) are read, when there is a replica.
    let replica: ConnectionPool?

    public init(pool: ConnectionPool, replica: ConnectionPool? = nil) {
        self.pool = pool
        self.replica = replica
    }

    static let columns = "id, created_at, source, examples, held_out_from, state, promoted_at, replaced_version, report::text"

    static func version(_ row: Row) throws -> ModelVersion {
        guard let state = ModelVersion.State(rawValue: try row.string(5)) else {
            throw PostgresError(kind: .other, message: "unknown model version state \(try row.string(5))")
        }
        return ModelVersion(
            id: Int64(try row.int(0)), createdAt: try row.date(1), source: try row.string(2), examples: try row.int(3),
            heldOutFrom: try row.optionalInt(4).map(Int64.init), state: state, promotedAt: try row.optionalDate(6),
            replacedVersion: try row.optionalInt(7).map(Int64.init), report: try row.string(8))
    }

    /// Stores a newly trained model as a candidate; returns it.
    public func add(
        model: [UInt8], source: String, examples: Int, heldOutFrom: Int64?, report: String, at now: Date
    ) async throws -> ModelVersion {
        try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                INSERT INTO model_versions (created_at, source, examples, held_out_from, model, report, state)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'candidate')
                RETURNING \(Self.columns)
                """, [now, source, examples, heldOutFrom, PostgresBytes(model), report]
            ).rows
            return try Self.version(rows[0])
        }
    }

    /// Every version, newest first.
    public func list() async throws -> [ModelVersion] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT \(Self.columns) FROM model_versions ORDER BY id DESC").rows.map(Self.version)
        }
    }

    public func version(id: Int64) async throws -> ModelVersion? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT \(Self.columns) FROM model_versions WHERE id = $1", [id]).rows.first.map(Self.version)
        }
    }

    /// The newest candidate, the one promotion takes when none is named.
    public func newestCandidate() async throws -> ModelVersion? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM model_versions WHERE state = 'candidate' ORDER BY id DESC LIMIT 1"
            ).rows.first.map(Self.version)
        }
    }

    /// When the newest version was made (nil: none ever was), for the retraining schedule.
    public func newestCreatedAt() async throws -> Date? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT max(created_at) FROM model_versions").rows.first?.optionalDate(0)
        }
    }

    /// A version's model file bytes.
    public func model(id: Int64) async throws -> [UInt8]? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT model FROM model_versions WHERE id = $1", [id]).rows.first?.bytes(0)
        }
    }

    /// The live version's id (nil: the default model is live). One index lookup: instances ask often.
    public func liveID() async throws -> Int64? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT id FROM model_versions WHERE state = 'live'").rows.first.map { Int64(try $0.int(0)) }
        }
    }

    /// Makes `id` live if the live version is still `expectedLive` (nil: none), recording `report`; the
    /// version it replaces is retired. Only a candidate is promoted, unless `force` also allows a version
    /// refused, retired or rolled back. Returns false when the live version changed meanwhile, or `id` is
    /// live already or not in a state that may be promoted; nothing changes then.
    public func promote(id: Int64, expectedLive: Int64?, force: Bool, report: String, at now: Date) async throws -> Bool {
        try await pool.transaction { connection in
            // The lock orders promotions and rollbacks, so each sees the live version the other left.
            try connection.execute("LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE")
            let live = try connection.query("SELECT id FROM model_versions WHERE state = 'live'").rows.first.map { Int64(try $0.int(0)) }
            guard live == expectedLive, live != id else { return false }
            let allowed = force ? ["candidate", "refused", "retired", "rolled_back"] : ["candidate"]
            let target = try connection.query(
                "SELECT 1 FROM model_versions WHERE id = $1 AND state = ANY($2::text[]) FOR UPDATE", [id, allowed])
            guard !target.rows.isEmpty else { return false }
            try connection.query("UPDATE model_versions SET state = 'retired' WHERE state = 'live'")
            try connection.query(
                "UPDATE model_versions SET state = 'live', promoted_at = $2, replaced_version = $3, report = $4::jsonb WHERE id = $1",
                [id, now, expectedLive, report])
            return true
        }
    }

    /// Records that promotion found `id` worse than the live model; false when it is no longer a
    /// candidate (someone promoted or refused it meanwhile).
    @discardableResult
    public func refuse(id: Int64, report: String) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                "UPDATE model_versions SET state = 'refused', report = $2::jsonb WHERE id = $1 AND state = 'candidate' RETURNING id",
                [id, report]
            ).rows.count == 1
        }
    }

    /// Takes the live version back to the one it replaced: the nearest version along the chain of
    /// replaced versions that is still retired (one rolled back or refused meanwhile is skipped; a chain
    /// that comes round to itself, after versions were promoted again, ends at the default model).
    /// With `expectedLive`, only that version is rolled back: a second click on the same button, sent
    /// after the first had rolled it back, must not roll back the version before it too.
    public func rollback(expectedLive: Int64? = nil) async throws -> RollbackOutcome {
        try await pool.transaction { connection in
            try connection.execute("LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE")
            var chain: [Int64: (state: String, replaced: Int64?)] = [:]
            for row in try connection.query("SELECT id, state, replaced_version FROM model_versions").rows {
                chain[Int64(try row.int(0))] = (try row.string(1), try row.optionalInt(2).map(Int64.init))
            }
            let live = chain.first(where: { $0.value.state == "live" })?.key
            if let expectedLive, live != expectedLive { return .liveChanged }
            guard let from = live else { return .defaultLive }
            var seen: Set<Int64> = [from]
            var to = chain[from]?.replaced
            while let candidate = to, chain[candidate]?.state != "retired" || seen.contains(candidate) {
                guard seen.insert(candidate).inserted else {
                    to = nil
                    break
                }
                to = chain[candidate]?.replaced
            }
            try connection.query("UPDATE model_versions SET state = 'rolled_back' WHERE id = $1", [from])
            if let to { try connection.query("UPDATE model_versions SET state = 'live' WHERE id = $1", [to]) }
            return .rolledBack(from: from, to: to)
        }
    }

    public enum RollbackOutcome: Sendable, Equatable {
        /// `from` was live; `to` is now (nil: the default model).
        case rolledBack(from: Int64, to: Int64?)
        /// The default model is live already.
        case defaultLive
        /// Another version than the one expected is live.
        case liveChanged
    }

    /// Per model version, the finished cases (resolved or closed) it classified, and how many of them
    /// finished in another category than it chose: staff moved them, or the citizen had chosen another.
    /// One pass over the cases, on the replica when there is one.
    public func accuracyByVersion() async throws -> [ModelVersionAccuracy] {
        try await (replica ?? pool).withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT model_version, count(*), count(*) FILTER (WHERE category_code IS DISTINCT FROM predicted_category)
                FROM cases
                WHERE status IN ('resolved', 'closed') AND predicted_category IS NOT NULL
                GROUP BY model_version
                ORDER BY model_version NULLS FIRST
                """
            ).rows.map {
                ModelVersionAccuracy(
                    version: try $0.optionalInt(0).map(Int64.init), cases: try $0.int(1), changed: try $0.int(2))
            }
        }
    }
}
