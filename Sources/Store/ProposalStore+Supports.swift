public import Domain
public import Foundation
public import Postgres

extension ProposalStore {
    /// How bursts are recognised: more than `limit` supports of one proposal from one network within
    /// `window` flag the next ones for a moderator (limit 0: never).
    public struct BurstRule: Sendable {
        public var limit: Int
        public var window: TimeInterval

        public init(limit: Int, window: TimeInterval) {
            self.limit = limit
            self.window = window
        }
    }

    /// Stores one support of the proposal with `code` by `supporter` (a keyed hash of the person's
    /// address) from `network` (a keyed hash of their network), in one transaction.
    ///
    /// The proposal's row is locked first, so supports of one proposal are counted one after another:
    /// the support that takes the count to the threshold moves it to `routed` (with `answerDue`), and
    /// only that one, whatever runs at the same time; `onCrossing` then writes its messages in the
    /// same transaction. A second support by the same person is refused by the unique index and
    /// changes nothing.
    /// - Throws: `proposalNotFound` for an unknown or unpublished proposal; `proposal_closed` (`conflict`)
    ///   when supports are not taken (expired, answered, or the period has ended).
    public func support(
        code: String, supporter: [UInt8], network: [UInt8], at now: Date, burst: BurstRule, answerDue: Date,
        notify: NotificationSubscription?, onCrossing: @escaping @Sendable (ProposalRecord) -> Notices
    ) async throws -> SupportResult {
        try await pool.transaction { connection in
            guard
                let row = try connection.query(
                    """
                    WITH p AS (
                        SELECT id, status, closes_at FROM proposals WHERE code = $1 FOR UPDATE
                    ), open AS (
                        SELECT id FROM p
                        WHERE status IN ('published', 'routed') AND (status <> 'published' OR closes_at > $4)
                    ), ins AS (
                        INSERT INTO proposal_supports (proposal_id, supporter, network, created_at, state)
                        SELECT open.id, $2::bytea, $3::bytea, $4::timestamptz,
                               CASE WHEN $6 > 0 AND (
                                   SELECT count(*) FROM proposal_supports s
                                   WHERE s.proposal_id = open.id AND s.network = $3 AND s.created_at > $5) >= $6
                               THEN 'flagged' ELSE 'counted' END
                        FROM open
                        ON CONFLICT (proposal_id, supporter) DO NOTHING
                        RETURNING id, proposal_id, state
                    ), upd AS (
                        UPDATE proposals q SET
                            supports = q.supports + CASE WHEN ins.state = 'counted' THEN 1 ELSE 0 END,
                            flagged_supports = q.flagged_supports + CASE WHEN ins.state = 'flagged' THEN 1 ELSE 0 END,
                            status = CASE WHEN q.status = 'published' AND ins.state = 'counted' AND q.supports + 1 >= q.threshold
                                     THEN 'routed' ELSE q.status END,
                            routed_at = CASE WHEN q.status = 'published' AND ins.state = 'counted' AND q.supports + 1 >= q.threshold
                                        THEN $4 ELSE q.routed_at END,
                            answer_due = CASE WHEN q.status = 'published' AND ins.state = 'counted' AND q.supports + 1 >= q.threshold
                                         THEN $7 ELSE q.answer_due END,
                            updated_at = $4
                        FROM ins WHERE q.id = ins.proposal_id
                        RETURNING q.supports, q.status
                    ), sub AS (
                        INSERT INTO proposal_subscriptions (proposal_id, support_id, channel, address, language, consent_at)
                        SELECT ins.proposal_id, ins.id, $8, $9, $10, $4 FROM ins WHERE $9::text IS NOT NULL
                    )
                    SELECT p.id, p.status, (SELECT state FROM ins), upd.supports, upd.status, (SELECT id FROM open) IS NOT NULL,
                           (SELECT supports FROM proposals WHERE id = p.id)
                    FROM p LEFT JOIN upd ON true
                    """,
                    [
                        code, PostgresBytes(supporter), PostgresBytes(network), now, now.addingTimeInterval(-burst.window),
                        burst.limit, answerDue, notify?.channel.rawValue, notify?.address, notify?.language.rawValue,
                    ]
                ).first
            else { throw DomainError.proposalNotFound }
            let before = ProposalStatus(rawValue: try row.string(1)) ?? .pending
            guard before != .pending, before != .rejected else { throw DomainError.proposalNotFound }
            guard try row.bool(5) else { throw Self.closedToSupports }
            guard let state = row.optionalString(2) else {
                return SupportResult(outcome: .alreadySupported, supports: try row.int(6), crossedThreshold: false)
            }
            let after = ProposalStatus(rawValue: try row.string(4)) ?? before
            let crossed = before == .published && after == .routed
            if crossed {
                let id = Int64(try row.int(0))
                let record = try Self.record(
                    try connection.query("SELECT \(Self.columns) FROM proposals p WHERE p.id = $1", [id]).first!)
                try Self.addEvent(
                    .thresholdReached, proposalID: id, at: now, agencyCode: record.agencyCode, connection: connection)
                try Self.enqueue(onCrossing(record), proposalID: id, at: now, connection: connection)
            }
            return SupportResult(
                outcome: state == "flagged" ? .flagged : .supported, supports: try row.int(3), crossedThreshold: crossed)
        }
    }

