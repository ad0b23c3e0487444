public import Domain
import Foundation
public import ThaiText

extension SeedFiles {
    /// Every area of `<seeds>/areas/`: provinces, districts and subdistricts, parents first.
    /// - Throws: `FormatError` for a missing column, a malformed code or an unknown parent.
    public static func areas(seeds: String) throws -> [Area] {
        let directory = seeds + "/areas/"
        var areas: [Area] = []
        var known = Set<String>()

        func altNames(_ value: String?) -> [String] {
            (value ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func add(_ area: Area, file: String, line: Int) throws {
            guard AreaLevel(code: area.code) == area.level else {
                throw FormatError(description: "\(file):\(line): \"\(area.code)\" is not a \(area.level.rawValue) code")
            }
            if let parent = area.parentCode {
                guard known.contains(parent), area.code.hasPrefix(parent) else {
                    throw FormatError(description: "\(file):\(line): parent \"\(parent)\" of \(area.code) is unknown")
                }
            }
            guard known.insert(area.code).inserted else {
                throw FormatError(description: "\(file):\(line): area \(area.code) appears twice")
            }
            areas.append(area)
        }

        let provinces = try CSVTable(path: directory + "provinces.csv", requiring: ["code", "name_th", "name_en"])
        for (line, row) in provinces.records {
            try add(
                Area(
                    code: row["code"]!, level: .province, parentCode: nil, nameTH: row["name_th"]!, nameEN: row["name_en"]!,
                    altNames: altNames(row["alt_names"])), file: provinces.path, line: line)
        }
        let districts = try CSVTable(
            path: directory + "districts.csv", requiring: ["code", "province_code", "name_th", "name_en"])
        for (line, row) in districts.records {
            try add(
                Area(
                    code: row["code"]!, level: .district, parentCode: row["province_code"]!, nameTH: row["name_th"]!,
                    nameEN: row["name_en"]!, altNames: altNames(row["alt_names"])), file: districts.path, line: line)
        }
        let subdistrictsPath = directory + "subdistricts.csv"
        if FileManager.default.fileExists(atPath: subdistrictsPath) {
            let subdistricts = try CSVTable(
                path: subdistrictsPath, requiring: ["code", "district_code", "name_th", "name_en"])
            for (line, row) in subdistricts.records {
                let postcodes = altNames(row["postcode"])
                try add(
                    Area(
                        code: row["code"]!, level: .subdistrict, parentCode: row["district_code"]!, nameTH: row["name_th"]!,
                        nameEN: row["name_en"]!, altNames: altNames(row["alt_names"]), postcodes: postcodes),
                    file: subdistricts.path, line: line)
            }
        }
        return areas
    }

    /// Abolished areas' codes → their successors' codes, from `<seeds>/areas/abolished.csv` when it
    /// exists; an abolished area with no known successor is left out.
    public static func successors(seeds: String) throws -> [String: [String]] {
        let path = seeds + "/areas/abolished.csv"
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let table = try CSVTable(path: path, requiring: ["code", "successors"])
        var successors: [String: [String]] = [:]
        for (_, row) in table.records {
            let codes = row["successors"]!.split(separator: ";").map(String.init)
            if !codes.isEmpty { successors[row["code"]!] = codes }
        }
        return successors
    }

    /// A gazetteer of `areas` for finding place mentions in text.
    public static func gazetteer(areas: [Area]) -> Gazetteer {
        Gazetteer(
            entries: areas.map { area in
                let level: PlaceLevel
                switch area.level {
                case .province: level = .province
                case .district: level = .district
                case .subdistrict: level = .subdistrict
                }
                return Gazetteer.Entry(
                    code: area.code, level: level, name: area.nameTH, altNames: area.altNames, parentCode: area.parentCode,
                    postcodes: area.postcodes)
            })
    }
}
