public import Domain
import Foundation

extension SeedFiles {
    /// The agencies of `<seeds>/agencies.csv`, then those of `<seeds>/agencies/*.csv`.
    public static func agencies(seeds: String) throws -> [Agency] {
        // Seeds/agencies/*.csv (generated: district offices and provincial police) follow agencies.csv.
        var paths = [seeds + "/agencies.csv"]
        let directory = seeds + "/agencies"
        if FileManager.default.fileExists(atPath: directory) {
            paths += try sortedFiles(in: directory, extension: "csv").map { directory + "/" + $0 }
        }
        func optional(_ value: String?) -> String? { (value?.isEmpty ?? true) ? nil : value }
        return try paths.flatMap { path in
            try CSVTable(path: path, requiring: ["code", "name_th", "name_en", "kind", "parent_code"]).records.map { _, row in
                Agency(
                    code: row["code"]!, nameTH: row["name_th"]!, nameEN: row["name_en"]!, kind: row["kind"]!,
                    parentCode: optional(row["parent_code"]), provinceCode: optional(row["province_code"]),
                    districtCode: optional(row["district_code"]))
            }
        }
    }

    /// The routing rules of `<config>/routing.csv`, in file order.
    public static func routingRules(config: String) throws -> [RoutingRule] {
        let table = try CSVTable(path: config + "/routing.csv", requiring: ["category", "area", "agency"])
        return try table.records.map { line, row in
            let category = row["category"]!
            let agency = row["agency"]!
            guard !agency.isEmpty else { throw FormatError(description: "\(table.path):\(line): no agency") }
            return RoutingRule(
                categoryCode: category.isEmpty ? nil : category, areaCode: row["area"]!.isEmpty ? nil : row["area"],
                agency: agency)
        }
    }

    /// The deadline policies of `<config>/deadlines.csv`: per category, and per agency overrides.
    public static func deadlines(config: String) throws -> [DeadlineRule] {
        let table = try CSVTable(
            path: config + "/deadlines.csv",
            requiring: ["category", "agency", "acknowledge_hours", "first_answer_days", "resolution_days"])
        return try table.records.compactMap { line, row in
            let category = row["category"]!
            guard let acknowledge = Int(row["acknowledge_hours"]!), let firstAnswer = Int(row["first_answer_days"]!),
                let resolution = Int(row["resolution_days"]!), acknowledge > 0, firstAnswer > 0, resolution > 0
            else {
                throw FormatError(description: "\(table.path):\(line): deadlines must be positive whole numbers")
            }
            let agency = row["agency"]!
            guard !(category.isEmpty && agency.isEmpty) else {
                throw FormatError(description: "\(table.path):\(line): give a category, an agency or both")
            }
            return DeadlineRule(
                categoryCode: category.isEmpty ? nil : category, agencyCode: agency.isEmpty ? nil : agency,
                policy: DeadlinePolicy(acknowledgeHours: acknowledge, firstAnswerDays: firstAnswer, resolutionDays: resolution))
        }
    }
}

extension SeedFiles {
    /// Everything of `Seeds/` and `Config/` that goes into the database.
    public static func referenceData(home: SiangHome) throws -> ReferenceData {
        let (version, categories) = try categories(seeds: home.seeds)
        var data = ReferenceData(
            taxonomyVersion: version, categories: categories, areas: try areas(seeds: home.seeds),
            agencies: try agencies(seeds: home.seeds), routingRules: try routingRules(config: home.config),
            deadlines: try deadlines(config: home.config))
        data.successors = try successors(seeds: home.seeds)
        return data
    }
}
