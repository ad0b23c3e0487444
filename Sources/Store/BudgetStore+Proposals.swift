public import Domain
public import Foundation
import Postgres

/// The link between participatory budgeting and proposals: a winning project becomes an adopted
/// proposal of the round's agency when results are published, and progress reported on either is
/// written to both in the same transaction, so the winner has one story.
///
/// Both doors lock the proposal's row before the project's, so a budget update and a proposal
/// update of the same winner cannot deadlock.
extension BudgetStore {
    /// What a winner's proposal says, made by the service before the results' transaction (the
    /// project's and its ideas' words, redacted for the public, and its topic).
    public struct WinnerProposal: Sendable {
        public var title: String
        public var text: String
        public var publicTitle: String
        public var publicText: String
        public var words: [String]
        public var categoryCode: String

        public init(
            title: String, text: String, publicTitle: String, publicText: String, words: [String], categoryCode: String
        ) {
            self.title = title
            self.text = text
            self.publicTitle = publicTitle
            self.publicText = publicText
            self.words = words
            self.categoryCode = categoryCode
        }
    }

    /// Stores the adopted proposal of winning project `projectID`. A random code that is taken is
    /// replaced by another without aborting the results' transaction; a second proposal for the same
    /// project breaks `proposals_budget_project_key` (SQLSTATE 23505), which the caller maps.
    static func insertWinner(
        _ winner: WinnerProposal, projectID: Int64, cost: Int64, votes: Int, round: BudgetRound, staffID: Int64?,
        at now: Date, makeCode: @Sendable () -> String, connection: Connection
    ) throws {
        let scope = BudgetWinnerRules.scope(of: round.eligibleAreas)
        let answer = BudgetWinnerRules.answerText(roundName: round.name, votes: votes)
        for _ in 0..<8 {
            // Nobody proposed it, so nobody holds its secret: a random one, forgotten at once.
            guard
                let row = try connection.query(
                    """
                    INSERT INTO proposals (
                        code, secret_hash, title, text, public_title, public_text, words, scope, province_code,
                        district_code, category_code, estimated_cost, language, status, created_at, published_at,
                        routed_at, agency_code, answer, answer_text, answered_at, first_answered_at, budget_project_id,
                        updated_at)
                    VALUES ($1, sha256(convert_to(gen_random_uuid()::text, 'UTF8')), $2, $3, $4, $5, $6::text[], $7, $8,
                            $9, $10, $11, 'th', 'answered', $12, $12, $12, $13, 'adopted', $14, $12, $12, $15, $12)
                    ON CONFLICT (code) DO NOTHING RETURNING id
                    """,
                    [
                        makeCode(), winner.title, winner.text, winner.publicTitle, winner.publicText, winner.words,
                        scope.level.rawValue, scope.provinceCode, scope.districtCode, winner.categoryCode, cost, now,
                        round.agencyCode, answer, projectID,
                    ]
                ).first
            else { continue }
            let id = Int64(try row.int(0))
            try ProposalStore.addEvent(.published, proposalID: id, at: now, staffID: staffID, connection: connection)
            try ProposalStore.addEvent(
                .answered, proposalID: id, at: now, note: answer, agencyCode: round.agencyCode, staffID: staffID,
                connection: connection)
            return
        }
        throw PostgresError(kind: .other, message: "could not find a free proposal code")
    }

    /// Whether `error` is the second proposal of one winning project.
    static func isSecondWinnerProposal(_ error: any Error) -> Bool {
        (error as? PostgresError).map { $0.kind == .uniqueViolation && $0.constraint == "proposals_budget_project_key" }
            ?? false
    }

    /// The proposals the round's winners became, by project.
    public func winnerProposals(roundID: Int64) async throws -> [Int64: BudgetWinnerProposal] {
        try await pool.withConnection(idempotent: true) { connection in
            var found: [Int64: BudgetWinnerProposal] = [:]
            for row in try connection.query(
                """
                SELECT p.budget_project_id, p.id, p.code, p.status FROM proposals p
                JOIN budget_projects bp ON bp.id = p.budget_project_id WHERE bp.round_id = $1
                """, [roundID]
            ).rows {
                let project = Int64(try row.int(0))
                found[project] = BudgetWinnerProposal(
                    projectID: project, proposalID: Int64(try row.int(1)), code: try row.string(2),
                    status: ProposalStatus(rawValue: try row.string(3)) ?? .answered)
            }
            return found
        }
    }

    /// Locks the proposal winning project `projectID` became (before the project's row is touched).
    /// - Throws: `budget_project_implemented` when it is implemented already: that was its last update.
    static func lockWinnerProposal(projectID: Int64, connection: Connection) throws -> (id: Int64, agency: String?)? {
        guard
            let row = try connection.query(
                "SELECT id, status, agency_code FROM proposals WHERE budget_project_id = $1 FOR UPDATE", [projectID]
            ).first
        else { return nil }
        guard try row.string(1) != ProposalStatus.implemented.rawValue else {
            throw DomainError.budgetProjectImplemented
        }
        return (Int64(try row.int(0)), row.optionalString(2))
    }

    /// A budget progress update, told on the winner's proposal: a progress entry, or, for
    /// `implemented`, the proposal's last.
    static func followOnProposal(
        _ proposal: (id: Int64, agency: String?), progress: BudgetProjectProgress, note: String, staffID: Int64?,
        at now: Date, connection: Connection
    ) throws {
        if progress == .implemented {
            try connection.query(
                "UPDATE proposals SET status = 'implemented', implemented_at = $2, updated_at = $2 WHERE id = $1",
                [proposal.id, now])
        } else {
            try connection.query("UPDATE proposals SET updated_at = $2 WHERE id = $1", [proposal.id, now])
        }
        try ProposalStore.addEvent(
            progress == .implemented ? .implemented : .progress, proposalID: proposal.id, at: now, note: note,
            agencyCode: proposal.agency, staffID: staffID, connection: connection)
    }

    /// Sets a winning project's progress and records the update; false when the project is no winner
    /// (of round `roundID`, when given).
    static func recordProgress(
        roundID: Int64?, projectID: Int64, progress: BudgetProjectProgress, note: String, staffID: Int64?, at now: Date,
        connection: Connection
    ) throws -> Bool {
        guard
            try connection.query(
                """
                UPDATE budget_projects SET progress = $3
                WHERE id = $2 AND ($1::bigint IS NULL OR round_id = $1) AND progress IS NOT NULL
                """, [roundID, projectID, progress.rawValue]
            ).affectedRows == 1
        else { return false }
        try connection.query(
            """
            INSERT INTO budget_project_updates (project_id, progress, note, staff_id, created_at)
            VALUES ($1, $2, $3, $4, $5)
            """, [projectID, progress.rawValue, note, staffID, now])
        return true
    }

    /// A proposal's progress update, told on the budget project it stands for (nothing for a citizen's
    /// proposal). Runs inside the proposal's change, which holds the proposal's row.
    static func followOnProject(
        proposalID: Int64, implemented: Bool, note: String, staffID: Int64?, at now: Date, connection: Connection
    ) throws {
        guard
            let project = try connection.query(
                "SELECT budget_project_id FROM proposals WHERE id = $1 AND budget_project_id IS NOT NULL", [proposalID]
            ).first
        else { return }
        _ = try recordProgress(
            roundID: nil, projectID: Int64(try project.int(0)),
            progress: BudgetWinnerRules.projectProgress(implemented: implemented), note: note, staffID: staffID, at: now,
            connection: connection)
    }
}
