import Domain
import Foundation
import Hummingbird
import NIOCore
import Services
import Statistics
import JSONBytes

/// Consultation statistics and open data: `GET /api/v1/stats/consultations` (every consultation's
/// participation and how long the agency took to respond), and as CSV the opinions of closed
/// consultations (redacted) and their themes with the published responses, listed in the DCAT catalogue.
struct ConsultationOpenDataController {
    let consultations: ConsultationService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/consultations", use: statistics)
        group.get("open-data/consultation-opinions.csv", use: opinions)
        group.get("open-data/consultation-themes.csv", use: themes)
    }

    struct ItemJSON: Encodable {
        var id: Int64
        var title: String
        var agency: String
        var phase: String
        var opinions: Int
        var participants: Int
        var verified_opinions: Int
        /// Days from closing to the published responses; null until published.
        var response_days: Double?
    }

    struct StatisticsJSON: Encodable {
        var consultations: [ItemJSON]
        var total_opinions: Int
        var total_participants: Int
        /// The median of `response_days` over the consultations that responded; null when none has.
        var median_response_days: Double?
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func round(_ value: Double) -> Double { value.rounded(toPlaces: 1) }

    static func figures(_ figures: [ConsultationService.Figures]) -> StatisticsJSON {
        StatisticsJSON(
            consultations: figures.map {
                ItemJSON(
                    id: $0.consultation.id, title: $0.consultation.title, agency: $0.consultation.agencyCode,
                    phase: $0.phase.rawValue, opinions: $0.participation.opinions, participants: $0.participation.participants,
                    verified_opinions: $0.participation.verifiedOpinions, response_days: $0.responseDays.map(round))
            },
            total_opinions: figures.reduce(0) { $0 + $1.participation.opinions },
            total_participants: figures.reduce(0) { $0 + $1.participation.participants },
            median_response_days: median(figures.compactMap(\.responseDays)).map(round))
    }

    @Sendable func statistics(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try JSONResponse.make(Self.figures(try await consultations.figures()), headers: [.cacheControl: "public, max-age=10"])
    }

    typealias Field = (name: String, type: String, th: String, en: String)

    static let opinionFields: [Field] = [
        ("opinion_id", "integer", "รหัสความคิดเห็น", "Opinion id"),
        ("consultation_id", "integer", "รหัสการรับฟังความคิดเห็น", "Consultation id"),
        ("section", "integer", "หมวดของร่างที่แสดงความเห็น (ว่าง: ทั้งฉบับ)", "Section of the draft (empty: the whole)"),
        ("stance", "string", "ท่าที (agree, disagree, neutral)", "Stance: agree, disagree or neutral"),
        ("text", "string", "ความคิดเห็น (ปิดข้อมูลส่วนบุคคลแล้ว)", "The opinion, personal data replaced by labels"),
        ("verified", "boolean", "ผู้แสดงความเห็นยืนยันตัวตนแล้ว", "Whether the person verified an address"),
        ("theme_id", "integer", "รหัสประเด็น", "Theme id"),
        ("created_at", "datetime", "วันเวลาที่แสดงความเห็น", "Given at"),
    ]

    static let themeFields: [Field] = [
        ("theme_id", "integer", "รหัสประเด็น", "Theme id"),
        ("consultation_id", "integer", "รหัสการรับฟังความคิดเห็น", "Consultation id"),
        ("consultation_title", "string", "ชื่อการรับฟังความคิดเห็น", "Consultation title"),
        ("agency", "string", "รหัสหน่วยงาน", "Agency code"),
        ("label", "string", "ชื่อประเด็น", "Theme"),
        ("words", "string", "คำสำคัญ (คั่นด้วย ;)", "Characteristic words, separated by ;"),
        ("opinions", "integer", "จำนวนความคิดเห็น", "Opinions"),
        ("agree", "integer", "เห็นด้วย", "Agreeing"),
        ("disagree", "integer", "ไม่เห็นด้วย", "Disagreeing"),
        ("neutral", "integer", "เป็นกลาง", "Neutral"),
        ("response", "string", "คำตอบของหน่วยงาน (เมื่อเผยแพร่แล้ว)", "The agency's response, once published"),
        ("responded_at", "datetime", "วันเวลาที่ตอบ", "Responded at"),
    ]

    static func csv(_ fields: [Field], rows: [[String]], name: String) -> Response {
        var text = "\u{FEFF}" + fields.map(\.name).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(BudgetOpenDataController.cell).joined(separator: ",") + "\r\n" }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: .init(string: text)))
    }

    @Sendable func opinions(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let rows = try await consultations.closedOpinions().map { opinion in
            [
                "\(opinion.id)", "\(opinion.consultationID)", opinion.section.map { "\($0)" } ?? "", opinion.stance.rawValue,
                opinion.publicText, "\(opinion.verified)", opinion.themeID.map { "\($0)" } ?? "",
                BangkokTime.format(opinion.createdAt),
            ]
        }
        return Self.csv(Self.opinionFields, rows: rows, name: "siang-consultation-opinions.csv")
    }

    @Sendable func themes(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var rows: [[String]] = []
        for (consultation, themes) in try await consultations.closedThemes() {
            for theme in themes {
                rows.append([
                    "\(theme.id)", "\(consultation.id)", consultation.title, consultation.agencyCode, theme.label,
                    theme.words.joined(separator: ";"), "\(theme.size)", "\(theme.stances.agree)", "\(theme.stances.disagree)",
                    "\(theme.stances.neutral)", theme.response ?? "", theme.respondedAt.map(BangkokTime.format) ?? "",
                ])
            }
        }
        return Self.csv(Self.themeFields, rows: rows, name: "siang-consultation-themes.csv")
    }
}

