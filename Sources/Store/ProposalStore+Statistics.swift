public import Domain
public import Foundation
public import Postgres

extension ProposalStore {
    /// Public proposals counted by topic, scope and status (each combination once).
    public func counts() async throws -> [(category: String, scope: ProposalScopeLevel, status: ProposalStatus, count: Int)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT category_code, scope, status, count(*) FROM proposals
                WHERE status IN ('published', 'expired', 'routed', 'answered', 'implemented')
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """
            ).rows.compactMap { row in
                guard let scope = ProposalScopeLevel(rawValue: try row.string(1)),
                    let status = ProposalStatus(rawValue: try row.string(2))
                else { return nil }
                return (try row.string(0), scope, status, try row.int(3))
            }
        }
    }

    /// Per agency: proposals that reached their threshold, those answered, those answered by the
    /// deadline, and those whose deadline passed with no answer (as at `now`). Budget winners are left
    /// out: the vote adopted them, the agency had nothing to answer in time.
    public func agencyAnswers(at now: Date) async throws -> [ProposalAgencyFigures] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT agency_code, count(*),
                       count(first_answered_at),
                       count(*) FILTER (WHERE first_answered_at <= answer_due),
                       count(*) FILTER (WHERE first_answered_at IS NULL AND answer_due < $1)
                FROM proposals WHERE routed_at IS NOT NULL AND agency_code IS NOT NULL AND budget_project_id IS NULL
                GROUP BY agency_code ORDER BY agency_code
                """, [now]
            ).rows.map { row in
                ProposalAgencyFigures(
                    agencyCode: try row.string(0), routed: try row.int(1), answered: try row.int(2),
                    answeredInTime: try row.int(3), overdue: try row.int(4))
            }
        }
    }

    /// Counted supports per Bangkok month ("2026-05"), oldest first.
    public func supportsPerMonth() async throws -> [(month: String, supports: Int)] {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query(
                """
                SELECT to_char(created_at AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM'), count(*)
                FROM proposal_supports WHERE state = 'counted' GROUP BY 1 ORDER BY 1
                """
            ).rows.map { (try $0.string(0), try $0.int(1)) }
        }
    }

    /// The published columns of proposals' open data, in order: public fields only (the redacted
    /// title and text, never contact details or supporters).
    public static let openDataColumns = [
        "code", "title", "text", "scope", "province", "district", "category", "status", "estimated_cost",
        "published_at", "closes_at", "supports", "threshold", "agency", "routed_at", "answer_due", "answer",
        "answer_text", "answered_at", "implemented_at", "expired_at", "origin", "budget_round",
    ]

    /// Public proposals after id `after`, `limit` at a time, as rows of `openDataColumns` (nil for none):
    /// an export pages through them by id, so memory stays constant whatever the size.
    public func openDataPage(after: Int64, limit: Int) async throws -> (rows: [[String?]], lastID: Int64?) {
        func time(_ column: String) -> String {
            "to_char(\(column) AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+07:00\"')"
        }
        let sql = """
                SELECT id, code, public_title, public_text, scope, province_code, district_code, category_code, status,
                       estimated_cost::text, \(time("published_at")), \(time("closes_at")), supports::text, threshold::text,
                       CASE WHEN routed_at IS NULL THEN NULL ELSE agency_code END, \(time("routed_at")),
                       \(time("answer_due")), answer, answer_text, \(time("answered_at")), \(time("implemented_at")),
                       \(time("expired_at")),
                       CASE WHEN budget_project_id IS NULL THEN '\(ProposalOrigin.citizen.rawValue)'
                            ELSE '\(ProposalOrigin.budgetRound.rawValue)' END,
                       (SELECT bp.round_id::text FROM budget_projects bp WHERE bp.id = budget_project_id)
                FROM proposals
                WHERE id > $1 AND status IN ('published', 'expired', 'routed', 'answered', 'implemented')
                ORDER BY id LIMIT $2
                """
        return try await pool.withConnection(idempotent: true) { connection in
            let rows = try connection.query(sql, [after, limit]).rows
            let last = try rows.last.map { Int64(try $0.int(0)) }
            return (rows.map { row in (1...23).map { row.optionalString($0) } }, last)
        }
    }
}
