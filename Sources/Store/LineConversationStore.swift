public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of LINE conversations: the drafts citizens are writing (`LineDraft`), the
/// webhook events already acted on, and the cases a LINE user filed.
///
/// A LINE user's events are applied one at a time (a transaction-scoped advisory lock on the user),
/// so two messages arriving together cannot both start a draft or both confirm one.
public struct LineConversationStore: Sendable {
    let pool: ConnectionPool

    /// How long a handled event's id is remembered: LINE redelivers a failed webhook within hours,
    /// never a week later.
    public static let eventMemory: TimeInterval = 7 * 86_400

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// What an event does to the citizen's draft.
    public enum DraftChange: Sendable, Equatable {
        case keep
        case save(LineDraft)
        case delete
    }

    /// What `decide` answers for one event: the change to the draft, whether the event counts as
    /// handled once the change commits (not while a filing it started is unfinished), and anything
    /// the caller wants back.
    public struct Decision<Result: Sendable>: Sendable {
        public var change: DraftChange
        public var handled: Bool
        public var result: Result

        public init(change: DraftChange, handled: Bool = true, result: Result) {
            self.change = change
            self.handled = handled
            self.result = result
        }
    }

    /// Whether the event with LINE's `webhookEventId` was acted on already (a cheap look before the work).
    public func wasHandled(eventID: String) async throws -> Bool {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT 1 FROM line_events WHERE event_id = $1", [eventID]).first != nil
        }
    }

    /// Applies one event of `userID`'s conversation, in one transaction with the user's events
    /// serialised: reads their draft (none when it was last changed before `draftsSince`), asks
    /// `decide`, writes the change and records `eventID` as handled when the decision says so.
    ///
    /// `decide` may run more than once (a transaction retried after a serialisation failure), so it
    /// must only compute.
    /// - Returns: the decision's result, or nil when `eventID` was handled before (nothing is done).
    public func step<Result: Sendable>(
        userID: String, eventID: String?, at now: Date, draftsSince: Date,
        decide: @escaping @Sendable (LineDraft?) throws -> Decision<Result>
    ) async throws -> Result? {
        try await pool.transaction { connection -> Result? in
            try Self.lock(userID, connection: connection)
            if let eventID, try connection.query("SELECT 1 FROM line_events WHERE event_id = $1", [eventID]).first != nil {
                return nil
            }
            let draft = try connection.query(
                """
                SELECT step, text, language, latitude, longitude, address, filing_key FROM line_drafts
                WHERE line_user_id = $1 AND updated_at >= $2
                """, [userID, draftsSince]
            ).first.map(Self.draft)
            let decision = try decide(draft)
            switch decision.change {
            case .keep:
                break
            case .save(let draft):
                try connection.query(
                    """
                    INSERT INTO line_drafts (
                        line_user_id, step, text, language, latitude, longitude, address, filing_key, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (line_user_id) DO UPDATE SET
                        step = excluded.step, text = excluded.text, language = excluded.language,
                        latitude = excluded.latitude, longitude = excluded.longitude, address = excluded.address,
                        filing_key = excluded.filing_key, updated_at = excluded.updated_at
                    """,
                    [
                        userID, draft.step.rawValue, draft.text, draft.language.rawValue, draft.latitude, draft.longitude,
                        draft.address, draft.filingKey, now,
                    ])
            case .delete:
                try connection.query("DELETE FROM line_drafts WHERE line_user_id = $1", [userID])
            }
            if decision.handled, let eventID {
                try Self.record(eventID, at: now, connection: connection)
            }
            return decision.result
        }
    }

    /// Ends a filing the citizen confirmed: deletes the draft that was filed under `filingKey` and
    /// records `eventID` as handled, together.
    /// - Returns: false when `eventID` had been recorded already (another delivery of the same
    ///   event finished the filing first, and has answered the citizen).
    public func finishFiling(userID: String, filingKey: String, eventID: String?, at now: Date) async throws -> Bool {
        try await pool.transaction { connection in
            try Self.lock(userID, connection: connection)
            try connection.query(
                "DELETE FROM line_drafts WHERE line_user_id = $1 AND filing_key = $2", [userID, filingKey])
            guard let eventID else { return true }
            return try Self.record(eventID, at: now, connection: connection)
        }
    }

    /// The latest cases filed by the LINE user `userID` (those that tell them of progress on LINE),
    /// newest first. A case whose contact details were erased is no longer theirs here.
    public func recentCases(userID: String, limit: Int) async throws -> [CaseRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(CaseStore.columns) FROM case_subscriptions s JOIN cases c ON c.id = s.case_id
                WHERE s.channel = 'line' AND s.address = $1
                ORDER BY c.filed_at DESC, c.id DESC LIMIT $2
                """, [userID, limit]
            ).rows.map(CaseStore.record)
        }
    }

    /// Deletes drafts last changed before `draftsBefore` and handled events' ids older than
    /// `eventsBefore`; returns how many drafts went.
    public func purge(draftsBefore: Date, eventsBefore: Date) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM line_events WHERE handled_at < $1", [eventsBefore])
            return try connection.query(
                "WITH d AS (DELETE FROM line_drafts WHERE updated_at < $1 RETURNING 1) SELECT count(*) FROM d",
                [draftsBefore]
            ).first.map { try $0.int(0) } ?? 0
        }
    }

    /// Serialises the events of one LINE user until the transaction ends.
    static func lock(_ userID: String, connection: Connection) throws {
        try connection.query("SELECT pg_advisory_xact_lock(hashtext('line:' || $1))", [userID])
    }

    /// Records an event as handled; false when it was recorded before.
    @discardableResult
    static func record(_ eventID: String, at now: Date, connection: Connection) throws -> Bool {
        try connection.query(
            "INSERT INTO line_events (event_id, handled_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
            [eventID, now]
        ).first != nil
    }

    static func draft(_ row: Row) throws -> LineDraft {
        guard let step = LineDraft.Step(rawValue: try row.string(0)),
            let language = MessageLanguage(rawValue: try row.string(2))
        else { throw Row.DecodingError(column: 0, expected: "draft step and language", text: row.optionalString(0)) }
        return LineDraft(
            step: step, text: try row.string(1), language: language, latitude: try row.optionalDouble(3),
            longitude: try row.optionalDouble(4), address: row.optionalString(5), filingKey: row.optionalString(6))
    }
}
