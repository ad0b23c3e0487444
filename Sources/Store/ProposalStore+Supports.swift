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

    /// One support waiting to be written with others (`SupportWriter`).
    struct SupportItem: Sendable {
        var code: String
        var supporter: [UInt8]
        var network: [UInt8]
        var at: Date
        var burst: BurstRule
        var answerDue: Date
        var notify: NotificationSubscription?
        var onCrossing: @Sendable (ProposalRecord) -> Notices
    }

    /// Stores one support of the proposal with `code` by `supporter` (a keyed hash of the person's
    /// address) from `network` (a keyed hash of their network), committed with the other supports
    /// that arrive meanwhile (one statement and one commit per batch: `BatchWriter`).
    ///
    /// The proposals' rows are locked first, so supports of one proposal are counted one after another:
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
        try await supportWriter.submit(
            SupportItem(
                code: code, supporter: supporter, network: network, at: now, burst: burst, answerDue: answerDue,
                notify: notify, onCrossing: onCrossing))
    }

    /// Writes `items` in one transaction: their supports in one statement, then, for each proposal
    /// that crossed its threshold, its event and messages. Each item's outcome in order.
    static func writeSupports(_ items: [SupportItem], connection: Connection) throws -> [Result<SupportResult, any Error>] {
        let parameters: [any PostgresEncodable] = [
            items.map(\.code), items.map { PostgresBytes($0.supporter) }, items.map { PostgresBytes($0.network) },
            items.map(\.at), items.map { $0.at.addingTimeInterval(-$0.burst.window) }, items.map(\.burst.limit),
            items.map(\.answerDue), items.map { $0.notify?.channel.rawValue }, items.map { $0.notify?.address },
            items.map { $0.notify?.language.rawValue },
        ]
        let rows = try connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(
                    $1::text[], $2::bytea[], $3::bytea[], $4::timestamptz[], $5::timestamptz[], $6::int[],
                    $7::timestamptz[], $8::text[], $9::text[], $10::text[])
                    WITH ORDINALITY AS i (code, supporter, network, at, burst_from, burst_limit, answer_due, channel,
                                          address, language, n)
            ), p AS (
                -- In id order, so that batches locking the same proposals cannot deadlock.
                SELECT id, code, status, closes_at, supports, threshold FROM proposals
                WHERE code IN (SELECT code FROM input) ORDER BY id FOR UPDATE
            ), candidates AS (
                SELECT i.*, p.id AS proposal_id,
                       row_number() OVER (PARTITION BY p.id, i.supporter ORDER BY i.n) AS repeat,
                       row_number() OVER (PARTITION BY p.id, i.network ORDER BY i.n) AS network_rank
                FROM input i JOIN p USING (code)
                WHERE p.status IN ('published', 'routed') AND (p.status <> 'published' OR p.closes_at > i.at)
            ), ins AS (
                INSERT INTO proposal_supports (proposal_id, supporter, network, created_at, state)
                SELECT c.proposal_id, c.supporter, c.network, c.at,
                       -- Supports from this network already stored in the window, and those before this one in the batch.
                       CASE WHEN c.burst_limit > 0 AND (
                           SELECT count(*) FROM proposal_supports s
                           WHERE s.proposal_id = c.proposal_id AND s.network = c.network AND s.created_at > c.burst_from
                       ) + c.network_rank - 1 >= c.burst_limit
                       THEN 'flagged' ELSE 'counted' END
                FROM candidates c WHERE c.repeat = 1 ORDER BY c.n
                ON CONFLICT (proposal_id, supporter) DO NOTHING
                RETURNING id, proposal_id, supporter, state
            ), added AS (
                -- Each stored support with what its item asked for.
                SELECT ins.id, ins.proposal_id, ins.state, c.at, c.answer_due, c.channel, c.address, c.language
                FROM ins JOIN candidates c ON c.proposal_id = ins.proposal_id AND c.supporter = ins.supporter AND c.repeat = 1
            ), tally AS (
                SELECT t.*, p.status = 'published' AND p.supports + t.counted >= p.threshold AS crosses
                FROM (
                    SELECT proposal_id, count(*) FILTER (WHERE state = 'counted') AS counted,
                           count(*) FILTER (WHERE state = 'flagged') AS flagged, max(at) AS at, max(answer_due) AS answer_due
                    FROM added GROUP BY proposal_id
                ) t JOIN p ON p.id = t.proposal_id
            ), upd AS (
                UPDATE proposals q SET
                    supports = q.supports + t.counted,
                    flagged_supports = q.flagged_supports + t.flagged,
                    status = CASE WHEN t.crosses THEN 'routed' ELSE q.status END,
                    routed_at = CASE WHEN t.crosses THEN t.at ELSE q.routed_at END,
                    answer_due = CASE WHEN t.crosses THEN t.answer_due ELSE q.answer_due END,
                    updated_at = t.at
                FROM tally t WHERE q.id = t.proposal_id
                RETURNING q.id, q.supports, q.status
            ), sub AS (
                INSERT INTO proposal_subscriptions (proposal_id, support_id, channel, address, language, consent_at)
                SELECT proposal_id, id, channel, address, language, at FROM added WHERE address IS NOT NULL
            )
            SELECT i.n, p.id, p.status, c.proposal_id IS NOT NULL, ins.state, p.supports, p.threshold, upd.supports,
                   upd.status
            FROM input i
            LEFT JOIN p ON p.code = i.code
            LEFT JOIN candidates c ON c.n = i.n
            LEFT JOIN ins ON c.repeat = 1 AND ins.proposal_id = c.proposal_id AND ins.supporter = c.supporter
            LEFT JOIN upd ON upd.id = p.id
            ORDER BY i.n
            """, parameters
        ).rows
        var outcomes: [Result<SupportResult, any Error>] = []
        // Counted supports so far in this batch, per proposal: each support's count is the one it made.
        var countedSoFar: [Int64: Int] = [:]
        var crossings: [(id: Int64, item: SupportItem)] = []
        for (row, item) in zip(rows, items) {
            guard let id = row.isNull(1) ? nil : Int64(try row.int(1)),
                let before = ProposalStatus(rawValue: try row.string(2)), before != .pending, before != .rejected
            else {
                outcomes.append(.failure(DomainError.proposalNotFound))
                continue
            }
            guard try row.bool(3) else {
                outcomes.append(.failure(Self.closedToSupports))
                continue
            }
            let supportsBefore = try row.int(5)
            let supportsNow = row.isNull(7) ? supportsBefore : try row.int(7)
            guard let state = row.optionalString(4) else {
                outcomes.append(.success(SupportResult(outcome: .alreadySupported, supports: supportsNow, crossedThreshold: false)))
                continue
            }
            var count = supportsBefore + (countedSoFar[id] ?? 0)
            var crossed = false
            if state == "counted" {
                count += 1
                countedSoFar[id, default: 0] += 1
                let threshold = try row.int(6)
                crossed = before == .published && row.optionalString(8) == ProposalStatus.routed.rawValue
                    && count == threshold
                if crossed { crossings.append((id, item)) }
            }
            outcomes.append(
                .success(SupportResult(outcome: state == "flagged" ? .flagged : .supported, supports: count, crossedThreshold: crossed)))
        }
        for (id, item) in crossings {
            let record = try Self.record(
                try connection.query("SELECT \(Self.columns) FROM proposals p WHERE p.id = $1", [id]).first!)
            try Self.addEvent(.thresholdReached, proposalID: id, at: item.at, agencyCode: record.agencyCode, connection: connection)
            try Self.enqueue(item.onCrossing(record), proposalID: id, at: item.at, connection: connection)
        }
        return outcomes
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
    public func withFlaggedSupports(limit: Int, within area: String? = nil) async throws -> [ProposalRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM proposals p WHERE p.flagged_supports > 0 AND \(Self.withinArea)
                ORDER BY p.flagged_supports DESC, p.id LIMIT $1
                """, [limit, area]
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
