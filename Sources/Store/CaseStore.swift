public import Domain
public import Foundation
public import Postgres

/// Every SQL statement about cases: filing, reading, timelines, contacts, changes and listings.
public struct CaseStore: Sendable {
    let pool: ConnectionPool
    private let writer: FilingWriter
    let cache: CaseCache

    /// - Parameter cacheLifetime: how long tracking reads may be answered from memory (see
    ///   `CaseCache`); zero reads every case from the database.
    public init(pool: ConnectionPool, cacheLifetime: Duration = .zero) {
        self.pool = pool
        self.writer = FilingWriter(pool: pool)
        self.cache = CaseCache(lifetime: cacheLifetime)
    }

    // MARK: Filing

    /// Stores a new case with its contact, its first timeline entries and its idempotency key,
    /// all in one statement (so one round trip, atomic without an explicit transaction).
    ///
    /// A retry with the same idempotency key returns the case the first request created (with
    /// its secret); the same key with a different request is refused. A tracking code that
    /// happens to exist already is replaced by a new one.
    /// - Parameters:
    ///   - makeCode: makes a fresh random tracking code.
    ///   - notices: what the filing tells whom, written to the outbox with the case; given the case
    ///     as it will be stored, since the messages name its tracking code.
    /// - Throws: `DomainError` `idempotency_key_reused`; `PostgresError` on database failure.
    ///   - photos: the citizen's photos, stored in the case's own transaction: a filing with photos is
    ///     acknowledged with all of them or not at all. Such filings are written one at a time, not batched.
    public func file(
        _ new: NewCase, secret: String, idempotency: IdempotencyKey?, makeCode: @escaping @Sendable () -> String,
        notices: @Sendable (CaseRecord) -> CaseNotices = { _ in .none }, photos: [PhotoStore.NewPhoto] = []
    ) async throws -> FiledCase {
        // A new key is the common case, so insert first: a key seen before makes the insert fail
        // with a unique violation (nothing is stored), and the earlier case is answered instead.
        var new = new
        for _ in 0..<8 {
            let code = makeCode()
            new.notices = notices(new.record(id: 0, code: code))
            do {
                let item = FilingWriter.Item(new: new, code: code, secret: secret, idempotency: idempotency)
                let id: Int64
                if photos.isEmpty {
                    id = try await writer.insert(item)
                } else {
                    id = try await pool.transaction { [new] connection in
                        let id = try FilingWriter.insert([item], connection: connection)[0]
                        try PhotoStore.insert(photos, caseID: id, uploader: .citizen, staffID: nil, at: new.filedAt, connection: connection)
                        return id
                    }
                }
                let record = new.record(id: id, code: code)
                return FiledCase(record: record, secret: secret, isReplay: false)
            } catch let error as PostgresError where error.kind == .uniqueViolation && error.constraint == "idempotency_keys_pkey" {
                // Another request with this key committed first: answer with its case.
                if let idempotency, let replay = try await replay(idempotency) { return replay }
                throw error
            } catch let error as PostgresError where error.kind == .uniqueViolation && error.constraint == "cases_code_key" {
                continue  // the random code is taken: draw another
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

    /// The case with `code` and its timeline, read together in one round trip.
    public func findWithTimeline(code: String, secret: String?) async throws -> (
        record: CaseRecord, secretMatches: Bool, events: [CaseEvent]
    )? {
        if let cached = cache.entry(code) {
            return (cached.record, CaseCache.matches(secret, hash: cached.secretHash), cached.events)
        }
        let generation = cache.generation
        guard
            let found = try await pool.withConnection(idempotent: true, { connection in
                try Self.readWithTimeline(code: code, connection: connection)
            })
        else { return nil }
        cache.store(found.record, events: found.events, secretHash: found.secretHash, readAt: generation)
        return (found.record, CaseCache.matches(secret, hash: found.secretHash), found.events)
    }

    static func readWithTimeline(code: String, connection: Connection) throws -> (
        record: CaseRecord, secretHash: [UInt8], events: [CaseEvent]
    )? {
            let result = try connection.query(
                """
                SELECT \(Self.columns), c.secret_hash,
                       e.ids, e.ats, e.kinds, e.actors, e.actor_ids, e.actor_agencies, e.froms, e.tos, e.agencies,
                       e.categories, e.notes, e.internal
                FROM cases c
                CROSS JOIN LATERAL (
                    SELECT array_agg(id ORDER BY id) AS ids, array_agg(at ORDER BY id) AS ats,
                           array_agg(kind ORDER BY id) AS kinds, array_agg(actor_kind ORDER BY id) AS actors,
                           array_agg(actor_id ORDER BY id) AS actor_ids, array_agg(actor_agency ORDER BY id) AS actor_agencies,
                           array_agg(from_status ORDER BY id) AS froms, array_agg(to_status ORDER BY id) AS tos,
                           array_agg(agency_code ORDER BY id) AS agencies, array_agg(category_code ORDER BY id) AS categories,
                           array_agg(note ORDER BY id) AS notes, array_agg(is_internal ORDER BY id) AS internal
                    FROM case_events WHERE case_id = c.id
                ) e
                WHERE c.code = $1
                """, [code])
            guard let row = result.first else { return nil }
            return (
                try Self.record(row), try row.bytes(Self.columnCount),
                try Self.events(inArrays: row, from: Self.columnCount + 1)
            )
    }

    /// Timeline entries from the parallel arrays `findWithTimeline` selects, starting at column `first`.
    static func events(inArrays row: Row, from first: Int) throws -> [CaseEvent] {
        guard !row.isNull(first) else { return [] }
        let columns = try (first..<(first + 12)).map { try row.arrayWithNulls($0) }
        return try columns[0].indices.map { index in
            func value(_ column: Int) -> String? { columns[column][index] }
            guard let id = value(0).flatMap(Int64.init), let at = value(1).flatMap(PostgresTimestamp.parse),
                let kind = value(2).flatMap(TimelineKind.init(rawValue:)), let actor = value(3).flatMap(ActorKind.init(rawValue:))
            else { throw Row.DecodingError(column: first, expected: "timeline entry", text: value(0)) }
            let entry = TimelineEntry(
                kind: kind, fromStatus: value(6).flatMap(CaseStatus.init(rawValue:)),
                toStatus: value(7).flatMap(CaseStatus.init(rawValue:)), agencyCode: value(8), categoryCode: value(9),
                note: value(10), isInternal: value(11) == "t")
            return CaseEvent(
                id: id, at: at, entry: entry, actorKind: actor, actorID: value(4).flatMap(Int64.init), actorAgency: value(5))
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
            guard let kind = TimelineKind(rawValue: try row.string(2)), let actor = ActorKind(rawValue: try row.string(3))
            else { throw Row.DecodingError(column: 2, expected: "timeline kind and actor", text: row.optionalString(2)) }
            let entry = TimelineEntry(
                kind: kind, fromStatus: row.optionalString(6).flatMap(CaseStatus.init(rawValue:)),
                toStatus: row.optionalString(7).flatMap(CaseStatus.init(rawValue:)), agencyCode: row.optionalString(8),
                categoryCode: row.optionalString(9), note: row.optionalString(10), isInternal: try row.bool(11))
            return CaseEvent(
                id: Int64(try row.int(0)), at: try row.date(1), entry: entry, actorKind: actor,
                actorID: try row.optionalInt(4).map(Int64.init), actorAgency: row.optionalString(5))
        }
    }

    /// The citizen's contact details, recording who read them, when and why (PDPA).
    ///
    /// The reader's agency and role are copied into the log as they are now, so the citizen is
    /// told which agency read the details even if the reader later moves to another one.
    public func readContact(caseID: Int64, staffID: Int64, reason: String, at now: Date) async throws -> CaseContact? {
        try await pool.transaction { connection in
            let result = try connection.query(
                "SELECT name, phone, email, consent_version, consent_at FROM case_contacts WHERE case_id = $1", [caseID])
            guard let row = result.first else { return nil }
            try connection.query(
                """
                INSERT INTO contact_reads (case_id, staff_id, reason, agency_code, staff_role, at)
                SELECT $1, s.id, $3, s.agency_code, s.role, $4 FROM staff s WHERE s.id = $2
                """, [caseID, staffID, reason, now])
            return CaseContact(
                name: row.optionalString(0), phone: row.optionalString(1), email: row.optionalString(2),
                consentVersion: try row.string(3), consentAt: try row.date(4))
        }
    }

    /// Whether the case still holds contact details, and every reading and erasure of them,
    /// oldest first: the agency and role of each reader, never their name or id.
    public func contactAccess(caseID: Int64) async throws -> ContactAccessLog {
        try await pool.withConnection(idempotent: true) { connection in
            let held = try connection.query(
                "SELECT consent_version, consent_at FROM case_contacts WHERE case_id = $1", [caseID]
            ).first.map { ContactAccessLog.Held(consentVersion: try $0.string(0), givenAt: try $0.date(1)) }
            // Rows logged before readers' agencies were kept (migration 8) fall back to the reader's current ones.
            let entries = try connection.query(
                """
                SELECT 'read', r.at, coalesce(r.agency_code, s.agency_code), coalesce(r.staff_role, s.role),
                       r.reason, r.id
                FROM contact_reads r JOIN staff s ON s.id = r.staff_id
                WHERE r.case_id = $1
                UNION ALL
                SELECT CASE e.actor_kind WHEN 'system' THEN 'erased_by_retention' ELSE 'erased_on_request' END,
                       e.at, NULL, NULL, NULL, e.id
                FROM case_events e
                WHERE e.case_id = $1 AND e.kind = $2
                ORDER BY 2, 6
                """, [caseID, TimelineKind.contactErased.rawValue]
            ).rows.map { row in
                guard let kind = ContactAccessLog.Entry.Kind(rawValue: try row.string(0)) else {
                    throw Row.DecodingError(column: 0, expected: "contact access kind", text: row.optionalString(0))
                }
                return ContactAccessLog.Entry(
                    kind: kind, at: try row.date(1), agencyCode: row.optionalString(2),
                    role: row.optionalString(3).flatMap(StaffRole.init(rawValue:)), reason: row.optionalString(4))
            }
            return ContactAccessLog(held: held, entries: entries)
        }
    }

    /// Sets the location of the case with `code` at its citizen's request (their photo's position,
    /// which they accepted), after `decide` allowed it; a case that already has one keeps it.
    /// - Returns: the case after, and whether it changed.
    public func setLocation(
        code: String, secret: String, latitude: Double, longitude: Double,
        decide: @escaping @Sendable (ChangeContext) throws -> Void
    ) async throws -> (record: CaseRecord, changed: Bool) {
        let result = try await pool.transaction { connection -> (CaseRecord, Bool) in
            var (current, secretMatches) = try Self.lock(code: code, secret: secret, connection: connection)
            try decide(ChangeContext(current: current, related: nil, secretMatches: secretMatches))
            guard current.latitude == nil else { return (current, false) }
            try connection.query(
                "UPDATE cases SET latitude = $2, longitude = $3 WHERE id = $1 AND latitude IS NULL",
                [current.id, latitude, longitude])
            current.latitude = latitude
            current.longitude = longitude
            return (current, true)
        }
        cache.drop([result.0.code])
        return (result.0, result.1)
    }

    /// Erases the contact details of the case with `code` at its citizen's request, after
    /// `decide` (which holds the rules: the secret, the case's status) allowed it, and records
    /// the erasure in the timeline; all in one transaction, with the case locked.
    ///
    /// The wish to be told by e-mail or SMS goes with the contact row that holds those addresses, and
    /// so do the case's idempotency keys: their request fingerprint was made from a filing that held
    /// the contact details. A case filed on LINE holds no contact row, only its LINE user id (in
    /// `case_subscriptions`), which is erased the same way. The log of readings stays (it holds no contact details).
    /// - Returns: the case, what was done, and when the details were erased (now or before).
    /// - Throws: whatever `decide` throws, or `DomainError.caseNotFound`.
    public func eraseContact(
        code: String, secret: String, at now: Date, decide: @escaping @Sendable (ChangeContext) throws -> Void
    ) async throws -> (record: CaseRecord, outcome: ContactErasureOutcome, erasedAt: Date?) {
        let result = try await pool.transaction { connection -> (CaseRecord, ContactErasureOutcome, Date?) in
            let (current, secretMatches) = try Self.lock(code: code, secret: secret, connection: connection)
            try decide(ChangeContext(current: current, related: nil, secretMatches: secretMatches))
            let erased = try connection.query(
                """
                WITH d AS (DELETE FROM case_contacts WHERE case_id = $1 RETURNING case_id),
                s AS (DELETE FROM case_subscriptions WHERE case_id = $1 RETURNING case_id),
                -- A case filed on LINE has no contact row, only the LINE user id in its subscription.
                gone AS (SELECT case_id FROM d UNION SELECT case_id FROM s),
                k AS (DELETE FROM idempotency_keys WHERE case_id = $1 AND EXISTS (SELECT 1 FROM gone)),
                o AS (
                    UPDATE outbox SET recipient = '', status = CASE status WHEN 'pending' THEN 'cancelled' ELSE status END
                    WHERE case_id = $1 AND channel <> 'webhook' AND EXISTS (SELECT 1 FROM gone)
                ),
                e AS (
                    INSERT INTO case_events (case_id, at, kind, actor_kind)
                    SELECT case_id, $2, $3, 'citizen' FROM gone
                )
                SELECT count(*) FROM gone
                """, [current.id, now, TimelineKind.contactErased.rawValue]
            ).first.map { try $0.int(0) } ?? 0
            // Photos are personal data too (faces, homes, number plates): they go with the contact.
            let photos = try PhotoStore.erase(caseIDs: [current.id], connection: connection)
            if erased == 0 && photos > 0 {
                try connection.query(
                    "INSERT INTO case_events (case_id, at, kind, actor_kind) VALUES ($1, $2, $3, 'citizen')",
                    [current.id, now, TimelineKind.contactErased.rawValue])
            }
            if erased > 0 || photos > 0 { return (current, .erased, now) }
            let before = try connection.query(
                "SELECT max(at) FROM case_events WHERE case_id = $1 AND kind = $2",
                [current.id, TimelineKind.contactErased.rawValue]
            ).first.flatMap { try $0.optionalDate(0) }
            return (current, before == nil ? .nothingToErase : .alreadyErased, before)
        }
        cache.drop([result.0.code])
        return (result.0, result.1, result.2)
    }

    /// Erases the contact details of cases finished (`ContactErasure.erasableStatuses`) before
    /// `cutoff`, in batches, each erasure recorded in its timeline; returns how many.
    ///
    /// Driven from `case_contacts` and `case_subscriptions`, which hold only the cases still within
    /// their retention (a case filed on LINE has only the latter).
    public func purgeContacts(finishedBefore cutoff: Date, at now: Date, batch: Int = 500) async throws -> Int {
        let codes = try await pool.transaction { connection in
            let purged = try connection.query(
                """
                WITH held AS (
                    -- A case filed on LINE has no contact row, only the LINE user id in its subscription.
                    SELECT case_id FROM case_contacts UNION SELECT case_id FROM case_subscriptions
                ), due AS (
                    SELECT c.id AS case_id FROM held JOIN cases c ON c.id = held.case_id
                    WHERE c.status = ANY($1) AND c.closed_at < $2
                    ORDER BY c.id LIMIT $4 FOR UPDATE OF c SKIP LOCKED
                ), d AS (
                    DELETE FROM case_contacts k USING due WHERE k.case_id = due.case_id
                ), s AS (
                    DELETE FROM case_subscriptions s USING due WHERE s.case_id = due.case_id
                ), o AS (
                    UPDATE outbox o SET recipient = '', status = CASE o.status WHEN 'pending' THEN 'cancelled' ELSE o.status END
                    FROM due WHERE o.case_id = due.case_id AND o.channel <> 'webhook'
                ), e AS (
                    INSERT INTO case_events (case_id, at, kind, actor_kind) SELECT case_id, $3, $5, 'system' FROM due
                )
                SELECT c.code, c.id FROM due JOIN cases c ON c.id = due.case_id
                """, [ContactErasure.erasableStatuses.map(\.rawValue), cutoff, now, batch, TimelineKind.contactErased.rawValue]
            ).rows
            // The photos of those cases go with their contact details, in the same transaction.
            _ = try PhotoStore.erase(caseIDs: try purged.map { Int64(try $0.int(1)) }, connection: connection)
            return try purged.map { try $0.string(0) }
        }
        cache.drop(codes)
        return codes.count
    }

    // MARK: Changing

    /// A decided change to a case: its next state, deadlines and the timeline entry.
    public struct Change: Sendable {
        public var state: CaseState
        public var due: DueDates
        public var entry: TimelineEntry
        /// Whether the case is public after the change; `nil` leaves it as it is.
        public var isPublic: Bool?
        /// What the change tells the citizen and the agencies, written to the outbox with it.
        public var notices: CaseNotices
        /// When the change happens (the service's clock); nil: now.
        public var at: Date?

        public init(
            state: CaseState, due: DueDates, entry: TimelineEntry, isPublic: Bool? = nil, notices: CaseNotices = .none,
            at: Date? = nil
        ) {
            self.at = at
            self.state = state
            self.due = due
            self.entry = entry
            self.isPublic = isPublic
            self.notices = notices
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

    /// The case with `code`, locked for update until the transaction ends, and whether `secret` is its own.
    /// - Throws: `DomainError.caseNotFound`.
    static func lock(code: String, secret: String?, connection: Connection) throws -> (CaseRecord, secretMatches: Bool) {
        guard
            let row = try connection.query(
                """
                SELECT \(Self.columns), $2::text IS NOT NULL AND c.secret_hash = sha256(convert_to($2, 'UTF8'))
                FROM cases c WHERE c.code = $1 FOR UPDATE
                """, [code, secret]
            ).first
        else { throw DomainError.caseNotFound }
        return (try Self.record(row), try row.bool(Self.columnCount))
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
        let changed = try await pool.transaction { connection in
            let (current, secretMatches) = try Self.lock(code: code, secret: secret, connection: connection)
            var related: CaseRecord?
            if let relatedCode, relatedCode != code {
                related = try connection.query(
                    "SELECT \(Self.columns) FROM cases c WHERE c.code = $1 FOR SHARE", [relatedCode]
                ).first.map(Self.record)
            }
            let change = try decide(
                ChangeContext(current: current, related: related, secretMatches: secretMatches))
            return try Self.save(change, of: current, actor: actor, connection: connection)
        }
        cache.drop([changed.code])
        return changed
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
        let now = change.at ?? Date()
        let result = try connection.query(
            """
            WITH u AS (
                UPDATE cases SET status = $2, agency_code = $3, category_code = $4, acknowledged_at = $5,
                    first_answered_at = $6, resolved_at = $7, closed_at = $8, transfer_count = $9, reopen_count = $10,
                    previous_agencies = $11, merged_into = $12, rejection_reason = $13, resolution = $14, rating = $15,
                    rating_comment = $16, rated_at = $17, acknowledge_due = $18, first_answer_due = $19,
                    resolution_due = $20, updated_at = $21, is_public = coalesce($32, is_public)
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
                now, entry.kind.rawValue, actor.kind.rawValue, actorID, actorAgency, entry.fromStatus?.rawValue, entry.toStatus?.rawValue,
                entry.agencyCode, entry.categoryCode, entry.note, entry.isInternal, change.isPublic,
            ])
        guard let row = result.first else { throw DomainError.caseNotFound }
        try OutboxStore.enqueue(change.notices, caseID: current.id, at: now, connection: connection)
        return try Self.record(row)
    }

    /// Makes every public case in one of `categories` private (`CaseVisibility`: a private category is
    /// never public), returning how many; for cases that became so other than through an action, such as
    /// a category made private in settings. Run at start-up: one sequential scan of the cases.
    public func hidePublicCases(inCategories categories: Set<String>) async throws -> Int {
        guard !categories.isEmpty else { return 0 }
        let codes = try await pool.withConnection { connection in
            try connection.query(
                "UPDATE cases SET is_public = false WHERE is_public AND category_code = ANY($1) RETURNING code",
                [categories.sorted()]
            ).rows.map { try $0.string(0) }
        }
        cache.drop(codes)
        return codes.count
    }

    /// Closes resolved cases whose appeal window ended before `cutoff`, in batches; returns how many.
    ///
    /// Done in SQL, not case by case, because it runs over every case periodically; the rule is
    /// the lifecycle's (a resolved case closes when its reopen window has passed).
    public func closeResolved(before cutoff: Date, at now: Date, batch: Int = 500) async throws -> Int {
        let codes = try await pool.withConnection { connection in
            try connection.query(
                """
                WITH due AS (
                    SELECT id FROM cases WHERE status = 'resolved' AND resolved_at < $1
                    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED
                ), u AS (
                    UPDATE cases SET status = 'closed', closed_at = $2, updated_at = $2 FROM due
                    WHERE cases.id = due.id RETURNING cases.id, cases.code
                ), e AS (
                    INSERT INTO case_events (case_id, at, kind, actor_kind, from_status, to_status)
                    SELECT id, $2, 'closed', 'system', 'resolved', 'closed' FROM u
                )
                SELECT code FROM u
                """, [cutoff, now, batch]
            ).rows.map { try $0.string(0) }
        }
        cache.drop(codes)
        return codes.count
    }

    /// Forgets idempotency keys (and the secrets kept for replays) older than `cutoff`.
    public func purgeIdempotencyKeys(before cutoff: Date) async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM idempotency_keys WHERE created_at < $1", [cutoff]).affectedRows
        }
    }

    // MARK: Learning

    /// Cases whose category staff have settled, to retrain the classifier on: those an officer
    /// or the triage desk recategorised or placed (corrections), and those that reached a result
    /// in their category (confirmations). Text is the title and text as filed.
    /// Newest first; `from` keeps those from that case id on.
    public func labelledCases(
        from: Int64? = nil, limit: Int = 200_000
    ) async throws -> [(id: Int64, text: String, category: String, corrected: Bool)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT c.id, concat_ws(E'\\n', c.title, c.text), c.category_code,
                       EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('recategorised', 'placed'))
                FROM cases c
                WHERE (\(Self.settled)) AND ($2::bigint IS NULL OR c.id >= $2)
                ORDER BY c.id DESC
                LIMIT $1
                """, [limit, from]
            ).rows.map { (Int64(try $0.int(0)), try $0.string(1), try $0.string(2), try $0.bool(3)) }
        }
    }

    /// The cases `labelledCases` reads: a result reached in their category, or a category staff set.
    static let settled = """
        c.status IN ('resolved', 'closed')
        OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('recategorised', 'placed'))
        """

    /// How many cases `labelledCases` would return (without a limit).
    public func labelledCaseCount() async throws -> Int {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT count(*) FROM cases c
                WHERE \(Self.settled)
                """
            ).rows[0].int(0)
        }
    }

    // MARK: Listing

    /// Filters of an agency's case list.
    /// One page of cases, newest first, and whether more follow.
    public func list(_ filter: CaseListFilter, at now: Date) async throws -> (cases: [CaseRecord], hasMore: Bool) {
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
                  AND ($7::boolean IS NULL OR \(CaseRulesSQL.overdue(at: "$8")) = $7)
                  AND ($9::timestamptz IS NULL OR (c.filed_at, c.id) < ($9, $10))
                  AND ($12::text[] IS NULL OR c.code = ANY($12))
                  AND (NOT $13 OR c.is_public)
                ORDER BY c.filed_at DESC, c.id DESC
                LIMIT $11
                """,
                [
                    filter.agencyCode, filter.statuses?.map(\.rawValue), filter.categories, filter.areaCode, filter.filedFrom,
                    filter.filedBefore, filter.overdue, now, filter.after?.filedAt, filter.after?.id ?? 0, filter.limit + 1,
                    filter.codes, filter.publicOnly,
                ]
            ).rows.map(Self.record)
            return (Array(rows.prefix(filter.limit)), rows.count > filter.limit)
        }
    }

    // MARK: Rows

    static let columns = """
        c.id, c.code, c.kind, c.channel, c.title, c.text, coalesce(c.public_title, c.title), coalesce(c.public_text, c.text),
        c.is_public, c.anonymous,
        c.province_code, c.district_code, c.subdistrict_code, c.area_source, c.latitude, c.longitude, c.address,
        c.predicted_category, c.predicted_confidence, c.status, c.agency_code, c.category_code,
        c.acknowledged_at, c.first_answered_at, c.resolved_at, c.closed_at, c.transfer_count, c.reopen_count,
        c.previous_agencies, c.merged_into, c.rejection_reason, c.resolution, c.rating, c.rating_comment, c.rated_at,
        c.filed_at, c.acknowledge_due, c.first_answer_due, c.resolution_due, c.updated_at, c.public_requested,
        c.me_too_count
        """
    static let columnCount = 42

    static func record(_ row: Row) throws -> CaseRecord {
        guard let kind = CaseKind(rawValue: try row.string(2)), let status = CaseStatus(rawValue: try row.string(19)),
            let areaSource = AreaSource(rawValue: try row.string(13))
        else {
            throw Row.DecodingError(column: 2, expected: "case kind, status and area source", text: row.optionalString(2))
        }
        let state = CaseState(
            status: status, agencyCode: row.optionalString(20), categoryCode: try row.string(21),
            acknowledgedAt: try row.optionalDate(22), firstAnsweredAt: try row.optionalDate(23),
            resolvedAt: try row.optionalDate(24), closedAt: try row.optionalDate(25), transferCount: try row.int(26),
            reopenCount: try row.int(27), previousAgencies: try row.stringArray(28), mergedInto: row.optionalString(29),
            rejectionReason: row.optionalString(30).flatMap(RejectionReason.init(rawValue:)),
            resolution: row.optionalString(31), rating: try row.optionalInt(32), ratingComment: row.optionalString(33),
            ratedAt: try row.optionalDate(34))
        let filing = CaseFiling(
            kind: kind, channel: try row.string(3), title: row.optionalString(4), text: try row.string(5),
            publicTitle: row.optionalString(6), publicText: try row.string(7), publicRequested: try row.bool(40),
            anonymous: try row.bool(9),
            area: CaseArea(
                provinceCode: row.optionalString(10), districtCode: row.optionalString(11),
                subdistrictCode: row.optionalString(12)),
            areaSource: areaSource, latitude: try row.optionalDouble(14), longitude: try row.optionalDouble(15),
            address: row.optionalString(16), predictedCategory: row.optionalString(17),
            predictedConfidence: try row.optionalDouble(18), filedAt: try row.date(35))
        var record = CaseRecord(
            id: Int64(try row.int(0)), code: try row.string(1), filing: filing, isPublic: try row.bool(8), state: state,
            due: DueDates(acknowledge: try row.date(36), firstAnswer: try row.date(37), resolution: try row.date(38)),
            updatedAt: try row.date(39))
        record.meTooCount = try row.int(41)
        return record
    }
}
