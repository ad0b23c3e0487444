public import Domain
public import Foundation
import Postgres

/// Duplicates in the store: the open public cases the similarity index is loaded with, "me too" follows,
/// and the result of a main case passed on to the cases merged into it.
extension CaseStore {
    /// What the similarity index holds of a case: its public (redacted) words and where it is.
    public struct SearchableCase: Sendable {
        public var id: Int64
        public var area: CaseArea
        public var latitude: Double?
        public var longitude: Double?
        public var category: String
        public var agency: String?
        public var text: String
    }

    /// Every open public case, oldest first, through a cursor (start-up of the index).
    /// The open statuses come from `CaseStatus.isOpen`, so SQL and Swift agree on the rule.
    public func searchableCases(_ body: @escaping @Sendable ([SearchableCase]) throws -> Void) async throws {
        let open = CaseStatus.allCases.filter(\.isOpen).map(\.rawValue)
        try await pool.transaction(isolation: .repeatableRead) { connection in
            try connection.cursor(
                """
                SELECT id, province_code, district_code, subdistrict_code, latitude, longitude, category_code, agency_code,
                       concat_ws(E'\\n', coalesce(public_title, title), coalesce(public_text, text))
                FROM cases WHERE is_public AND status = ANY($1) ORDER BY id
                """, [open], batch: 10_000
            ) { result in
                try body(
                    result.rows.map { row in
                        SearchableCase(
                            id: Int64(try row.int(0)),
                            area: CaseArea(
                                provinceCode: row.optionalString(1), districtCode: row.optionalString(2),
                                subdistrictCode: row.optionalString(3)),
                            latitude: try row.optionalDouble(4), longitude: try row.optionalDouble(5),
                            category: try row.string(6), agency: row.optionalString(7), text: try row.string(8))
                    })
                return true
            }
        }
    }