extension OpenDataCatalog {
    /// The consultation datasets of the catalogue: opinions (redacted) and themes with responses.
    static func consultationDatasets(base: String, license: Reference, publisher: Publisher, modified: String) -> [Dataset] {
        func dataset(
            _ name: String, title: [String: String], description: [String: String],
            fields: [ConsultationOpenDataController.Field]
        ) -> Dataset {
            let url = base + "/api/v1/open-data/\(name).csv"
            return Dataset(
                id: base + "/api/v1/open-data/catalog.json#\(name)", identifier: "siang-\(name)", title: title,
                description: description, keyword: ["public consultation", "การรับฟังความคิดเห็น", "public participation"],
                theme: ["GOVE"], license: license, publisher: publisher,
                accrualPeriodicity: Reference(id: "http://purl.org/cld/freq/daily"), modified: modified,
                columns: fields.map { Column(name: $0.name, datatype: $0.type, titles: ["th": $0.th, "en": $0.en]) },
                distribution: [
                    Distribution(
                        title: "CSV (UTF-8)", accessURL: Reference(id: url), downloadURL: Reference(id: url), mediaType: "text/csv",
                        format: "CSV", license: license)
                ])
        }
        return [
            dataset(
                "consultation-opinions", title: ["th": "ความคิดเห็นจากการรับฟังความคิดเห็น", "en": "Consultation opinions"],
                description: [
                    "th": "ความคิดเห็นทุกข้อของการรับฟังความคิดเห็นที่ปิดรับแล้ว ปิดข้อมูลส่วนบุคคลแล้ว พร้อมท่าทีและประเด็น ไม่มีข้อมูลผู้แสดงความเห็น",
                    "en": "Every opinion of closed consultations, personal data replaced by labels, with its stance and theme. No data on who gave it.",
                ], fields: ConsultationOpenDataController.opinionFields),
            dataset(
                "consultation-themes", title: ["th": "ประเด็นและคำตอบของการรับฟังความคิดเห็น", "en": "Consultation themes and responses"],
                description: [
                    "th": "ประเด็นที่จัดกลุ่มจากความคิดเห็นของการรับฟังความคิดเห็นที่ปิดรับแล้ว จำนวน ท่าที และคำตอบของหน่วยงาน",
                    "en": "The themes of closed consultations' opinions: their size, stances, and the agency's response once published.",
                ], fields: ConsultationOpenDataController.themeFields),
        ]
    }
}
