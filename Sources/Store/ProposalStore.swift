public import Domain
public import Foundation
public import Postgres

/// Every SQL statement about proposals themselves: proposing, reading, listing, moderation,
/// answers, progress and expiry. Supports are in `ProposalStore+Supports.swift`.
public struct ProposalStore: Sendable {
    let pool: ConnectionPool
    let supportWriter: BatchWriter<SupportItem, SupportResult>

    public init(pool: ConnectionPool) {
        self.pool = pool
        supportWriter = BatchWriter { items in
            try await pool.transaction { try Self.writeSupports(items, connection: $0) }
        }
    }

    /// A proposal about to be stored: everything but its code and secret.
    public struct NewProposal: Sendable {
        public var title: String
        public var text: String
        public var publicTitle: String
        public var publicText: String
        /// The segmented content words of title and text (`SimilarProposals`).
        public var words: [String]
        public var scope: ProposalScope
        public var categoryCode: String
        public var estimatedCost: Int64?
        public var language: MessageLanguage
        public var contact: CaseContact?
        public var subscriptions: [NotificationSubscription]
        public var createdAt: Date

        public init(
            title: String, text: String, publicTitle: String, publicText: String, words: [String], scope: ProposalScope,
            categoryCode: String, estimatedCost: Int64?, language: MessageLanguage, contact: CaseContact?,
            subscriptions: [NotificationSubscription], createdAt: Date
        ) {
            self.title = title
            self.text = text
            self.publicTitle = publicTitle
            self.publicText = publicText
            self.words = words
            self.scope = scope
            self.categoryCode = categoryCode
            self.estimatedCost = estimatedCost
            self.language = language
            self.contact = contact
            self.subscriptions = subscriptions
            self.createdAt = createdAt
        }
    }

    /// What a change to a proposal tells whom, written with the change: the proposer's (and, when
    /// `supporters`, the supporters who asked) subscriptions, and the agencies' webhooks.
    public struct Notices: Sendable {
        public var notices: CaseNotices
        public var supporters: Bool

        public init(_ notices: CaseNotices = .none, supporters: Bool = false) {
            self.notices = notices
            self.supporters = supporters
        }

        public static let none = Notices()
    }

    // MARK: Proposing

    /// Stores a new proposal with its contact, subscriptions and first timeline entry, in one transaction.
    /// A random code that is taken already is replaced by another.
    public func create(_ new: NewProposal, secret: String, makeCode: @Sendable () -> String) async throws -> ProposalRecord {
        for _ in 0..<8 {
            let code = makeCode()
            do {
                let id = try await pool.transaction { connection in
                    let id = Int64(
                        try connection.query(
                            """
                            INSERT INTO proposals (
                                code, secret_hash, title, text, public_title, public_text, words, scope, province_code,
                                district_code, category_code, estimated_cost, language, status, created_at, updated_at)
                            VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12,
                                    $13, 'pending', $14, $14)
                            RETURNING id
                            """,
                            [
                                code, secret, new.title, new.text, new.publicTitle, new.publicText, new.words,
                                new.scope.level.rawValue, new.scope.provinceCode, new.scope.districtCode, new.categoryCode,
                                new.estimatedCost, new.language.rawValue, new.createdAt,
                            ]
                        ).first!.int(0))
                    if let contact = new.contact {
                        try connection.query(
                            """
                            INSERT INTO proposal_contacts (proposal_id, name, phone, email, consent_version, consent_at)
                            VALUES ($1, $2, $3, $4, $5, $6)
                            """, [id, contact.name, contact.phone, contact.email, contact.consentVersion, contact.consentAt])
                    }
                    for subscription in new.subscriptions {
                        try connection.query(
                            """
                            INSERT INTO proposal_subscriptions (proposal_id, channel, address, language, consent_at)
                            VALUES ($1, $2, $3, $4, $5)
                            """,
                            [id, subscription.channel.rawValue, subscription.address, subscription.language.rawValue, new.createdAt])
                    }
                    try Self.addEvent(.proposed, proposalID: id, at: new.createdAt, connection: connection)
                    return id
                }
                return ProposalRecord(
                    id: id, code: code, title: new.title, text: new.text, publicTitle: new.publicTitle,
                    publicText: new.publicText, scope: new.scope, categoryCode: new.categoryCode,
                    estimatedCost: new.estimatedCost, status: .pending, createdAt: new.createdAt)
            } catch let error as PostgresError where error.kind == .uniqueViolation && error.constraint == "proposals_code_key" {
                continue
            }
        }
        throw PostgresError(kind: .other, message: "could not find a free proposal code")
    }