    static let closedToSupports = DomainError(
        .conflict, code: "proposal_closed", th: "ข้อเสนอนี้ปิดรับการสนับสนุนแล้ว", en: "This proposal no longer takes supports.")

    /// Withdraws `supporter`'s support of the proposal with `code` (and forgets the address they left
    /// to hear the answer). A support a moderator discounted stays, so the person cannot support again.
    /// - Throws: as `support`.
    public func withdraw(code: String, supporter: [UInt8], at now: Date) async throws -> (outcome: WithdrawalOutcome, supports: Int) {
        try await pool.transaction { connection in
            guard
                let row = try connection.query(
                    """
                    WITH p AS (
                        SELECT id, status, closes_at, supports FROM proposals WHERE code = $1 FOR UPDATE
                    ), open AS (
                        SELECT id FROM p
                        WHERE status IN ('published', 'routed') AND (status <> 'published' OR closes_at > $3)
                    ), del AS (
                        DELETE FROM proposal_supports s USING open
                        WHERE s.proposal_id = open.id AND s.supporter = $2 AND s.state <> 'discounted'
                        RETURNING s.id, s.proposal_id, s.state
                    ), upd AS (
                        UPDATE proposals q SET
                            supports = q.supports - CASE WHEN del.state = 'counted' THEN 1 ELSE 0 END,
                            flagged_supports = q.flagged_supports - CASE WHEN del.state = 'flagged' THEN 1 ELSE 0 END,
                            updated_at = $3
                        FROM del WHERE q.id = del.proposal_id
                        RETURNING q.supports
                    ), sub AS (
                        DELETE FROM proposal_subscriptions ps USING del WHERE ps.support_id = del.id
                    )
                    SELECT p.status, (SELECT id FROM open) IS NOT NULL, (SELECT state FROM del), COALESCE(upd.supports, p.supports)
                    FROM p LEFT JOIN upd ON true
                    """, [code, PostgresBytes(supporter), now]
                ).first
            else { throw DomainError.proposalNotFound }
            let status = ProposalStatus(rawValue: try row.string(0)) ?? .pending
            guard status != .pending, status != .rejected else { throw DomainError.proposalNotFound }
            guard try row.bool(1) else { throw Self.closedToSupports }
            return (row.isNull(2) ? .notSupported : .withdrawn, try row.int(3))
        }
    }

