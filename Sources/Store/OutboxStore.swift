public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of notifications: the outbox, its attempts, the agencies' webhooks.
///
/// Messages are written by the changes they report, inside those changes' transactions
/// (`enqueue`, and the filing statement); the delivery service claims due messages with
/// `FOR UPDATE SKIP LOCKED`, so several delivery services never take the same message, and a claim
/// lapses after `lease` so a sender that died does not keep its messages.
public struct OutboxStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A message claimed for sending, with what its channel needs.
    public struct Message: Sendable, Equatable {
        public var id: Int64
        public var event: NotificationEvent
        public var channel: NotificationChannel
        /// The address, or for a webhook the webhook's id.
        public var recipient: String
        public var subject: String?
        /// The message's words, or for a webhook its JSON payload.
        public var body: String
        /// Since when it has been retried (its creation, or staff's retry): the retry period runs from here.
        public var retryWindowFrom: Date
        /// How many attempts were made, this one included.
        public var attempts: Int
        public var caseCode: String?
        /// The webhook's address and signing secret, for a webhook message.
        public var webhook: (url: String, secret: String)?

        public static func == (lhs: Message, rhs: Message) -> Bool {
            lhs.id == rhs.id && lhs.attempts == rhs.attempts
        }
    }

    public typealias Webhook = AgencyWebhook

    // MARK: Writing (inside a change's transaction)

    /// Writes the messages `notices` asks for about case `caseID`: one to each channel the citizen
    /// asked for (in their language: e-mail and SMS from the contact row, LINE from its subscription),
    /// one to each active webhook of the agencies named.
    static func enqueue(_ notices: CaseNotices, caseID: Int64, at now: Date, connection: Connection) throws {
        if let citizen = notices.citizen {
            try connection.query(
                """
                INSERT INTO outbox (
                    created_at, event, channel, recipient, case_id, subject, body, next_attempt_at, retry_window_from)
                SELECT $1, $2, s.channel, s.address, s.case_id,
                       CASE s.language WHEN 'en' THEN $5 ELSE $3 END, CASE s.language WHEN 'en' THEN $6 ELSE $4 END, $1, $1
                FROM (
                    SELECT case_id, channel, address, language FROM case_subscriptions WHERE case_id = $7
                    UNION ALL
                    SELECT k.case_id, n.channel, CASE n.channel WHEN 'email' THEN k.email ELSE k.phone END, k.language
                    FROM case_contacts k CROSS JOIN LATERAL unnest(k.notify) AS n (channel) WHERE k.case_id = $7
                ) s
                ORDER BY s.channel
                """,
                [now, citizen.event.rawValue, citizen.th.subject, citizen.th.body, citizen.en.subject, citizen.en.body, caseID])
        }
        if let agencyEvent = notices.agencyEvent, !notices.agencies.isEmpty {
            try connection.query(
                """
                INSERT INTO outbox (
                    created_at, event, channel, recipient, case_id, agency_code, body, next_attempt_at, retry_window_from)
                SELECT $1, $2, 'webhook', w.id::text, $3, w.agency_code, $4, $1, $1
                FROM agency_webhooks w WHERE w.agency_code = ANY($5) AND w.active ORDER BY w.id
                """, [now, agencyEvent.event.rawValue, caseID, agencyEvent.payload, notices.agencies])
        }
    }

    // MARK: Delivering

    /// Claims messages due at `now` for `lease`, each claim counting as an attempt: up to
    /// `urgentLimit` one-time codes, and up to `limit` other messages, each kind oldest due first.
    ///
    /// The codes have their own index and limit because a citizen waits on the screen for one: they
    /// never queue behind a backlog of progress messages, and a busy server that sends few messages a
    /// second still sends every code at once.
    public func claim(limit: Int, urgentLimit: Int, at now: Date, lease: TimeInterval) async throws -> [Message] {
        let urgent = NotificationEvent.oneTimeCode.rawValue
        return try await pool.withConnection { connection in
            try connection.query(
                """
                WITH urgent AS MATERIALIZED (
                    -- A constant, not a parameter, so that the plan is the partial index of the codes.
                    SELECT id FROM outbox
                    WHERE status = 'pending' AND event = '\(urgent)' AND next_attempt_at <= $1
                        AND (claimed_until IS NULL OR claimed_until < $1)
                    ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED
                ), other AS MATERIALIZED (
                    SELECT id FROM outbox
                    WHERE status = 'pending' AND event <> '\(urgent)' AND next_attempt_at <= $1
                        AND (claimed_until IS NULL OR claimed_until < $1)
                    ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
                ), due AS MATERIALIZED (
                    SELECT id FROM urgent UNION ALL SELECT id FROM other
                ), claimed AS (
                    UPDATE outbox o SET claimed_until = $3, attempts = o.attempts + 1 FROM due WHERE o.id = due.id
                    RETURNING o.*
                )
                SELECT m.id, m.event, m.channel, m.recipient, m.subject, m.body, m.retry_window_from, m.attempts, c.code,
                       w.url, w.secret
                FROM claimed m
                LEFT JOIN cases c ON c.id = m.case_id
                -- By the webhook's key (a webhook message's recipient is its id): comparing as text read
                -- every webhook for each claim. A recipient that is not an id finds no webhook (and its
                -- message dies as "the webhook was removed") rather than failing every claim.
                LEFT JOIN agency_webhooks w
                    ON w.id = CASE WHEN m.channel = 'webhook' AND m.recipient ~ '^[0-9]{1,18}$' THEN m.recipient::bigint END
                ORDER BY m.id
                """, [now, limit, now.addingTimeInterval(lease), urgentLimit]
            ).rows.map { row in
                guard let event = NotificationEvent(rawValue: try row.string(1)),
                    let channel = NotificationChannel(rawValue: try row.string(2))
                else { throw Row.DecodingError(column: 1, expected: "event and channel", text: row.optionalString(1)) }
                let webhook = row.optionalString(9).flatMap { url in row.optionalString(10).map { (url, $0) } }
                return Message(
                    id: Int64(try row.int(0)), event: event, channel: channel, recipient: try row.string(3),
                    subject: row.optionalString(4), body: try row.string(5), retryWindowFrom: try row.date(6),
                    attempts: try row.int(7), caseCode: row.optionalString(8), webhook: webhook)
            }
        }
    }

    /// What became of one attempt.
    public enum Outcome: Sendable, Equatable {
        case sent
        /// Failed; tried again at the date given.
        case retry(at: Date, error: String)
        /// Failed for good (refused, or past the retry period).
        case dead(error: String)
    }

    /// Records the outcomes of attempts (message id and outcome) and releases their claims, in one
    /// statement: a delivery round costs one round trip and one commit however many it sent. Failed
    /// attempts get a row each in `outbox_attempts` (why it did not arrive); the successful one is the
    /// message's own `sent_at`, so the common case writes no second row (`bench/load.sh` measures it).
    public func record(_ outcomes: [(id: Int64, outcome: Outcome)], at now: Date) async throws {
        guard !outcomes.isEmpty else { return }
        var ids: [Int64] = []
        var statuses: [String] = []
        var nexts: [Date?] = []
        var errors: [String?] = []
        for (id, outcome) in outcomes {
            ids.append(id)
            let (status, next, error): (DeliveryStatus, Date?, String?) =
                switch outcome {
                case .sent: (.sent, nil, nil)
                case .retry(let at, let error): (.pending, at, error)
                case .dead(let error): (.dead, nil, error)
                }
            statuses.append(status.rawValue)
            nexts.append(next)
            errors.append(error)
        }
        let parameters: [any PostgresEncodable] = [ids, statuses, nexts, errors, now]
        try await pool.withConnection { connection in
            try connection.query(
                """
                WITH r AS (
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[]) AS r (id, status, next, error)
                ), u AS (
                    UPDATE outbox o SET status = CASE WHEN o.status = 'cancelled' THEN o.status ELSE r.status END,
                        next_attempt_at = coalesce(r.next, o.next_attempt_at), claimed_until = NULL,
                        sent_at = CASE WHEN r.status = 'sent' THEN $5 ELSE o.sent_at END, last_error = r.error
                    FROM r WHERE o.id = r.id RETURNING o.id
                )
                INSERT INTO outbox_attempts (outbox_id, at, ok, error)
                SELECT r.id, $5, false, r.error FROM r JOIN u USING (id) WHERE r.status <> 'sent'
                """, parameters)
        }
    }

    // MARK: Reading and retrying

    /// The messages about the case with id `caseID`, oldest first.
    public func deliveries(caseID: Int64) async throws -> [DeliveryRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try Self.records(
                connection.query(
                    "\(Self.recordSelect) WHERE o.case_id = $1 ORDER BY o.id", [caseID]))
        }
    }

    /// Messages in `status` (of one agency's webhooks and cases when `agencyCode` is given), newest first.
    public func deliveries(status: DeliveryStatus, agencyCode: String?, limit: Int) async throws -> [DeliveryRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try Self.records(
                connection.query(
                    """
                    \(Self.recordSelect)
                    WHERE o.status = $1 AND ($2::text IS NULL OR o.agency_code = $2 OR c.agency_code = $2)
                    ORDER BY o.id DESC LIMIT $3
                    """, [status.rawValue, agencyCode, limit]))
        }
    }

    /// Puts a dead message back in the queue, to be tried now; returns false when there is no such dead message.
    public func retry(id: Int64, at now: Date) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE outbox SET status = 'pending', next_attempt_at = $2, retry_window_from = $2, claimed_until = NULL
                WHERE id = $1 AND status = 'dead' RETURNING id
                """, [id, now]
            ).rows.count == 1
        }
    }

    /// How many messages are in each status (for metrics and the benchmark).
    public func counts() async throws -> [DeliveryStatus: Int] {
        try await pool.withConnection(idempotent: true) { connection in
            var counts: [DeliveryStatus: Int] = [:]
            for row in try connection.query("SELECT status, count(*) FROM outbox GROUP BY status").rows {
                if let status = DeliveryStatus(rawValue: try row.string(0)) { counts[status] = try row.int(1) }
            }
            return counts
        }
    }

    /// Messages waiting to be sent and messages given up on (each count read from its partial index).
    public func backlog() async throws -> (pending: Int, dead: Int) {
        try await pool.withConnection(idempotent: true) { connection in
            let row = try connection.query("""
                SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'), (SELECT count(*) FROM outbox WHERE status = 'dead')
                """).first!
            return (try row.int(0), try row.int(1))
        }
    }

    static let recordSelect = """
        SELECT o.id, o.event, o.channel, o.created_at, o.status, o.attempts, o.sent_at, o.last_error,
               coalesce(o.agency_code, c.agency_code), c.code
        FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
        """

    static func records(_ result: QueryResult) throws -> [DeliveryRecord] {
        try result.rows.map { row in
            guard let event = NotificationEvent(rawValue: try row.string(1)),
                let channel = NotificationChannel(rawValue: try row.string(2)),
                let status = DeliveryStatus(rawValue: try row.string(4))
            else { throw Row.DecodingError(column: 1, expected: "event, channel and status", text: row.optionalString(1)) }
            return DeliveryRecord(
                id: Int64(try row.int(0)), event: event, channel: channel, createdAt: try row.date(3), status: status,
                attempts: try row.int(5), sentAt: try row.optionalDate(6), lastError: row.optionalString(7),
                agencyCode: row.optionalString(8), caseCode: row.optionalString(9))
        }
    }

    // MARK: Webhooks

    /// Registers a webhook of `agencyCode` at `url`, signed with `secret`.
    /// - Throws: `DomainError` `unknown_agency` when there is no such agency.
    public func addWebhook(agencyCode: String, url: String, secret: String, at now: Date) async throws -> Webhook {
        do {
            return try await pool.withConnection { connection in
                let row = try connection.query(
                    """
                    INSERT INTO agency_webhooks (agency_code, url, secret, created_at) VALUES ($1, $2, $3, $4)
                    RETURNING id, agency_code, url, active, created_at
                    """, [agencyCode, url, secret, now]
                ).first!
                return try Self.webhook(row)
            }
        } catch let error as PostgresError where error.kind == .foreignKeyViolation {
            throw DomainError.invalid(
                "unknown_agency", th: "ไม่พบหน่วยงาน \(agencyCode)", en: "There is no agency \(agencyCode).")
        }
    }

    /// The webhooks of `agencyCode`, or of every agency.
    public func webhooks(agencyCode: String?) async throws -> [Webhook] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT id, agency_code, url, active, created_at FROM agency_webhooks
                WHERE $1::text IS NULL OR agency_code = $1 ORDER BY id
                """, [agencyCode]
            ).rows.map(Self.webhook)
        }
    }

    /// Stops webhook `id` (of `agencyCode` when given); returns false when there is no such webhook.
    public func deactivateWebhook(id: Int64, agencyCode: String?) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE agency_webhooks SET active = false WHERE id = $1 AND ($2::text IS NULL OR agency_code = $2)
                RETURNING id
                """, [id, agencyCode]
            ).rows.count == 1
        }
    }

    static func webhook(_ row: Row) throws -> Webhook {
        AgencyWebhook(
            id: Int64(try row.int(0)), agencyCode: try row.string(1), url: try row.string(2), active: try row.bool(3),
            createdAt: try row.date(4))
    }
}