    // MARK: Reading

    /// The columns `record(_:)` reads, in its order.
    static let columns = """
        p.id, p.code, p.title, p.text, p.public_title, p.public_text, p.scope, p.province_code, p.district_code,
        p.category_code, p.estimated_cost, p.status, p.created_at, p.published_at, p.closes_at, p.threshold, p.supports,
        p.flagged_supports, p.rejection, p.rejection_note, (SELECT d.code FROM proposals d WHERE d.id = p.duplicate_of),
        (SELECT c.code FROM cases c WHERE c.id = p.case_id), p.routed_at, p.agency_code, p.answer_due, p.answer,
        p.answer_text, p.answered_at, p.study_until, p.implemented_at, p.budget_project_id,
        (SELECT bp.round_id FROM budget_projects bp WHERE bp.id = p.budget_project_id),
        (SELECT r.name FROM budget_projects bp JOIN budget_rounds r ON r.id = bp.round_id WHERE bp.id = p.budget_project_id)
        """

    /// How many columns `columns` has: a query's own columns follow from this index.
    static let columnCount = 33

    static func record(_ row: Row, offset: Int = 0) throws -> ProposalRecord {
        let o = offset
        return ProposalRecord(
            id: Int64(try row.int(o)), code: try row.string(o + 1), title: try row.string(o + 2),
            text: try row.string(o + 3), publicTitle: try row.string(o + 4), publicText: try row.string(o + 5),
            scope: ProposalScope(
                level: ProposalScopeLevel(rawValue: try row.string(o + 6)) ?? .national,
                provinceCode: row.optionalString(o + 7), districtCode: row.optionalString(o + 8)),
            categoryCode: try row.string(o + 9), estimatedCost: try row.optionalInt(o + 10).map(Int64.init),
            status: ProposalStatus(rawValue: try row.string(o + 11)) ?? .pending, createdAt: try row.date(o + 12),
            publishedAt: try row.optionalDate(o + 13), closesAt: try row.optionalDate(o + 14),
            threshold: try row.optionalInt(o + 15), supports: try row.int(o + 16), flaggedSupports: try row.int(o + 17),
            rejection: row.optionalString(o + 18).flatMap(ProposalRejection.init(rawValue:)),
            rejectionNote: row.optionalString(o + 19), duplicateOfCode: row.optionalString(o + 20),
            caseCode: row.optionalString(o + 21), routedAt: try row.optionalDate(o + 22),
            agencyCode: row.optionalString(o + 23), answerDue: try row.optionalDate(o + 24),
            answer: row.optionalString(o + 25).flatMap(ProposalAnswer.init(rawValue:)),
            answerText: row.optionalString(o + 26), answeredAt: try row.optionalDate(o + 27),
            studyUntil: try row.optionalDate(o + 28), implementedAt: try row.optionalDate(o + 29),
            budget: try row.optionalInt(o + 30).map { project in
                ProposalBudgetLink(
                    projectID: Int64(project), roundID: Int64(try row.int(o + 31)), roundName: try row.string(o + 32))
            })
    }