    /// The flagged supports of the proposal with `code`, oldest first.
    public func flaggedSupports(code: String, limit: Int = 500) async throws -> [FlaggedSupport] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT s.id, s.created_at, encode(substring(s.network FROM 1 FOR 4), 'hex')
                FROM proposal_supports s JOIN proposals p ON p.id = s.proposal_id
                WHERE p.code = $1 AND s.state = 'flagged' ORDER BY s.id LIMIT $2
                """, [code, limit]
            ).rows.map { FlaggedSupport(id: Int64(try $0.int(0)), at: try $0.date(1), network: try $0.string(2)) }
        }
    }

    /// Proposals with flagged supports waiting for a moderator, most flagged first.
    public func withFlaggedSupports(limit: Int) async throws -> [ProposalRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM proposals p WHERE p.flagged_supports > 0
                ORDER BY p.flagged_supports DESC, p.id LIMIT $1
                """, [limit]
            ).rows.map { try Self.record($0) }
        }
    }

    /// Confirms (counts) or discounts flagged supports of the proposal with `code` (`ids`, or all when
    /// nil); a confirmation may take the proposal over its threshold, exactly as a support would.
    /// - Returns: how many supports were decided, and the proposal after.
    public func decideFlagged(
        code: String, ids: [Int64]?, decision: FlaggedSupportDecision, staffID: Int64, at now: Date, answerDue: Date,
        onCrossing: @escaping @Sendable (ProposalRecord) -> Notices
    ) async throws -> (decided: Int, record: ProposalRecord) {
        try await pool.transaction { connection in
            guard
                let row = try connection.query(
                    "SELECT \(Self.columns) FROM proposals p WHERE p.code = $1 FOR UPDATE", [code]
                ).first
            else { throw DomainError.proposalNotFound }
            let current = try Self.record(row)
            let decided = try connection.query(
                """
                UPDATE proposal_supports SET state = $3
                WHERE proposal_id = $1 AND state = 'flagged' AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
                RETURNING id
                """, [current.id, ids, decision == .confirm ? "counted" : "discounted"]
            ).rows.count
            let counted = decision == .confirm ? decided : 0
            let crosses = current.status == .published && counted > 0 && current.acceptsSupports(at: now)
                && current.supports + counted >= (current.threshold ?? .max)
            try connection.query(
                """
                UPDATE proposals SET supports = supports + $2, flagged_supports = flagged_supports - $3, updated_at = $4,
                    status = CASE WHEN $5 THEN 'routed' ELSE status END,
                    routed_at = CASE WHEN $5 THEN $4 ELSE routed_at END,
                    answer_due = CASE WHEN $5 THEN $6 ELSE answer_due END
                WHERE id = $1
                """, [current.id, counted, decided, now, crosses, answerDue])
            try Self.addEvent(
                .progress, proposalID: current.id, at: now,
                note: "\(decision == .confirm ? "นับ" : "ไม่นับ")การสนับสนุนที่ถูกตั้งข้อสังเกต \(decided) รายการ",
                staffID: staffID, connection: connection)
            let after = try Self.record(
                try connection.query("SELECT \(Self.columns) FROM proposals p WHERE p.id = $1", [current.id]).first!)
            if crosses {
                try Self.addEvent(
                    .thresholdReached, proposalID: current.id, at: now, agencyCode: after.agencyCode, connection: connection)
                try Self.enqueue(onCrossing(after), proposalID: current.id, at: now, connection: connection)
            }
            return (decided, after)
        }
    }

    /// Counted supports of proposal `id` per Bangkok day, oldest first (for its chart).
    public func supportsByDay(proposalID: Int64) async throws -> [(day: String, supports: Int)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT to_char((created_at AT TIME ZONE 'Asia/Bangkok')::date, 'YYYY-MM-DD'), count(*)
                FROM proposal_supports WHERE proposal_id = $1 AND state = 'counted' GROUP BY 1 ORDER BY 1
                """, [proposalID]
            ).rows.map { (try $0.string(0), try $0.int(1)) }
        }
    }

    /// The key named `name`, made from `candidate` the first time it is asked for and the same ever after
    /// (so hashes made with it stay comparable across restarts and servers).
    public func serverKey(name: String, candidate: [UInt8]) async throws -> [UInt8] {
        try await pool.withConnection { connection in
            try connection.query(
                "INSERT INTO server_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                [name, PostgresBytes(candidate)])
            return try connection.query("SELECT key FROM server_keys WHERE name = $1", [name]).first!.bytes(0)
        }
    }
}
