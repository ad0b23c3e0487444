public import Domain
public import Foundation
public import Postgres

/// Every SQL statement of participatory budgeting: rounds, ideas, projects, voters, ballots, results
/// and winners' progress.
///
/// Whatever depends on a round's phase (submitting an idea, costing a project, casting a ballot,
/// publishing results) reads the round in the same transaction, locked `FOR SHARE`, and closing a
/// phase locks it `FOR UPDATE`, so nothing slips in after a phase has closed.
public struct BudgetStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    static let roundColumns = """
        id, agency_code, name, description, total_budget, ideas_from, review_from, vote_from, vote_until,
        eligible_areas, rule, advanced_to, results_published_at, created_at
        """

    static func round(_ row: Row) throws -> BudgetRound {
        BudgetRound(
            id: Int64(try row.int(0)), agencyCode: try row.string(1), name: try row.string(2),
            description: try row.string(3), totalBudget: Int64(try row.int(4)),
            schedule: BudgetSchedule(
                ideasFrom: try row.date(5), reviewFrom: try row.date(6), voteFrom: try row.date(7),
                voteUntil: try row.date(8)),
            eligibleAreas: try row.stringArray(9), rule: BudgetRule(rawValue: try row.string(10)) ?? .greedy,
            advancedTo: row.optionalString(11).flatMap(BudgetPhase.init(rawValue:)),
            resultsPublishedAt: try row.optionalDate(12), createdAt: try row.date(13))
    }

    /// Opens a round; returns its id.
    public func createRound(
        agencyCode: String, name: String, description: String, totalBudget: Int64, schedule: BudgetSchedule,
        eligibleAreas: [String], rule: BudgetRule, staffID: Int64?, at now: Date
    ) async throws -> Int64 {
        try await pool.withConnection { connection in
            Int64(
                try connection.query(
                    """
                    INSERT INTO budget_rounds (agency_code, name, description, total_budget, ideas_from, review_from,
                        vote_from, vote_until, eligible_areas, rule, created_at, created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
                    """,
                    [
                        agencyCode, name, description, totalBudget, schedule.ideasFrom, schedule.reviewFrom,
                        schedule.voteFrom, schedule.voteUntil, eligibleAreas, rule.rawValue, now, staffID,
                    ]
                ).first!.int(0))
        }
    }

    /// Every round, newest first; only `agencyCode`'s when given.
    public func rounds(agencyCode: String? = nil) async throws -> [BudgetRound] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT \(Self.roundColumns) FROM budget_rounds WHERE $1::text IS NULL OR agency_code = $1 ORDER BY id DESC",
                [agencyCode]
            ).rows.map(Self.round)
        }
    }

    public func round(id: Int64) async throws -> BudgetRound? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT \(Self.roundColumns) FROM budget_rounds WHERE id = $1", [id]).first.map(Self.round)
        }
    }

    static func lockedRound(_ connection: Connection, id: Int64, update: Bool = false) throws -> BudgetRound {
        guard
            let row = try connection.query(
                "SELECT \(roundColumns) FROM budget_rounds WHERE id = $1 \(update ? "FOR UPDATE" : "FOR SHARE")", [id]
            ).first
        else { throw DomainError.budgetRoundNotFound }
        return try round(row)
    }

    /// Moves the round on to `phase` after `check` has approved the round as locked.
    public func advance(
        roundID: Int64, to phase: BudgetPhase, check: @escaping @Sendable (BudgetRound) throws -> Void
    ) async throws {
        try await pool.transaction { connection in
            try check(try Self.lockedRound(connection, id: roundID, update: true))
            try connection.query("UPDATE budget_rounds SET advanced_to = $2 WHERE id = $1", [roundID, phase.rawValue])
        }
    }

    // MARK: Ideas

    static let ideaColumns = "id, round_id, title, text, status, decline_reason, project_id, proposal_id, created_at"

    static func idea(_ row: Row) throws -> BudgetIdea {
        BudgetIdea(
            id: Int64(try row.int(0)), roundID: Int64(try row.int(1)), title: try row.string(2), text: try row.string(3),
            status: BudgetIdeaStatus(rawValue: try row.string(4)) ?? .submitted, declineReason: row.optionalString(5),
            projectID: try row.optionalInt(6).map(Int64.init), proposalID: try row.optionalInt(7).map(Int64.init),
            createdAt: try row.date(8))
    }

    /// Stores an idea and, apart, its contact details, once `check` has approved the round as locked.
    public func submitIdea(
        roundID: Int64, title: String, text: String, contact: (name: String?, phone: String?, email: String?)?,
        at now: Date, check: @escaping @Sendable (BudgetRound) throws -> Void
    ) async throws -> Int64 {
        let name = contact?.name, phone = contact?.phone, email = contact?.email
        return try await pool.transaction { connection in
            try check(try Self.lockedRound(connection, id: roundID))
            let id = Int64(
                try connection.query(
                    "INSERT INTO budget_ideas (round_id, title, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    [roundID, title, text, now]
                ).first!.int(0))
            if name != nil || phone != nil || email != nil {
                try connection.query(
                    "INSERT INTO budget_idea_contacts (idea_id, name, phone, email) VALUES ($1, $2, $3, $4)",
                    [id, name, phone, email])
            }
            return id
        }
    }

    public func ideas(roundID: Int64) async throws -> [BudgetIdea] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT \(Self.ideaColumns) FROM budget_ideas WHERE round_id = $1 ORDER BY id", [roundID]
            ).rows.map(Self.idea)
        }
    }

    /// An idea's contact details, for the round's staff.
    public func ideaContact(ideaID: Int64) async throws -> (name: String?, phone: String?, email: String?)? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT name, phone, email FROM budget_idea_contacts WHERE idea_id = $1", [ideaID])
                .first.map { (name: $0.optionalString(0), phone: $0.optionalString(1), email: $0.optionalString(2)) }
        }
    }

    /// Declines a submitted idea of the round with a public reason; false when there was no such idea.
    public func declineIdea(
        roundID: Int64, ideaID: Int64, reason: String, check: @escaping @Sendable (BudgetRound) throws -> Void
    ) async throws -> Bool {
        try await pool.transaction { connection in
            try check(try Self.lockedRound(connection, id: roundID))
            return try connection.query(
                """
                UPDATE budget_ideas SET status = 'declined', decline_reason = $3
                WHERE id = $2 AND round_id = $1 AND status = 'submitted'
                """, [roundID, ideaID, reason]
            ).affectedRows == 1
        }
    }

    // MARK: Projects

    static let projectColumns = "id, round_id, title, description, cost, feasibility, proposal_id, progress"

    static func project(_ row: Row) throws -> BudgetProject {
        BudgetProject(
            id: Int64(try row.int(0)), roundID: Int64(try row.int(1)), title: try row.string(2),
            description: try row.string(3), cost: Int64(try row.int(4)), feasibility: try row.string(5),
            proposalID: try row.optionalInt(6).map(Int64.init),
            progress: row.optionalString(7).flatMap(BudgetProjectProgress.init(rawValue:)))
    }

    /// Makes a project from `ideaIDs` (submitted ideas of the round, all accepted into it), once `check`
    /// has approved the round as locked.
    /// - Throws: `budget_idea_not_open` when one of the ideas is not a submitted idea of the round.
    public func createProject(
        roundID: Int64, title: String, description: String, cost: Int64, feasibility: String, ideaIDs: [Int64],
        proposalID: Int64?, at now: Date, check: @escaping @Sendable (BudgetRound) throws -> Void
    ) async throws -> Int64 {
        try await pool.transaction { connection in
            try check(try Self.lockedRound(connection, id: roundID))
            let id = Int64(
                try connection.query(
                    """
                    INSERT INTO budget_projects (round_id, title, description, cost, feasibility, proposal_id, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                    """, [roundID, title, description, cost, feasibility, proposalID, now]
                ).first!.int(0))
            let accepted = try connection.query(
                """
                UPDATE budget_ideas SET status = 'accepted', project_id = $3
                WHERE round_id = $1 AND id = ANY($2) AND status = 'submitted'
                """, [roundID, ideaIDs, id]
            ).affectedRows
            // Throwing rolls the project back with the ideas.
            guard accepted == Set(ideaIDs).count else { throw DomainError.budgetIdeaNotOpen }
            return id
        }
    }

    public func projects(roundID: Int64) async throws -> [BudgetProject] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT \(Self.projectColumns) FROM budget_projects WHERE round_id = $1 ORDER BY id", [roundID]
            ).rows.map(Self.project)
        }
    }

    // MARK: Voters and ballots

    /// The key of the voters' HMAC kept in the database (made by the migration).
    public func voterSecret() async throws -> [UInt8] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT secret FROM budget_secret").first!.bytes(0)
        }
    }

    /// Records (or renews) a verified voter of the round, with the hash of the token that will carry
    /// their ballot; an earlier token of the same voter stops working.
    public func registerVoter(
        roundID: Int64, voterHash: [UInt8], areaCode: String, tokenHash: [UInt8], at now: Date,
        check: @escaping @Sendable (BudgetRound) throws -> Void
    ) async throws {
        try await pool.transaction { connection in
            try check(try Self.lockedRound(connection, id: roundID))
            try connection.query(
                """
                INSERT INTO budget_voters (round_id, voter_hash, area_code, token_hash, verified_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (round_id, voter_hash)
                DO UPDATE SET area_code = EXCLUDED.area_code, token_hash = EXCLUDED.token_hash, verified_at = EXCLUDED.verified_at
                """, [roundID, PostgresBytes(voterHash), areaCode, PostgresBytes(tokenHash), now])
        }
    }

    /// Casts or replaces the ballot of the voter holding the token, once `check` has approved the round
    /// (locked) and the ballot against the round's projects; the check returns the ballot's projects and total.
    public func castBallot(
        roundID: Int64, tokenHash: [UInt8], at now: Date,
        check: @escaping @Sendable (BudgetRound, [BudgetCount.Candidate]) throws -> (projects: [Int64], total: Int64)
    ) async throws -> BudgetBallotCast {
        try await pool.transaction { connection in
            let round = try Self.lockedRound(connection, id: roundID)
            guard
                let voter = try connection.query(
                    "SELECT voter_hash FROM budget_voters WHERE round_id = $1 AND token_hash = $2",
                    [roundID, PostgresBytes(tokenHash)]
                ).first
            else { throw DomainError.budgetVoterUnknown }
            let candidates = try connection.query(
                "SELECT id, cost FROM budget_projects WHERE round_id = $1", [roundID]
            ).rows.map { BudgetCount.Candidate(id: Int64(try $0.int(0)), cost: Int64(try $0.int(1))) }
            let ballot = try check(round, candidates)
            let inserted = try connection.query(
                """
                INSERT INTO budget_ballots (round_id, voter_hash, projects, total_cost, cast_at, changed_at)
                VALUES ($1, $2, $3, $4, $5, $5)
                ON CONFLICT (round_id, voter_hash)
                DO UPDATE SET projects = EXCLUDED.projects, total_cost = EXCLUDED.total_cost, changed_at = EXCLUDED.changed_at
                RETURNING (xmax = 0)
                """, [roundID, PostgresBytes(try voter.bytes(0)), ballot.projects, ballot.total, now]
            ).first!.bool(0)
            return inserted ? .cast : .replaced
        }
    }

    /// The projects on the ballot of the voter holding the token; nil when they have none (or no such voter).
    public func ballot(roundID: Int64, tokenHash: [UInt8]) async throws -> [Int64]? {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT b.projects::text[] FROM budget_ballots b
                JOIN budget_voters v USING (round_id, voter_hash)
                WHERE v.round_id = $1 AND v.token_hash = $2
                """, [roundID, PostgresBytes(tokenHash)]
            ).first.map { try $0.stringArray(0).compactMap { Int64($0) } }
        }
    }

    /// Whether the token belongs to a voter of the round.
    public func isVoter(roundID: Int64, tokenHash: [UInt8]) async throws -> Bool {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                "SELECT 1 FROM budget_voters WHERE round_id = $1 AND token_hash = $2", [roundID, PostgresBytes(tokenHash)]
            ).first != nil
        }
    }

    /// Every ballot of the round (its projects), in no particular order.
    public func ballots(roundID: Int64) async throws -> [[Int64]] {
        try await pool.withConnection(idempotent: true) { connection in
            try Self.ballots(connection, roundID: roundID)
        }
    }

    static func ballots(_ connection: Connection, roundID: Int64) throws -> [[Int64]] {
        try connection.query("SELECT projects::text[] FROM budget_ballots WHERE round_id = $1", [roundID]).rows.map {
            try $0.stringArray(0).compactMap { Int64($0) }
        }
    }

    // MARK: Results

    /// Counts the round's ballots with `count` (given the round, its projects and its ballots, all read
    /// under the round's lock once `check` approved it), stores both rules' outcomes, marks the binding
    /// rule's winners `planned`, makes each winner an adopted proposal (from `winners`, by project) and
    /// marks the round published, all in one transaction.
    /// - Throws: `budget_results_published` when a winner already has its proposal.
    public func publishResults(
        roundID: Int64, at now: Date, staffID: Int64?, winners: [Int64: WinnerProposal],
        makeCode: @escaping @Sendable () -> String, check: @escaping @Sendable (BudgetRound) throws -> Void,
        count: @escaping @Sendable (BudgetRound, [BudgetCount.Candidate], [[Int64]]) -> [BudgetCount.Outcome]
    ) async throws {
        do {
            try await publishResultsOnce(
                roundID: roundID, at: now, staffID: staffID, winners: winners, makeCode: makeCode, check: check, count: count)
        } catch where Self.isSecondWinnerProposal(error) {
            throw DomainError.budgetResultsPublished
        }
    }

    func publishResultsOnce(
        roundID: Int64, at now: Date, staffID: Int64?, winners: [Int64: WinnerProposal],
        makeCode: @escaping @Sendable () -> String, check: @escaping @Sendable (BudgetRound) throws -> Void,
        count: @escaping @Sendable (BudgetRound, [BudgetCount.Candidate], [[Int64]]) -> [BudgetCount.Outcome]
    ) async throws {
        try await pool.transaction { connection in
            let round = try Self.lockedRound(connection, id: roundID, update: true)
            try check(round)
            let candidates = try connection.query(
                "SELECT id, cost FROM budget_projects WHERE round_id = $1", [roundID]
            ).rows.map { BudgetCount.Candidate(id: Int64(try $0.int(0)), cost: Int64(try $0.int(1))) }
            let ballots = try Self.ballots(connection, roundID: roundID)
            for outcome in count(round, candidates, ballots) {
                for project in outcome.projects {
                    let (reason, remaining, amount) = Self.columns(project.reason)
                    try connection.query(
                        """
                        INSERT INTO budget_results (round_id, rule, project_id, votes, position, reason, remaining, amount,
                            voter_share, ballots)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        """,
                        [
                            roundID, outcome.rule.rawValue, project.id, project.votes, project.position, reason, remaining,
                            amount, outcome.voterShare, ballots.count,
                        ])
                }
                if outcome.rule == round.rule {
                    try connection.query(
                        "UPDATE budget_projects SET progress = 'planned' WHERE round_id = $1 AND id = ANY($2)",
                        [roundID, outcome.winners])
                    for project in outcome.projects where project.selected {
                        guard let winner = winners[project.id] else {
                            throw PostgresError(kind: .other, message: "no proposal drafted for winning project \(project.id)")
                        }
                        try Self.insertWinner(
                            winner, projectID: project.id, cost: project.cost, votes: project.votes, round: round,
                            staffID: staffID, at: now, makeCode: makeCode, connection: connection)
                    }
                }
            }
            try connection.query(
                "UPDATE budget_rounds SET results_published_at = $2, advanced_to = 'results' WHERE id = $1", [roundID, now])
        }
    }

    static func columns(_ reason: BudgetCount.Reason) -> (String, Int64?, Double?) {
        switch reason {
        case .selected(let remaining, let share): return ("selected", remaining, share)
        case .doesNotFit(let remaining): return ("does_not_fit", remaining, nil)
        case .supportersCannotAfford(let money): return ("supporters_cannot_afford", nil, money)
        case .noVotes: return ("no_votes", nil, nil)
        }
    }

    static func reason(_ name: String, remaining: Int64?, amount: Double?) -> BudgetCount.Reason {
        switch name {
        case "selected": return .selected(remaining: remaining ?? 0, share: amount)
        case "does_not_fit": return .doesNotFit(remaining: remaining ?? 0)
        case "supporters_cannot_afford": return .supportersCannotAfford(supportersMoney: amount ?? 0)
        default: return .noVotes
        }
    }

    /// The published outcomes of the round, one per rule (empty before publication).
    public func results(roundID: Int64) async throws -> [BudgetCount.Outcome] {
        try await pool.withConnection(idempotent: true) { connection in
            let rows = try connection.query(
                """
                SELECT rule, project_id, cost, votes, position, reason, remaining, amount, voter_share
                FROM budget_results JOIN budget_projects ON budget_projects.id = project_id
                WHERE budget_results.round_id = $1 ORDER BY rule, project_id
                """, [roundID]
            ).rows
            var outcomes: [BudgetRule: BudgetCount.Outcome] = [:]
            for row in rows {
                let rule = BudgetRule(rawValue: try row.string(0)) ?? .greedy
                let share = try row.optionalDouble(8)
                let result = BudgetCount.ProjectResult(
                    id: Int64(try row.int(1)), cost: Int64(try row.int(2)), votes: try row.int(3),
                    position: try row.optionalInt(4),
                    reason: Self.reason(
                        try row.string(5), remaining: try row.optionalInt(6).map(Int64.init), amount: try row.optionalDouble(7)))
                outcomes[rule, default: BudgetCount.Outcome(rule: rule, winners: [], projects: [], voterShare: share)]
                    .projects.append(result)
            }
            return BudgetRule.allCases.compactMap { rule in
                guard var outcome = outcomes[rule] else { return nil }
                outcome.winners = outcome.projects.filter(\.selected).sorted { $0.position! < $1.position! }.map(\.id)
                return outcome
            }
        }
    }

    // MARK: Progress

    /// Records progress on a winning project of the round, and on the proposal it became; false when
    /// it is not a winner.
    /// - Throws: `budget_project_implemented` after the proposal's last update.
    public func addProgress(
        roundID: Int64, projectID: Int64, progress: BudgetProjectProgress, note: String, staffID: Int64?, at now: Date
    ) async throws -> Bool {
        try await pool.transaction { connection in
            let proposal = try Self.lockWinnerProposal(projectID: projectID, connection: connection)
            guard
                try Self.recordProgress(
                    roundID: roundID, projectID: projectID, progress: progress, note: note, staffID: staffID, at: now,
                    connection: connection)
            else { return false }
            if let proposal {
                try Self.followOnProposal(proposal, progress: progress, note: note, staffID: staffID, at: now, connection: connection)
            }
            return true
        }
    }

    public func progressUpdates(roundID: Int64) async throws -> [BudgetProgressUpdate] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT u.project_id, u.progress, u.note, u.created_at FROM budget_project_updates u
                JOIN budget_projects p ON p.id = u.project_id WHERE p.round_id = $1 ORDER BY u.id
                """, [roundID]
            ).rows.map {
                BudgetProgressUpdate(
                    projectID: Int64(try $0.int(0)), progress: BudgetProjectProgress(rawValue: try $0.string(1)) ?? .planned,
                    note: try $0.string(2), at: try $0.date(3))
            }
        }
    }

    // MARK: Statistics

    public func turnout() async throws -> [Int64: BudgetTurnout] {
        try await pool.withConnection(idempotent: true) { connection in
            var turnout: [Int64: BudgetTurnout] = [:]
            for row in try connection.query(
                """
                SELECT r.id, (SELECT count(*) FROM budget_voters v WHERE v.round_id = r.id),
                    (SELECT count(*) FROM budget_ballots b WHERE b.round_id = r.id)
                FROM budget_rounds r
                """
            ).rows {
                let id = Int64(try row.int(0))
                turnout[id] = BudgetTurnout(roundID: id, verifiedVoters: try row.int(1), ballots: try row.int(2))
            }
            return turnout
        }
    }
}

