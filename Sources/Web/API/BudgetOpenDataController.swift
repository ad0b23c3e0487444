import Domain
import Foundation
import Hummingbird
import NIOCore
import Services
import Statistics

/// Budget statistics and open data: `GET /api/v1/stats/budgets` (every round: phase, budget, turnout and
/// the binding rule's winners) and the published results of every round as CSV or JSON Lines
/// (`/api/v1/open-data/budget-results.csv`, `.json`), public fields only, listed in the DCAT catalogue.
struct BudgetOpenDataController {
    let budgets: BudgetService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/budgets", use: statistics)
        group.get("open-data/budget-results.csv", use: csv)
        group.get("open-data/budget-results.json", use: jsonLines)
    }

    struct RoundJSON: Encodable {
        var id: Int64
        var name: String
        var agency: String
        var phase: String
        var total_budget: Int64
        var rule: String
        var verified_voters: Int
        var ballots: Int
        /// Ballots cast ÷ verified voters; null before anyone verified.
        var turnout: Double?
        var results_published: Bool
        var winners: [Int64]
        var spent: Int64
    }

    struct StatisticsJSON: Encodable {
        var rounds: [RoundJSON]
    }

    @Sendable func statistics(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try JSONResponse.make(
            StatisticsJSON(
                rounds: try await budgets.roundFigures().map { figures in
                    RoundJSON(
                        id: figures.round.id, name: figures.round.name, agency: figures.round.agencyCode,
                        phase: figures.phase.rawValue, total_budget: figures.round.totalBudget, rule: figures.round.rule.rawValue,
                        verified_voters: figures.verifiedVoters, ballots: figures.ballots, turnout: figures.turnout,
                        results_published: figures.round.resultsPublishedAt != nil, winners: figures.winners,
                        spent: figures.spent)
                }), headers: [.cacheControl: "public, max-age=10"])
    }

    /// The published columns, in order, with their descriptions (also the catalogue's table schema).
    static let fields: [(name: String, type: String, th: String, en: String)] = [
        ("round_id", "integer", "รหัสรอบงบประมาณ", "Budget round id"),
        ("round_name", "string", "ชื่อรอบ", "Round name"),
        ("agency", "string", "รหัสหน่วยงานเจ้าของรอบ", "Agency code"),
        ("areas", "string", "รหัสพื้นที่ผู้มีสิทธิ์ (คั่นด้วย ;)", "Eligible area codes, separated by ;"),
        ("total_budget", "integer", "งบประมาณ (บาท)", "Budget in baht"),
        ("rule", "string", "วิธีนับ (greedy, equal_shares)", "Counting rule: greedy or equal_shares"),
        ("binding", "boolean", "เป็นวิธีที่ใช้ตัดสิน", "Whether this rule decided the round"),
        ("project_id", "integer", "รหัสโครงการ", "Project id"),
        ("project_title", "string", "ชื่อโครงการ", "Project title"),
        ("cost", "integer", "ค่าใช้จ่าย (บาท)", "Cost in baht"),
        ("votes", "integer", "คะแนนเสียง", "Votes"),
        ("selected", "boolean", "ได้รับเลือก", "Chosen"),
        ("position", "integer", "ลำดับที่ได้รับเลือก", "Order in which it was chosen"),
        ("reason", "string", "เหตุผล (selected, does_not_fit, supporters_cannot_afford, no_votes)", "Why it was or was not chosen"),
        ("ballots", "integer", "จำนวนบัตรลงคะแนน", "Ballots cast"),
        ("verified_voters", "integer", "ผู้ยืนยันตัวตน", "Verified voters"),
        ("progress", "string", "ความคืบหน้า (planned, in_progress, implemented)", "Progress of a winning project"),
        ("published_at", "datetime", "วันเวลาที่ประกาศผล", "Results published at"),
    ]

    static func values(_ record: BudgetResultRecord) -> [String] {
        [
            "\(record.roundID)", record.roundName, record.agencyCode, record.eligibleAreas.joined(separator: ";"),
            "\(record.totalBudget)", record.rule.rawValue, "\(record.binding)", "\(record.projectID)", record.projectTitle,
            "\(record.cost)", "\(record.votes)", "\(record.selected)", record.position.map { "\($0)" } ?? "", record.reason,
            "\(record.ballots)", "\(record.verifiedVoters)", record.progress?.rawValue ?? "", BangkokTime.format(record.publishedAt),
        ]
    }

    /// A CSV cell: quoted, with a cell a spreadsheet would run as a formula defused by a leading apostrophe,
    /// as the cases' open data does.
    static func cell(_ value: String) -> String {
        let defused = value.first.map { "=+-@\t\r".contains($0) } == true ? "'" + value : value
        return "\"" + defused.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    @Sendable func csv(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var text = "\u{FEFF}" + Self.fields.map(\.name).joined(separator: ",") + "\r\n"
        for record in try await budgets.publishedResults() {
            text += Self.values(record).map(Self.cell).joined(separator: ",") + "\r\n"
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"siang-budget-results.csv\"",
            ], body: .init(byteBuffer: .init(string: text)))
    }

    @Sendable func jsonLines(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var text = ""
        for record in try await budgets.publishedResults() {
            var object: [String: Any] = [:]
            for (field, value) in zip(Self.fields, Self.values(record)) {
                switch field.type {
                case "integer": object[field.name] = value.isEmpty ? NSNull() as Any : Int64(value) as Any
                case "boolean": object[field.name] = value == "true"
                default: object[field.name] = value.isEmpty ? NSNull() as Any : value as Any
                }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8"],
            body: .init(byteBuffer: .init(string: text)))
    }
}
