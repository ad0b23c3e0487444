public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of consultations: the consultations, their opinions, themes and responses.
///
/// Taking an opinion reads the consultation in the same transaction (`FOR SHARE`), and every change
/// to its themes locks it `FOR UPDATE`, so an opinion cannot slip in after closing and two staff
/// editing themes at once take turns.
public struct ConsultationStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    static let columns = """
        id, agency_code, title, question, sections, area_code, opens_at, closes_at, allows_anonymous, created_at,
        grouped_at, published_at
        """

    static func consultation(_ row: Row) throws -> Consultation {
        Consultation(
            id: Int64(try row.int(0)), agencyCode: try row.string(1), title: try row.string(2), question: try row.string(3),
            sections: try row.stringArray(4), areaCode: row.optionalString(5), opensAt: try row.date(6),
            closesAt: try row.date(7), allowsAnonymous: try row.bool(8), createdAt: try row.date(9),
            groupedAt: try row.optionalDate(10), publishedAt: try row.optionalDate(11))
    }

    /// What staff give to open a consultation.
    public struct NewConsultation: Sendable {
        public var agencyCode: String
        public var title: String
        public var question: String
        public var sections: [String]
        public var areaCode: String?
        public var opensAt: Date
        public var closesAt: Date
        public var allowsAnonymous: Bool

        public init(
            agencyCode: String, title: String, question: String, sections: [String], areaCode: String?, opensAt: Date,
            closesAt: Date, allowsAnonymous: Bool
        ) {
            self.agencyCode = agencyCode
            self.title = title
            self.question = question
            self.sections = sections
            self.areaCode = areaCode
            self.opensAt = opensAt
            self.closesAt = closesAt
            self.allowsAnonymous = allowsAnonymous
        }
    }

    public func create(_ new: NewConsultation, staffID: Int64?, at now: Date) async throws -> Consultation {
        try await pool.withConnection { connection in
            try Self.consultation(
                try connection.query(
                    """
                    INSERT INTO consultations (agency_code, title, question, sections, area_code, opens_at, closes_at,
                        allows_anonymous, created_at, created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING \(Self.columns)
                    """,
                    [
                        new.agencyCode, new.title, new.question, new.sections, new.areaCode, new.opensAt, new.closesAt,
                        new.allowsAnonymous, now, staffID,
                    ]
                ).first!)
        }
    }

    /// Every consultation, newest first; only `agencyCode`'s when given.
    public func list(agencyCode: String? = nil) async throws -> [Consultation] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM consultations WHERE $1::text IS NULL OR agency_code = $1 ORDER BY id DESC",
                [agencyCode]
            ).rows.map(Self.consultation)
        }
    }

    public func find(id: Int64) async throws -> Consultation? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT \(Self.columns) FROM consultations WHERE id = $1", [id]).first.map(Self.consultation)
        }
    }

    static func locked(_ connection: Connection, id: Int64, update: Bool) throws -> Consultation {
        guard
            let row = try connection.query(
                "SELECT \(columns) FROM consultations WHERE id = $1 \(update ? "FOR UPDATE" : "FOR SHARE")", [id]
            ).first
        else { throw DomainError.consultationNotFound }
        return try consultation(row)
    }

    // MARK: Opinions

    /// An opinion to store.
    public struct NewOpinion: Sendable {
        public var section: Int?
        public var stance: OpinionStance
        public var text: String
        public var publicText: String
        public var words: [String]
        /// The keyed hash of the verified person's address; nil when anonymous.
        public var participant: [UInt8]?

        public init(section: Int?, stance: OpinionStance, text: String, publicText: String, words: [String], participant: [UInt8]?) {
            self.section = section
            self.stance = stance
            self.text = text
            self.publicText = publicText
            self.words = words
            self.participant = participant
        }
    }

    /// Stores an opinion once `check` has approved the consultation as locked (open, the section one
    /// of its own, anonymity allowed).
    public func addOpinion(
        consultationID: Int64, _ opinion: NewOpinion, at now: Date, check: @escaping @Sendable (Consultation) throws -> Void
    ) async throws -> ConsultationOpinion {
        try await pool.transaction { connection in
            try check(try Self.locked(connection, id: consultationID, update: false))
            let id = Int64(
                try connection.query(
                    """
                    INSERT INTO consultation_opinions (consultation_id, section, stance, text, public_text, words,
                        participant, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                    """,
                    [
                        consultationID, opinion.section, opinion.stance.rawValue, opinion.text, opinion.publicText,
                        opinion.words, opinion.participant.map(PostgresBytes.init), now,
                    ]
                ).first!.int(0))
            return ConsultationOpinion(
                id: id, consultationID: consultationID, section: opinion.section, stance: opinion.stance,
                text: opinion.text, publicText: opinion.publicText, verified: opinion.participant != nil, themeID: nil,
                createdAt: now)
        }
    }

    static let opinionColumns =
        "id, consultation_id, section, stance, text, public_text, participant IS NOT NULL, theme_id, created_at, words"

    static func opinion(_ row: Row) throws -> ConsultationOpinion {
        ConsultationOpinion(
            id: Int64(try row.int(0)), consultationID: Int64(try row.int(1)), section: try row.optionalInt(2),
            stance: OpinionStance(rawValue: try row.string(3)) ?? .neutral, text: try row.string(4),
            publicText: try row.string(5), verified: try row.bool(6), themeID: try row.optionalInt(7).map(Int64.init),
            createdAt: try row.date(8))
    }

    /// The consultation's opinions in the order given, with their content words.
    public func opinions(consultationID: Int64) async throws -> [(opinion: ConsultationOpinion, words: [String])] {
        try await pool.withConnection(idempotent: true) { connection in
            try Self.opinions(connection, consultationID: consultationID)
        }
    }

    static func opinions(_ connection: Connection, consultationID: Int64) throws -> [(opinion: ConsultationOpinion, words: [String])] {
        try connection.query(
            "SELECT \(opinionColumns) FROM consultation_opinions WHERE consultation_id = $1 ORDER BY id", [consultationID]
        ).rows.map { (try opinion($0), try $0.stringArray(9)) }
    }

    // MARK: Themes

    /// The consultation's themes with their sizes, stances and quotes (public text), in id order.
    public func themes(consultationID: Int64) async throws -> [ConsultationTheme] {
        try await pool.withConnection(idempotent: true) { connection in
            try Self.themes(connection, consultationID: consultationID)
        }
    }

    static func themes(_ connection: Connection, consultationID: Int64) throws -> [ConsultationTheme] {
        let rows = try connection.query(
            """
            SELECT t.id, t.label, t.words, t.quote_ids, t.response, t.responded_at,
                   count(o.id), count(o.id) FILTER (WHERE o.stance = 'agree'),
                   count(o.id) FILTER (WHERE o.stance = 'disagree'), count(o.id) FILTER (WHERE o.stance = 'neutral'),
                   COALESCE((SELECT array_agg(q.public_text ORDER BY array_position(t.quote_ids, q.id))
                             FROM consultation_opinions q WHERE q.id = ANY (t.quote_ids)), '{}'),
                   t.is_other
            FROM consultation_themes t LEFT JOIN consultation_opinions o ON o.theme_id = t.id
            WHERE t.consultation_id = $1
            GROUP BY t.id ORDER BY t.is_other, count(o.id) DESC, t.id
            """, [consultationID]
        ).rows
        return try rows.map { row in
            ConsultationTheme(
                id: Int64(try row.int(0)), consultationID: consultationID, label: try row.string(1),
                words: try row.stringArray(2), quoteIDs: try row.stringArray(3).compactMap { Int64($0) },
                quotes: try row.stringArray(10), size: try row.int(6),
                stances: StanceCounts(agree: try row.int(7), disagree: try row.int(8), neutral: try row.int(9)),
                response: row.optionalString(4), respondedAt: try row.optionalDate(5), isOther: try row.bool(11))
        }
    }

    /// A theme as an edit leaves it: a new one (`id` nil) or a change to one; `members` nil keeps its opinions.
    public struct ThemeChange: Sendable {
        public var id: Int64?
        public var label: String?
        public var words: [String]?
        public var quoteIDs: [Int64]?
        public var isOther = false
        public var members: [Int64]?

        public init(
            id: Int64?, label: String? = nil, words: [String]? = nil, quoteIDs: [Int64]? = nil, isOther: Bool = false,
            members: [Int64]? = nil
        ) {
            self.id = id
            self.label = label
            self.words = words
            self.quoteIDs = quoteIDs
            self.isOther = isOther
            self.members = members
        }
    }

    /// What an edit of themes does: changes and new themes, then themes deleted (after their
    /// opinions have moved).
    public struct ThemeEdit: Sendable {
        public var changes: [ThemeChange]
        public var deleted: [Int64]

        public init(changes: [ThemeChange], deleted: [Int64] = []) {
            self.changes = changes
            self.deleted = deleted
        }
    }

    /// Reads the consultation (locked for update), its opinions and themes, lets `plan` decide the
    /// edit, and applies it in the same transaction. With `grouping`, the edit is the first grouping
    /// and marks the consultation grouped; `plan` returning nil changes nothing.
    /// - Returns: the ids of new themes, in the order of `changes`.
    public func editThemes(
        consultationID: Int64, grouping: Bool = false, at now: Date,
        plan: @escaping @Sendable (Consultation, [(opinion: ConsultationOpinion, words: [String])], [ConsultationTheme]) throws -> ThemeEdit?
    ) async throws -> [Int64] {
        try await pool.transaction { connection in
            let consultation = try Self.locked(connection, id: consultationID, update: true)
            if grouping && consultation.groupedAt != nil { return [] }
            let opinions = try Self.opinions(connection, consultationID: consultationID)
            let themes = try Self.themes(connection, consultationID: consultationID)
            guard let edit = try plan(consultation, opinions, themes) else { return [] }
            var created: [Int64] = []
            for change in edit.changes {
                let id: Int64
                if let existing = change.id {
                    id = existing
                    try connection.query(
                        """
                        UPDATE consultation_themes SET label = COALESCE($3, label), words = COALESCE($4, words),
                            quote_ids = COALESCE($5, quote_ids)
                        WHERE id = $1 AND consultation_id = $2
                        """, [existing, consultationID, change.label, change.words, change.quoteIDs])
                } else {
                    id = Int64(
                        try connection.query(
                            """
                            INSERT INTO consultation_themes (consultation_id, label, words, quote_ids, is_other)
                            VALUES ($1, $2, $3, $4, $5) RETURNING id
                            """,
                            [consultationID, change.label ?? "", change.words ?? [], change.quoteIDs ?? [], change.isOther]
                        ).first!.int(0))
                    created.append(id)
                }
                if let members = change.members {
                    try connection.query(
                        "UPDATE consultation_opinions SET theme_id = $1 WHERE consultation_id = $2 AND id = ANY ($3)",
                        [id, consultationID, members])
                }
            }
            if !edit.deleted.isEmpty {
                try connection.query(
                    "DELETE FROM consultation_themes WHERE consultation_id = $1 AND id = ANY ($2)", [consultationID, edit.deleted])
            }
            if grouping {
                try connection.query("UPDATE consultations SET grouped_at = $2 WHERE id = $1", [consultationID, now])
            }
            return created
        }
    }

    /// Sets (or, with nil, clears) the agency's response to a theme.
    /// - Returns: whether the theme is the consultation's.
    public func respond(consultationID: Int64, themeID: Int64, text: String?, staffID: Int64, at now: Date) async throws -> Bool {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE consultation_themes SET response = $3, responded_at = CASE WHEN $3::text IS NULL THEN NULL ELSE $4::timestamptz END,
                    responded_by = $5
                WHERE id = $2 AND consultation_id = $1 RETURNING id
                """, [consultationID, themeID, text, now, staffID]
            ).first != nil
        }
    }

    /// Publishes the responses (the first time only; later responses show as they are written).
    public func publish(consultationID: Int64, at now: Date) async throws {
        _ = try await pool.withConnection { connection in
            try connection.query(
                "UPDATE consultations SET published_at = COALESCE(published_at, $2) WHERE id = $1", [consultationID, now])
        }
    }

    // MARK: Statistics and open data

    /// Opinions and participants of every consultation.
    public func participation() async throws -> [Int64: ConsultationParticipation] {
        try await pool.withConnection(idempotent: true) { connection in
            var result: [Int64: ConsultationParticipation] = [:]
            for row in try connection.query(
                """
                SELECT c.id, count(o.id), count(DISTINCT o.participant) + count(o.id) FILTER (WHERE o.participant IS NULL),
                       count(o.id) FILTER (WHERE o.participant IS NOT NULL)
                FROM consultations c LEFT JOIN consultation_opinions o ON o.consultation_id = c.id
                GROUP BY c.id
                """
            ).rows {
                let id = Int64(try row.int(0))
                result[id] = ConsultationParticipation(
                    consultationID: id, opinions: try row.int(1), participants: try row.int(2), verifiedOpinions: try row.int(3))
            }
            return result
        }
    }

    /// The opinions of every closed consultation, for open data (the caller keeps to `publicText`).
    public func closedOpinions(at now: Date) async throws -> [ConsultationOpinion] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT \(Self.opinionColumns.split(separator: ",").map { "o." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM consultation_opinions o JOIN consultations c ON c.id = o.consultation_id
                WHERE c.closes_at <= $1 ORDER BY o.id
                """, [now]
            ).rows.map(Self.opinion)
        }
    }
}
