extension OpenDataCatalog {
    /// The participatory-budgeting results dataset of the catalogue.
    static func budgetResults(base: String, license: Reference, publisher: Publisher, modified: String) -> Dataset {
        Dataset(
            id: base + "/api/v1/open-data/catalog.json#budget-results", identifier: "siang-budget-results",
            title: ["th": "ผลการลงคะแนนงบประมาณแบบมีส่วนร่วม", "en": "Participatory budgeting results"],
            description: [
                "th": "ผลของทุกรอบงบประมาณแบบมีส่วนร่วมที่ประกาศแล้ว ทีละโครงการ ทั้งวิธีเรียงตามคะแนนและวิธีแบ่งส่วนเท่ากัน: "
                    + "ค่าใช้จ่าย คะแนน ผล เหตุผล จำนวนบัตร ผู้ยืนยันตัวตน และความคืบหน้า ไม่มีข้อมูลผู้ลงคะแนน",
                "en": "Every published participatory-budgeting round, project by project, under both greedy and Equal "
                    + "Shares counting: cost, votes, outcome, reason, ballots, verified voters and progress. No voter data.",
            ],
            keyword: ["participatory budgeting", "งบประมาณแบบมีส่วนร่วม", "method of equal shares", "public participation"],
            theme: ["GOVE"], license: license, publisher: publisher,
            accrualPeriodicity: Reference(id: "http://purl.org/cld/freq/daily"), modified: modified,
            columns: BudgetOpenDataController.fields.map {
                Column(name: $0.name, datatype: $0.type, titles: ["th": $0.th, "en": $0.en])
            },
            distribution: [
                Distribution(
                    title: "CSV (UTF-8)", accessURL: Reference(id: base + "/api/v1/open-data/budget-results.csv"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/budget-results.csv"), mediaType: "text/csv",
                    format: "CSV", license: license),
                Distribution(
                    title: "JSON Lines", accessURL: Reference(id: base + "/api/v1/open-data/budget-results.json"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/budget-results.json"),
                    mediaType: "application/x-ndjson", format: "JSON", license: license),
            ])
    }
}