    /// The cases with `ids`, in no particular order.
    public func records(ids: [Int64]) async throws -> [CaseRecord] {
        guard !ids.isEmpty else { return [] }
        return try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT \(Self.columns) FROM cases c WHERE c.id = ANY($1::bigint[])", [ids]).rows
                .map(Self.record)
        }
    }

    /// Stores a "me too" on the case with `code` and counts it on the case, in one transaction, after
    /// `check` accepted the case (locked, so a case closing at the same moment is seen closed).
    /// - Throws: `caseNotFound`; whatever `check` throws.
    public func follow(
        code: String, followCode makeCode: @escaping @Sendable () -> String, secret: String, contact: FollowContact?,
        at now: Date, check: @escaping @Sendable (CaseRecord) throws -> Void
    ) async throws -> (record: CaseRecord, follow: CaseFollow) {
        let result = try await pool.transaction { connection -> (CaseRecord, CaseFollow) in
            let (current, _) = try Self.lock(code: code, secret: nil, connection: connection)
            try check(current)
            let notify: [String] = (contact?.notify ?? []).map(\.rawValue)
            let language: String = (contact?.language ?? .th).rawValue
            var inserted: Row?
            // A random code that exists already is drawn again (the database decides, never a look-up first).
            for _ in 0..<8 where inserted == nil {
                let parameters: [any PostgresEncodable] = [
                    current.id, makeCode(), secret, now, contact?.email, contact?.phone, contact?.consentVersion, notify,
                    language,
                ]
                inserted = try connection.query(
                    """
                    INSERT INTO case_follows (case_id, code, secret_hash, created_at, email, phone, consent_version,
                                              consent_at, notify, language)
                    VALUES ($1, $2, sha256(convert_to($3, 'UTF8')), $4::timestamptz, $5, $6, $7,
                            CASE WHEN $7::text IS NULL THEN NULL ELSE $4::timestamptz END, $8, $9)
                    ON CONFLICT (code) DO NOTHING
                    RETURNING id, code
                    """, parameters
                ).first
            }
            guard let row = inserted else { throw PostgresError(kind: .other, message: "could not find a free follow code") }
            let updated = try connection.query(
                "UPDATE cases c SET me_too_count = me_too_count + 1 WHERE c.id = $1 RETURNING \(Self.columns)", [current.id]
            ).first.map(Self.record) ?? current
            return (updated, CaseFollow(id: Int64(try row.int(0)), caseID: current.id, code: try row.string(1), createdAt: now))
        }
        cache.drop([result.0.code])
        return (result.0, result.1)
    }

    /// The case a follow code follows, with its timeline, when `secret` is the follow's own.
    public func followed(code: String, secret: String) async throws -> (
        follow: CaseFollow, record: CaseRecord, events: [CaseEvent]
    )? {
        try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT f.id, f.case_id, f.code, f.created_at, c.code FROM case_follows f JOIN cases c ON c.id = f.case_id
                    WHERE f.code = $1 AND f.secret_hash = sha256(convert_to($2, 'UTF8'))
                    """, [code, secret]
                ).first,
                let found = try Self.readWithTimeline(code: try row.string(4), connection: connection)
            else { return nil }
            let follow = CaseFollow(
                id: Int64(try row.int(0)), caseID: Int64(try row.int(1)), code: try row.string(2), createdAt: try row.date(3))
            return (follow, found.record, found.events)
        }
    }

    /// Passes the result of the main case with `mainCode` to every case merged into it that is still
    /// waiting (`Duplicates.passResult`), each with its own timeline entry and the notices `notices`
    /// makes for it, in one transaction; returns the cases changed.
    public func passResult(
        mainCode: String, at now: Date,
        decide: @escaping @Sendable (CaseRecord, CaseRecord) -> Change?
    ) async throws -> [CaseRecord] {
        let changed = try await pool.transaction { connection -> [CaseRecord] in
            guard
                let main = try connection.query("SELECT \(Self.columns) FROM cases c WHERE c.code = $1 FOR SHARE", [mainCode])
                    .first.map(Self.record)
            else { return [] }
            let members = try connection.query(
                "SELECT \(Self.columns) FROM cases c WHERE c.merged_into = $1 AND c.status = 'merged' ORDER BY c.id FOR UPDATE",
                [mainCode]
            ).rows.map(Self.record)
            return try members.compactMap { member in
                guard let change = decide(main, member) else { return nil }
                return try Self.save(change, of: member, actor: .system, connection: connection)
            }
        }
        cache.drop(changed.map(\.code))
        return changed
    }

    /// Writes `notices` to the followers of case `caseID` who asked for messages (e-mail, SMS), in their language.
    public func notifyFollowers(_ notices: CaseNotices, caseID: Int64, at now: Date) async throws {
        guard let citizen = notices.citizen else { return }
        try await pool.withConnection { connection in
            _ = try connection.query(
                """
                INSERT INTO outbox (
                    created_at, event, channel, recipient, case_id, subject, body, next_attempt_at, retry_window_from)
                SELECT $1, $2, n.channel, CASE n.channel WHEN 'email' THEN f.email ELSE f.phone END, f.case_id,
                       CASE f.language WHEN 'en' THEN $5 ELSE $3 END, CASE f.language WHEN 'en' THEN $6 ELSE $4 END, $1, $1
                FROM case_follows f CROSS JOIN LATERAL unnest(f.notify) AS n (channel)
                WHERE f.case_id = $7 AND CASE n.channel WHEN 'email' THEN f.email ELSE f.phone END IS NOT NULL
                ORDER BY f.id, n.channel
                """,
                [now, citizen.event.rawValue, citizen.th.subject, citizen.th.body, citizen.en.subject, citizen.en.body, caseID])
        }
    }

    /// Duplicates by category and agency: me-too follows and cases merged into another.
    public func duplicateCounts() async throws -> [(category: String, agency: String?, meToo: Int, merged: Int)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT category_code, agency_code, sum(me_too_count)::bigint,
                       count(*) FILTER (WHERE merged_into IS NOT NULL)::bigint
                FROM cases WHERE me_too_count > 0 OR merged_into IS NOT NULL
                GROUP BY category_code, agency_code ORDER BY category_code, agency_code NULLS FIRST
                """
            ).rows.map { row in
                (try row.string(0), row.optionalString(1), try row.int(2), try row.int(3))
            }
        }
    }
}