    /// The proposal with `code`, and whether `secret` is its tracking secret.
    public func find(code: String, secret: String? = nil) async throws -> (record: ProposalRecord, secretMatches: Bool)? {
        try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    "SELECT \(Self.columns), p.secret_hash = sha256(convert_to($2::text, 'UTF8')) FROM proposals p WHERE p.code = $1",
                    [code, secret]
                ).first
            else { return nil }
            let matches = Self.columnCount
            return (try Self.record(row), try row.isNull(matches) ? false : row.bool(matches))
        }
    }

    /// The timeline of proposal `id`, oldest first.
    public func events(proposalID: Int64) async throws -> [ProposalEvent] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT kind, at, note, agency_code FROM proposal_events WHERE proposal_id = $1 ORDER BY id", [proposalID]
            ).rows.map { row in
                ProposalEvent(
                    kind: ProposalEventKind(rawValue: try row.string(0)) ?? .progress, at: try row.date(1),
                    note: row.optionalString(2), agencyCode: row.optionalString(3))
            }
        }
    }

    /// The proposer's contact details, if still held.
    public func contact(proposalID: Int64) async throws -> CaseContact? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT name, phone, email, consent_version, consent_at FROM proposal_contacts WHERE proposal_id = $1",
                [proposalID]
            ).first.map { row in
                CaseContact(
                    name: row.optionalString(0), phone: row.optionalString(1), email: row.optionalString(2),
                    consentVersion: try row.string(3), consentAt: try row.date(4))
            }
        }
    }

    /// Where the proposer asked to hear of the proposal.
    public func proposerSubscriptions(proposalID: Int64) async throws -> [NotificationSubscription] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT channel, address, language FROM proposal_subscriptions
                WHERE proposal_id = $1 AND support_id IS NULL ORDER BY id
                """, [proposalID]
            ).rows.compactMap { row in
                guard let channel = NotificationChannel(rawValue: try row.string(0)) else { return nil }
                return NotificationSubscription(
                    channel: channel, address: try row.string(1), language: MessageLanguage(rawValue: try row.string(2)) ?? .th)
            }
        }
    }

    /// A page of proposals and whether more follow.
    public func list(_ filter: ProposalListFilter) async throws -> (proposals: [ProposalRecord], hasMore: Bool) {
        let order: String
        var statuses = filter.statuses
        switch filter.order {
        case .supports: order = "p.supports DESC, p.id DESC"
        // As the index orders (public proposals all have a publication time).
        case .newest: order = "p.published_at DESC, p.id DESC"
        case .closest:
            statuses = statuses.filter { $0 == .published }
            order = "(p.threshold - p.supports), p.id"
        }
        // The statuses are spelt into the SQL as the partial indexes' predicates are, so the planner
        // can use them; they come from the enum, never from the request.
        let statusList = statuses.isEmpty ? "NULL" : statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let limit = filter.limit
        return try await pool.withConnection(idempotent: true) { connection in
            let rows = try connection.query(
                """
                SELECT \(Self.columns) FROM proposals p
                WHERE p.status IN (\(statusList))
                  AND ($1::text IS NULL OR p.scope = $1)
                  AND ($2::text IS NULL OR p.province_code = $2 OR p.district_code = $2)
                  AND (cardinality($3::text[]) = 0 OR p.category_code = ANY($3))
                  AND ($4::text IS NULL OR p.agency_code = $4)
                  AND (NOT $5 OR (p.agency_code IS NULL AND p.routed_at IS NOT NULL))
                ORDER BY \(order) LIMIT $6 OFFSET $7
                """,
                [
                    filter.scopeLevel?.rawValue, filter.areaCode, filter.categories, filter.agencyCode, filter.unassigned,
                    limit + 1, filter.offset,
                ]
            ).rows.map { try Self.record($0) }
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// Public proposals sharing the most of `words`, with how many they share.
    public func similar(words: [String], limit: Int) async throws -> [(record: ProposalRecord, shared: Int)] {
        guard !words.isEmpty else { return [] }
        return try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(Self.columns), s.shared FROM proposals p
                CROSS JOIN LATERAL (SELECT count(*) AS shared FROM unnest(p.words) w WHERE w = ANY($1::text[])) s
                WHERE p.words && $1::text[] AND p.status IN ('published', 'routed', 'answered', 'implemented')
                ORDER BY s.shared DESC, p.supports DESC, p.id DESC LIMIT $2
                """, [words, limit]
            ).rows.map { (try Self.record($0), try $0.int(Self.columnCount)) }
        }
    }

    // MARK: Moderation

    /// Proposals waiting for a moderator, oldest first.
    /// - Parameter area: only proposals scoped to this province or district (or a district within it).
    public func pending(limit: Int, within area: String? = nil) async throws -> [ProposalRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM proposals p WHERE p.status = 'pending' AND \(Self.withinArea)
                ORDER BY p.created_at, p.id LIMIT $1
                """, [limit, area]
            ).rows.map { try Self.record($0) }
        }
    }

    /// A proposal's scope lies within the province or district `$2` (any scope when `$2` is null):
    /// area codes nest by prefix (district 1103 lies in province 11).
    static let withinArea = "($2::text IS NULL OR starts_with(COALESCE(p.district_code, p.province_code), $2))"

    /// The refusal of a change the proposal's status does not allow.
    public static func wrongStatus(_ status: ProposalStatus, allowed: [ProposalStatus]) -> DomainError {
        DomainError(
            .conflict, code: "invalid_proposal_status",
            th: "ทำไม่ได้ในสถานะปัจจุบัน (\(status.rawValue)); ทำได้เมื่อสถานะเป็น \(allowed.map(\.rawValue).joined(separator: ", "))",
            en: "Not possible in status \(status.rawValue); possible in \(allowed.map(\.rawValue).joined(separator: ", ")).")
    }

    /// Applies a change to the proposal with `code` under its row lock: `change` sees the proposal as
    /// it is and says what to set (or throws), and the store writes it, its timeline entry and its
    /// messages in the same transaction.
    public func change(
        code: String, at now: Date, _ change: @escaping @Sendable (ProposalRecord) throws -> Change
    ) async throws -> ProposalRecord {
        try await pool.transaction { connection in
            guard let row = try connection.query("SELECT \(Self.columns) FROM proposals p WHERE p.code = $1 FOR UPDATE", [code]).first
            else { throw DomainError.proposalNotFound }
            let current = try Self.record(row)
            let wanted = try change(current)
            try Self.apply(wanted, to: current.id, at: now, connection: connection)
            let after = try Self.record(
                try connection.query("SELECT \(Self.columns) FROM proposals p WHERE p.id = $1", [current.id]).first!)
            try Self.enqueue(wanted.notices(after), proposalID: after.id, at: now, connection: connection)
            if after.status == .expired || after.status == .implemented || after.status == .rejected
                || (after.status == .answered && after.answer == .declined)
            {
                // Nothing more will be said about it: the addresses kept to say it go (PDPA).
                try connection.query(
                    "DELETE FROM proposal_subscriptions WHERE proposal_id = $1 AND support_id IS NOT NULL", [after.id])
            }
            return after
        }
    }

    /// What a change sets (nil: unchanged) and records.
    public struct Change: Sendable {
        public var status: ProposalStatus?
        public var publishedAt: Date?
        public var closesAt: Date?
        public var threshold: Int?
        public var moderatedBy: Int64?
        public var rejection: ProposalRejection?
        public var rejectionNote: String?
        public var duplicateOfCode: String?
        public var caseID: Int64?
        /// For a converted proposal: the case is given the proposal's secret, so one secret follows both.
        public var caseTakesSecret = false
        public var agencyCode: String?
        public var answer: ProposalAnswer?
        public var answerText: String?
        public var answeredAt: Date?
        public var studyUntil: Date?
        public var implementedAt: Date?
        public var event: ProposalEventKind
        public var eventNote: String?
        public var eventAgency: String?
        public var staffID: Int64?
        /// The messages, given the proposal as it is after the change.
        public var notices: @Sendable (ProposalRecord) -> Notices = { _ in .none }

        public init(event: ProposalEventKind) {
            self.event = event
        }
    }

    static func apply(_ change: Change, to id: Int64, at now: Date, connection: Connection) throws {
        let duplicateID: Int64?
        if let duplicate = change.duplicateOfCode {
            guard
                let row = try connection.query(
                    "SELECT id FROM proposals WHERE code = $1 AND id <> $2 AND status <> 'pending' AND status <> 'rejected'",
                    [duplicate, id]
                ).first
            else {
                throw DomainError.invalid(
                    "invalid_duplicate", th: "ไม่พบข้อเสนอที่ซ้ำกันตามรหัสที่ระบุ",
                    en: "\"duplicate_of\" must be the code of another published proposal.")
            }
            duplicateID = Int64(try row.int(0))
        } else {
            duplicateID = nil
        }
        try connection.query(
            """
            UPDATE proposals SET
                status = COALESCE($2, status), published_at = COALESCE($3, published_at),
                closes_at = COALESCE($4, closes_at), threshold = COALESCE($5, threshold),
                moderated_by = COALESCE($6, moderated_by), moderated_at = CASE WHEN $6::bigint IS NULL THEN moderated_at ELSE $16 END,
                rejection = COALESCE($7, rejection), rejection_note = COALESCE($8, rejection_note),
                duplicate_of = COALESCE($9, duplicate_of), case_id = COALESCE($10, case_id),
                agency_code = COALESCE($11, agency_code), answer = COALESCE($12, answer),
                answer_text = COALESCE($13, answer_text), answered_at = COALESCE($14, answered_at),
                first_answered_at = COALESCE(first_answered_at, $14),
                study_until = CASE WHEN $12::text IS NULL THEN study_until ELSE $15 END,
                implemented_at = COALESCE($17, implemented_at),
                expired_at = CASE WHEN $2 = 'expired' THEN $16 ELSE expired_at END,
                updated_at = $16
            WHERE id = $1
            """,
            [
                id, change.status?.rawValue, change.publishedAt, change.closesAt, change.threshold, change.moderatedBy,
                change.rejection?.rawValue, change.rejectionNote, duplicateID, change.caseID, change.agencyCode,
                change.answer?.rawValue, change.answerText, change.answeredAt, change.studyUntil, now,
                change.implementedAt,
            ])
        if change.caseTakesSecret, let caseID = change.caseID {
            try connection.query(
                "UPDATE cases SET secret_hash = (SELECT secret_hash FROM proposals WHERE id = $1) WHERE id = $2",
                [id, caseID])
            // The contact moved to the case (kept and erased by the case's rules); no second copy stays.
            try connection.query("DELETE FROM proposal_contacts WHERE proposal_id = $1", [id])
            try connection.query("DELETE FROM proposal_subscriptions WHERE proposal_id = $1", [id])
        }
        try addEvent(
            change.event, proposalID: id, at: now, note: change.eventNote, agencyCode: change.eventAgency,
            staffID: change.staffID, connection: connection)
        if change.event == .progress || change.event == .implemented {
            // A budget winner's progress is told on its project too: one story, two pages.
            try BudgetStore.followOnProject(
                proposalID: id, implemented: change.event == .implemented, note: change.eventNote ?? "",
                staffID: change.staffID, at: now, connection: connection)
        }
    }

    static func addEvent(
        _ kind: ProposalEventKind, proposalID: Int64, at now: Date, note: String? = nil, agencyCode: String? = nil,
        staffID: Int64? = nil, connection: Connection
    ) throws {
        try connection.query(
            "INSERT INTO proposal_events (proposal_id, at, kind, note, agency_code, staff_id) VALUES ($1, $2, $3, $4, $5, $6)",
            [proposalID, now, kind.rawValue, note, agencyCode, staffID])
    }

    /// Writes `notices` about proposal `proposalID` to the outbox: the proposer's subscriptions (and the
    /// supporters' who asked, when `supporters`) in their languages, and the agencies' active webhooks.
    static func enqueue(_ notices: Notices, proposalID: Int64, at now: Date, connection: Connection) throws {
        if let citizen = notices.notices.citizen {
            try connection.query(
                """
                INSERT INTO outbox (
                    created_at, event, channel, recipient, proposal_id, subject, body, next_attempt_at, retry_window_from)
                SELECT $1, $2, s.channel, s.address, s.proposal_id,
                       CASE s.language WHEN 'en' THEN $5 ELSE $3 END, CASE s.language WHEN 'en' THEN $6 ELSE $4 END, $1, $1
                FROM proposal_subscriptions s WHERE s.proposal_id = $7 AND ($8 OR s.support_id IS NULL) ORDER BY s.id
                """,
                [
                    now, citizen.event.rawValue, citizen.th.subject, citizen.th.body, citizen.en.subject, citizen.en.body,
                    proposalID, notices.supporters,
                ])
        }
        if let agencyEvent = notices.notices.agencyEvent, !notices.notices.agencies.isEmpty {
            try connection.query(
                """
                INSERT INTO outbox (
                    created_at, event, channel, recipient, proposal_id, agency_code, body, next_attempt_at, retry_window_from)
                SELECT $1, $2, 'webhook', w.id::text, $3, w.agency_code, $4, $1, $1
                FROM agency_webhooks w WHERE w.agency_code = ANY($5) AND w.active ORDER BY w.id
                """, [now, agencyEvent.event.rawValue, proposalID, agencyEvent.payload, notices.notices.agencies])
        }
    }

    // MARK: Upkeep

    /// Closes, as expired, up to `limit` published proposals whose support period ended before `now`
    /// under their threshold; returns how many. Each is locked as a support would lock it, so a support
    /// racing the expiry is either counted before it or refused after it.
    public func expire(at now: Date, limit: Int = 500) async throws -> Int {
        try await pool.transaction { connection in
            let ids = try connection.query(
                """
                WITH due AS (
                    SELECT id FROM proposals WHERE status = 'published' AND closes_at <= $1
                    ORDER BY closes_at LIMIT $2 FOR UPDATE SKIP LOCKED
                )
                UPDATE proposals p SET status = 'expired', expired_at = $1, updated_at = $1
                FROM due WHERE p.id = due.id RETURNING p.id
                """, [now, limit]
            ).rows.map { Int64(try $0.int(0)) }
            guard !ids.isEmpty else { return 0 }
            try connection.query(
                "INSERT INTO proposal_events (proposal_id, at, kind) SELECT unnest($1::bigint[]), $2, 'expired'", [ids, now])
            try connection.query(
                "DELETE FROM proposal_subscriptions WHERE proposal_id = ANY($1::bigint[]) AND support_id IS NOT NULL", [ids])
            return ids.count
        }
    }

    /// Erases the proposer's contact details and subscriptions of proposals finished before `cutoff`
    /// (PDPA retention, as for cases); returns how many proposals had some.
    public func purgeContacts(finishedBefore cutoff: Date) async throws -> Int {
        try await pool.transaction { connection in
            let ids = try connection.query(
                """
                DELETE FROM proposal_contacts c USING proposals p
                WHERE p.id = c.proposal_id AND p.updated_at < $1
                  AND (p.status IN ('rejected', 'expired', 'implemented') OR (p.status = 'answered' AND p.answer = 'declined'))
                RETURNING c.proposal_id
                """, [cutoff]
            ).rows.map { Int64(try $0.int(0)) }
            if !ids.isEmpty {
                try connection.query("DELETE FROM proposal_subscriptions WHERE proposal_id = ANY($1::bigint[])", [ids])
            }
            return ids.count
        }
    }
}
