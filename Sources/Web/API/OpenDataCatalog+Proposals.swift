import Foundation
import Services

extension OpenDataCatalog {
    /// What each published column of proposals' open data is.
    static let proposalColumns: [String: (type: String, th: String, en: String)] = [
        "code": ("string", "รหัสข้อเสนอ", "Proposal code"),
        "title": ("string", "ชื่อข้อเสนอ (ปิดข้อมูลส่วนบุคคลแล้ว)", "Title, personal data removed"),
        "text": ("string", "รายละเอียด (ปิดข้อมูลส่วนบุคคลแล้ว)", "Text, personal data removed"),
        "scope": ("string", "ขอบเขต (national, province, district)", "Scope: national, province or district"),
        "province": ("string", "รหัสจังหวัด", "Province DOPA code"),
        "district": ("string", "รหัสอำเภอ/เขต", "District DOPA code"),
        "category": ("string", "รหัสหัวข้อ", "Topic (category) code"),
        "status": ("string", "สถานะ", "Status"),
        "estimated_cost": ("integer", "ประมาณการค่าใช้จ่าย (บาท) ตามผู้เสนอ", "The proposer's estimated cost, baht"),
        "published_at": ("datetime", "วันเวลาที่เผยแพร่", "Published at"),
        "closes_at": ("datetime", "วันปิดรับการสนับสนุน", "Supports close at"),
        "supports": ("integer", "จำนวนผู้สนับสนุนที่นับ", "Supports counted"),
        "threshold": ("integer", "เกณฑ์จำนวนผู้สนับสนุน", "Supports needed"),
        "agency": ("string", "หน่วยงานที่ต้องตอบ", "Agency that must answer"),
        "routed_at": ("datetime", "วันเวลาที่ถึงเกณฑ์", "Threshold reached at"),
        "answer_due": ("datetime", "กำหนดตอบ", "Answer due"),
        "answer": ("string", "คำตอบ (adopted, adopted_in_part, under_study, declined)", "Answer"),
        "answer_text": ("string", "คำอธิบายของหน่วยงาน", "The agency's explanation"),
        "answered_at": ("datetime", "วันเวลาที่ตอบ", "Answered at"),
        "implemented_at": ("datetime", "วันเวลาที่ดำเนินการแล้วเสร็จ", "Implemented at"),
        "expired_at": ("datetime", "วันเวลาที่หมดเวลา", "Expired at"),
        "origin": (
            "string", "ที่มา (citizen: ประชาชนเสนอ, budget_round: ชนะการลงคะแนนงบประมาณแบบมีส่วนร่วม)",
            "Origin: citizen, or budget_round for a participatory-budgeting winner"
        ),
        "budget_round": ("integer", "รหัสรอบงบประมาณแบบมีส่วนร่วมที่ชนะ", "The budget round it won"),
    ]

    /// The proposals' dataset: public proposals, public fields only.
    static func proposalsDataset(
        base: String, license: Reference, publisher: Publisher, periodicity: Reference, modified: String
    ) -> Dataset {
        Dataset(
            id: base + "/api/v1/open-data/catalog.json#proposals", identifier: "siang-proposals",
            title: ["th": "ข้อเสนอของประชาชนและคำตอบของหน่วยงาน", "en": "Citizens' proposals and agencies' answers"],
            description: [
                "th": "ข้อเสนอที่เผยแพร่แล้ว: ขอบเขต หัวข้อ สถานะ จำนวนผู้สนับสนุน เกณฑ์ หน่วยงาน กำหนดตอบ และคำตอบ "
                    + "ไม่มีข้อมูลติดต่อและข้อมูลผู้สนับสนุน",
                "en": "Every published proposal: scope, topic, status, supports, threshold, agency, deadline and answer. "
                    + "No contact data, nothing about supporters.",
            ],
            keyword: ["ข้อเสนอ", "proposals", "บอกเรา ถึงรัฐ", "public participation"], theme: ["GOVE"], license: license,
            publisher: publisher, accrualPeriodicity: periodicity, modified: modified,
            columns: ProposalStatistics.openDataColumns.map { name in
                let column = proposalColumns[name] ?? ("string", name, name)
                return Column(name: name, datatype: column.type, titles: ["th": column.th, "en": column.en])
            },
            distribution: [
                Distribution(
                    title: "CSV (UTF-8)", accessURL: Reference(id: base + "/api/v1/open-data/proposals.csv"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/proposals.csv"), mediaType: "text/csv", format: "CSV",
                    license: license),
                Distribution(
                    title: "JSON Lines", accessURL: Reference(id: base + "/api/v1/open-data/proposals.json"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/proposals.json"),
                    mediaType: "application/x-ndjson", format: "JSON", license: license),
                Distribution(
                    title: "Statistics (JSON)", accessURL: Reference(id: base + "/api/v1/stats/proposals"),
                    downloadURL: Reference(id: base + "/api/v1/stats/proposals"), mediaType: "application/json",
                    format: "JSON", license: license),
            ])
    }
}
