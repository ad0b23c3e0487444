public import Domain
import Foundation

extension SeedFiles {
    /// The local governments of a CSV file for `siang agencies import`: columns `code`, `name_th`,
    /// `name_en`, `kind` (municipality, sao, city), `province_code`, `district_code`, `subdistricts`
    /// (DOPA codes separated by `;`) and, optionally, `categories` (`;`-separated; empty for the
    /// default local categories). Lines starting with `#` are comments.
    /// - Throws: `FormatError` naming the file and line of a missing column or malformed row.
    public static func localGovernments(path: String) throws -> [LocalGovernment] {
        let table = try CSVTable(
            path: path, requiring: ["code", "name_th", "name_en", "kind", "province_code", "district_code", "subdistricts"])
        func list(_ value: String?) -> [String] {
            (value ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return try table.records.map { line, row in
            let subdistricts = list(row["subdistricts"])
            guard !subdistricts.isEmpty else {
                throw FormatError(description: "\(path):\(line): no subdistricts for \(row["code"]!)")
            }
            return LocalGovernment(
                agency: Agency(
                    code: row["code"]!, nameTH: row["name_th"]!, nameEN: row["name_en"]!, kind: row["kind"]!,
                    parentCode: "dla", provinceCode: row["province_code"]!.isEmpty ? nil : row["province_code"],
                    districtCode: row["district_code"]!.isEmpty ? nil : row["district_code"]),
                subdistricts: subdistricts, categories: list(row["categories"]))
        }
    }
}