extension BudgetStore {
    /// Every published result of every round, rounds in publication order, for open data: public fields only.
    public func publishedResults() async throws -> [BudgetResultRecord] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT r.id, r.name, r.agency_code, r.eligible_areas, r.total_budget, res.rule, res.rule = r.rule,
                    p.id, p.title, p.cost, res.votes, res.position, res.reason, res.ballots,
                    (SELECT count(*) FROM budget_voters v WHERE v.round_id = r.id), p.progress, r.results_published_at
                FROM budget_results res
                JOIN budget_rounds r ON r.id = res.round_id
                JOIN budget_projects p ON p.id = res.project_id
                WHERE r.results_published_at IS NOT NULL
                ORDER BY r.results_published_at, r.id, res.rule, res.position NULLS LAST, p.id
                """
            ).rows.map { row in
                BudgetResultRecord(
                    roundID: Int64(try row.int(0)), roundName: try row.string(1), agencyCode: try row.string(2),
                    eligibleAreas: try row.stringArray(3), totalBudget: Int64(try row.int(4)),
                    rule: BudgetRule(rawValue: try row.string(5)) ?? .greedy, binding: try row.bool(6),
                    projectID: Int64(try row.int(7)), projectTitle: try row.string(8), cost: Int64(try row.int(9)),
                    votes: try row.int(10), selected: try row.optionalInt(11) != nil, position: try row.optionalInt(11),
                    reason: try row.string(12), ballots: try row.int(13), verifiedVoters: try row.int(14),
                    progress: row.optionalString(15).flatMap(BudgetProjectProgress.init(rawValue:)),
                    publishedAt: try row.date(16))
            }
        }
    }
}
