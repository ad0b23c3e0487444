public import Domain
public import Foundation
public import Postgres

/// Every SQL statement about cases: filing, reading, timelines, contacts, changes and listings.
public struct CaseStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    // MARK: Filing

    /// Stores a new case with its contact, its first timeline entries and its idempotency key,
    /// all in one statement (so one round trip, atomic without an explicit transaction).
    ///
    /// A retry with the same idempotency key returns the case the first request created (with
    /// its secret); the same key with a different request is refused. A tracking code that
    /// happens to exist already is replaced by a new one.
    /// - Parameter makeCode: makes a fresh random tracking code.
    /// - Throws: `DomainError` `idempotency_key_reused`; `PostgresError` on database failure.
    public func file(
        _ new: NewCase, secret: String, idempotency: IdempotencyKey?, makeCode: @escaping @Sendable () -> String
    ) async throws -> FiledCase {
        if let idempotency, let replay = try await replay(idempotency) { return replay }
        for _ in 0..<8 {
            let code = makeCode()
            do {
                let inserted = try await pool.withConnection { connection in
                    try Self.insert(new, code: code, secret: secret, idempotency: idempotency, connection: connection)
                }
                if let inserted { return FiledCase(record: inserted, secret: secret, isReplay: false) }
            } catch let error as PostgresError
                where error.kind == .uniqueViolation && error.constraint == "idempotency_keys_pkey"
            {
                // Another request with this key committed first: answer with its case.
                if let idempotency, let replay = try await replay(idempotency) { return replay }
                throw error
            }
        }
        throw PostgresError(kind: .other, message: "could not find a free tracking code")
    }

    private func replay(_ idempotency: IdempotencyKey) async throws -> FiledCase? {
        let found = try await pool.withConnection(idempotent: true) { connection -> (CaseRecord, String, Bool)? in
            let result = try connection.query(
                """
                SELECT \(Self.columns), k.response_secret,
                       k.request_hash = sha256(convert_to($2, 'UTF8'))
                FROM idempotency_keys k JOIN cases c ON c.id = k.case_id
                WHERE k.key = $1
                """, [idempotency.key, idempotency.requestFingerprint])
            guard let row = result.first else { return nil }
            return (try Self.record(row), try row.string(Self.columnCount), try row.bool(Self.columnCount + 1))
        }
        guard let (record, secret, sameRequest) = found else { return nil }
        guard sameRequest else {
            throw DomainError(
                .conflict, code: "idempotency_key_reused",
                th: "Idempotency-Key นี้ถูกใช้กับคำขออื่นไปแล้ว กรุณาใช้คีย์ใหม่สำหรับเรื่องใหม่",
                en: "This Idempotency-Key was already used for a different request; use a new key for a new case.")
        }
        return FiledCase(record: record, secret: secret, isReplay: true)
    }

    private static func insert(
        _ new: NewCase, code: String, secret: String, idempotency: IdempotencyKey?, connection: Connection
    ) throws -> CaseRecord? {
        let events = new.events
        let parameters: [any PostgresEncodable] = [
            code, secret, new.kind.rawValue, new.channel, new.title, new.text, new.publicTitle, new.publicText,
            new.isPublic, new.anonymous, new.status.rawValue, new.area.provinceCode, new.area.districtCode,
            new.area.subdistrictCode, new.areaSource, new.latitude, new.longitude, new.address, new.predictedCategory,
            new.predictedConfidence, new.categoryCode, new.agencyCode, new.filedAt, new.due.acknowledge,
            new.due.firstAnswer, new.due.resolution,
            // $27–$31: contact
            new.contact?.name, new.contact?.phone, new.contact?.email, new.contact?.consentVersion, new.contact?.consentAt,
            // $32–$38: events
            events.map(\.kind), events.map { $0.kind == "filed" ? "citizen" : "system" }, events.map(\.fromStatus?.rawValue),
            events.map(\.toStatus?.rawValue), events.map(\.agencyCode), events.map(\.categoryCode), events.map(\.note),
            // $39–$40: idempotency
            idempotency?.key, idempotency?.requestFingerprint,
        ]
        let result = try connection.query(
            """
            WITH c AS (
                INSERT INTO cases (
                    code, secret_hash, kind, channel, title, text, public_title, public_text, is_public, anonymous,
                    status, province_code, district_code, subdistrict_code, area_source, latitude, longitude, address,
                    predicted_category, predicted_confidence, category_code, agency_code, filed_at,
                    acknowledge_due, first_answer_due, resolution_due, updated_at)
                VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                        $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $23)
                ON CONFLICT (code) DO NOTHING
                RETURNING *
            ), contact AS (
                INSERT INTO case_contacts (case_id, name, phone, email, consent_version, consent_at)
                SELECT id, $27, $28, $29, $30, $31 FROM c WHERE $30::text IS NOT NULL
            ), events AS (
                INSERT INTO case_events (case_id, at, kind, actor_kind, from_status, to_status, agency_code,
                                         category_code, note)
                SELECT c.id, $23, e.kind, e.actor, e.from_status, e.to_status, e.agency, e.category, e.note
                FROM c, unnest($32::text[], $33::text[], $34::text[], $35::text[], $36::text[], $37::text[], $38::text[])
                     WITH ORDINALITY AS e (kind, actor, from_status, to_status, agency, category, note, n)
                ORDER BY e.n
            ), key AS (
                INSERT INTO idempotency_keys (key, request_hash, case_id, response_secret)
                SELECT $39, sha256(convert_to($40, 'UTF8')), c.id, $2 FROM c WHERE $39::text IS NOT NULL
            )
            SELECT \(Self.columns) FROM c
            """, parameters)
        return try result.first.map(Self.record)
    }

    // MARK: Reading

    /// The case with `code`, and whether `secret` is its tracking secret.
    public func find(code: String, secret: String?) async throws -> (record: CaseRecord, secretMatches: Bool)? {
        try await pool.withConnection(idempotent: true) { connection in
            let result = try connection.query(
                """
                SELECT \(Self.columns), $2::text IS NOT NULL AND c.secret_hash = sha256(convert_to($2, 'UTF8'))
                FROM cases c WHERE c.code = $1
                """, [code, secret])
            guard let row = result.first else { return nil }
            return (try Self.record(row), try row.bool(Self.columnCount))
        }
    }

    /// The case with `code` and its timeline, read together.
    public func findWithTimeline(code: String, secret: String?) async throws -> (
        record: CaseRecord, secretMatches: Bool, events: [CaseEvent]
    )? {
        try await pool.withConnection(idempotent: true) { connection in
            let result = try connection.query(
                """
                SELECT \(Self.columns), $2::text IS NOT NULL AND c.secret_hash = sha256(convert_to($2, 'UTF8'))
                FROM cases c WHERE c.code = $1
                """, [code, secret])
            guard let row = result.first else { return nil }
            let record = try Self.record(row)
            return (record, try row.bool(Self.columnCount), try Self.events(caseID: record.id, connection: connection))
        }
    }

    /// The timeline of a case, oldest first.
    public func events(caseID: Int64) async throws -> [CaseEvent] {
        try await pool.withConnection(idempotent: true) { try Self.events(caseID: caseID, connection: $0) }
    }

    static func events(caseID: Int64, connection: Connection) throws -> [CaseEvent] {
        try connection.query(
            """
            SELECT id, at, kind, actor_kind, actor_id, actor_agency, from_status, to_status, agency_code,
                   category_code, note, is_internal
            FROM case_events WHERE case_id = $1 ORDER BY id
            """, [caseID]
        ).rows.map { row in
            CaseEvent(
                id: Int64(try row.int(0)), at: try row.date(1), kind: try row.string(2), actorKind: try row.string(3),
                actorID: try row.optionalInt(4).map(Int64.init), actorAgency: row.optionalString(5),
                fromStatus: row.optionalString(6).flatMap(CaseStatus.init(rawValue:)),
                toStatus: row.optionalString(7).flatMap(CaseStatus.init(rawValue:)), agencyCode: row.optionalString(8),
                categoryCode: row.optionalString(9), note: row.optionalString(10), isInternal: try row.bool(11))
        }
    }

    /// The citizen's contact details, recording who read them, when and why (PDPA).
    public func readContact(caseID: Int64, staffID: Int64, reason: String) async throws -> CaseContact? {
        try await pool.transaction { connection in
            let result = try connection.query(
                "SELECT name, phone, email, consent_version, consent_at FROM case_contacts WHERE case_id = $1", [caseID])
            guard let row = result.first else { return nil }
            try connection.query(
                "INSERT INTO contact_reads (case_id, staff_id, reason) VALUES ($1, $2, $3)", [caseID, staffID, reason])
            return CaseContact(
                name: row.optionalString(0), phone: row.optionalString(1), email: row.optionalString(2),
                consentVersion: try row.string(3), consentAt: try row.date(4))
        }
    }

    /// Who read the contact details of a case: (staff name, agency, when, why), oldest first.
    public func contactReads(caseID: Int64) async throws -> [(staff: String, agency: String?, at: Date, reason: String)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT s.name, s.agency_code, r.at, r.reason
                FROM contact_reads r JOIN staff s ON s.id = r.staff_id
                WHERE r.case_id = $1 ORDER BY r.id
                """, [caseID]
            ).rows.map { (try $0.string(0), $0.optionalString(1), try $0.date(2), try $0.string(3)) }
        }
    }

    // MARK: Changing

    /// A decided change to a case: its next state, deadlines and the timeline entry.
    public struct Change: Sendable {
        public var state: CaseState
        public var due: DueDates
        public var entry: TimelineEntry

        public init(state: CaseState, due: DueDates, entry: TimelineEntry) {
            self.state = state
            self.due = due
            self.entry = entry
        }
    }

    /// What a change is decided from.
    public struct ChangeContext: Sendable {
        public var current: CaseRecord
        /// The case `relatedCode` named (the target of a merge), if it exists.
        public var related: CaseRecord?
        /// Whether the secret given proves the caller filed the case.
        public var secretMatches: Bool
    }

    /// Locks the case with `code`, asks `decide` what to do with it, and saves the answer with
    /// its timeline entry.
    ///
    /// `decide` holds the rules (access, lifecycle, deadlines); this only loads and saves, in
    /// one transaction, so two people acting on a case at once are applied one after the other.
    /// - Throws: whatever `decide` throws (a `DomainError`), or `DomainError.caseNotFound`.
    public func change(
        code: String, relatedCode: String? = nil, secret: String? = nil, actor: Actor,
        decide: @escaping @Sendable (ChangeContext) throws -> Change
    ) async throws -> CaseRecord {
        try await pool.transaction { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT \(Self.columns), $2::text IS NOT NULL AND c.secret_hash = sha256(convert_to($2, 'UTF8'))
                    FROM cases c WHERE c.code = $1 FOR UPDATE
                    """, [code, secret]
                ).first
            else { throw DomainError.caseNotFound }
            let current = try Self.record(row)
            var related: CaseRecord?
            if let relatedCode, relatedCode != code {
                related = try connection.query(
                    "SELECT \(Self.columns) FROM cases c WHERE c.code = $1 FOR SHARE", [relatedCode]
                ).first.map(Self.record)
            }
            let change = try decide(
                ChangeContext(current: current, related: related, secretMatches: try row.bool(Self.columnCount)))
            return try Self.save(change, of: current, actor: actor, connection: connection)
        }
    }

    static func save(_ change: Change, of current: CaseRecord, actor: Actor, connection: Connection) throws -> CaseRecord {
        let state = change.state
        let entry = change.entry
        var actorID: Int64?
        var actorAgency: String?
        if case .staff(let staff) = actor {
            actorID = staff.id
            actorAgency = staff.agencyCode
        }
        let now = Date()
        let result = try connection.query(
            """
            WITH u AS (
                UPDATE cases SET status = $2, agency_code = $3, category_code = $4, acknowledged_at = $5,
                    first_answered_at = $6, resolved_at = $7, closed_at = $8, transfer_count = $9, reopen_count = $10,
                    previous_agencies = $11, merged_into = $12, rejection_reason = $13, resolution = $14, rating = $15,
                    rating_comment = $16, rated_at = $17, acknowledge_due = $18, first_answer_due = $19,
                    resolution_due = $20, updated_at = $21
                WHERE id = $1
                RETURNING *
            ), e AS (
                INSERT INTO case_events (case_id, at, kind, actor_kind, actor_id, actor_agency, from_status, to_status,
                                         agency_code, category_code, note, is_internal)
                SELECT id, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31 FROM u
            )
            SELECT \(Self.columns) FROM u c
            """,
            [
                current.id, state.status.rawValue, state.agencyCode, state.categoryCode, state.acknowledgedAt,
                state.firstAnsweredAt, state.resolvedAt, state.closedAt, state.transferCount, state.reopenCount,
                state.previousAgencies, state.mergedInto, state.rejectionReason?.rawValue, state.resolution, state.rating,
                state.ratingComment, state.ratedAt, change.due.acknowledge, change.due.firstAnswer, change.due.resolution,
                now, entry.kind, actor.kind, actorID, actorAgency, entry.fromStatus?.rawValue, entry.toStatus?.rawValue,
                entry.agencyCode, entry.categoryCode, entry.note, entry.isInternal,
            ])
        guard let row = result.first else { throw DomainError.caseNotFound }
        return try Self.record(row)
    }

    /// Closes resolved cases whose appeal window ended before `cutoff`, in batches; returns how many.
    ///
    /// Done in SQL, not case by case, because it runs over every case periodically; the rule is
    /// the lifecycle's (a resolved case closes when its reopen window has passed).
    public func closeResolved(before cutoff: Date, at now: Date, batch: Int = 500) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query(
                """
                WITH due AS (
                    SELECT id FROM cases WHERE status = 'resolved' AND resolved_at < $1
                    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED
                ), u AS (
                    UPDATE cases SET status = 'closed', closed_at = $2, updated_at = $2 FROM due
                    WHERE cases.id = due.id RETURNING cases.id
                ), e AS (
                    INSERT INTO case_events (case_id, at, kind, actor_kind, from_status, to_status)
                    SELECT id, $2, 'closed', 'system', 'resolved', 'closed' FROM u
                )
                SELECT count(*) FROM u
                """, [cutoff, now, batch]
            ).first?.int(0) ?? 0
        }
    }

    /// Forgets idempotency keys (and the secrets kept for replays) older than `cutoff`.
    public func purgeIdempotencyKeys(before cutoff: Date) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM idempotency_keys WHERE created_at < $1", [cutoff]).affectedRows
        }
    }

    // MARK: Listing

    /// Filters of an agency's case list.
    public struct ListFilter: Sendable {
        /// Only cases of this agency (an officer's own); nil for the triage desk and administrators.
        public var agencyCode: String?
        public var statuses: [CaseStatus]?
        public var categories: [String]?
        /// A province, district or subdistrict code.
        public var areaCode: String?
        public var filedFrom: Date?
        public var filedBefore: Date?
        public var overdue: Bool?
        /// Keyset cursor: the (filed_at, id) of the last case of the previous page.
        public var after: (filedAt: Date, id: Int64)?
        public var limit: Int

        public init(
            agencyCode: String?, statuses: [CaseStatus]? = nil, categories: [String]? = nil, areaCode: String? = nil,
            filedFrom: Date? = nil, filedBefore: Date? = nil, overdue: Bool? = nil, after: (filedAt: Date, id: Int64)? = nil,
            limit: Int = 50
        ) {
            self.agencyCode = agencyCode
            self.statuses = statuses
            self.categories = categories
            self.areaCode = areaCode
            self.filedFrom = filedFrom
            self.filedBefore = filedBefore
            self.overdue = overdue
            self.after = after
            self.limit = limit
        }
    }

    /// One page of cases, newest first, and whether more follow.
    public func list(_ filter: ListFilter, at now: Date) async throws -> (cases: [CaseRecord], hasMore: Bool) {
        try await pool.withConnection(idempotent: true) { connection in
            let rows = try connection.query(
                """
                SELECT \(Self.columns) FROM cases c
                WHERE ($1::text IS NULL OR c.agency_code = $1)
                  AND ($2::text[] IS NULL OR c.status = ANY($2))
                  AND ($3::text[] IS NULL OR c.category_code = ANY($3))
                  AND ($4::text IS NULL OR $4 IN (c.province_code, c.district_code, c.subdistrict_code))
                  AND ($5::timestamptz IS NULL OR c.filed_at >= $5)
                  AND ($6::timestamptz IS NULL OR c.filed_at < $6)
                  AND ($7::boolean IS NULL OR \(Self.overdueExpression("$8")) = $7)
                  AND ($9::timestamptz IS NULL OR (c.filed_at, c.id) < ($9, $10))
                ORDER BY c.filed_at DESC, c.id DESC
                LIMIT $11
                """,
                [
                    filter.agencyCode, filter.statuses?.map(\.rawValue), filter.categories, filter.areaCode, filter.filedFrom,
                    filter.filedBefore, filter.overdue, now, filter.after?.filedAt, filter.after?.id ?? 0, filter.limit + 1,
                ]
            ).rows.map(Self.record)
            return (Array(rows.prefix(filter.limit)), rows.count > filter.limit)
        }
    }

    /// Whether a case is overdue, in SQL (mirrors `DueDates.isOverdue`), at the time in parameter `now`.
    static func overdueExpression(_ now: String) -> String {
        """
        (c.status IN ('received', 'triage', 'assigned', 'accepted', 'in_progress') AND (
            (c.acknowledged_at IS NULL AND \(now) > c.acknowledge_due)
            OR (c.first_answered_at IS NULL AND \(now) > c.first_answer_due)
            OR \(now) > c.resolution_due))
        """
    }

    // MARK: Rows

    static let columns = """
        c.id, c.code, c.kind, c.channel, c.title, c.text, c.public_title, c.public_text, c.is_public, c.anonymous,
        c.province_code, c.district_code, c.subdistrict_code, c.area_source, c.latitude, c.longitude, c.address,
        c.predicted_category, c.predicted_confidence, c.status, c.agency_code, c.category_code,
        c.acknowledged_at, c.first_answered_at, c.resolved_at, c.closed_at, c.transfer_count, c.reopen_count,
        c.previous_agencies, c.merged_into, c.rejection_reason, c.resolution, c.rating, c.rating_comment, c.rated_at,
        c.filed_at, c.acknowledge_due, c.first_answer_due, c.resolution_due, c.updated_at
        """
    static let columnCount = 40

    static func record(_ row: Row) throws -> CaseRecord {
        guard let kind = CaseKind(rawValue: try row.string(2)), let status = CaseStatus(rawValue: try row.string(19)) else {
            throw Row.DecodingError(column: 2, expected: "case kind and status", text: row.optionalString(2))
        }
        let state = CaseState(
            status: status, agencyCode: row.optionalString(20), categoryCode: try row.string(21),
            acknowledgedAt: try row.optionalDate(22), firstAnsweredAt: try row.optionalDate(23),
            resolvedAt: try row.optionalDate(24), closedAt: try row.optionalDate(25), transferCount: try row.int(26),
            reopenCount: try row.int(27), previousAgencies: try row.stringArray(28), mergedInto: row.optionalString(29),
            rejectionReason: row.optionalString(30).flatMap(RejectionReason.init(rawValue:)),
            resolution: row.optionalString(31), rating: try row.optionalInt(32), ratingComment: row.optionalString(33),
            ratedAt: try row.optionalDate(34))
        return CaseRecord(
            id: Int64(try row.int(0)), code: try row.string(1), kind: kind, channel: try row.string(3),
            title: row.optionalString(4), text: try row.string(5), publicTitle: row.optionalString(6),
            publicText: try row.string(7), isPublic: try row.bool(8), anonymous: try row.bool(9),
            area: CaseArea(
                provinceCode: row.optionalString(10), districtCode: row.optionalString(11),
                subdistrictCode: row.optionalString(12)),
            areaSource: try row.string(13), latitude: try row.optionalDouble(14), longitude: try row.optionalDouble(15),
            address: row.optionalString(16), predictedCategory: row.optionalString(17),
            predictedConfidence: try row.optionalDouble(18), state: state, filedAt: try row.date(35),
            due: DueDates(acknowledge: try row.date(36), firstAnswer: try row.date(37), resolution: try row.date(38)),
            updatedAt: try row.date(39))
    }
}
