import CSV
import Foundation

/// A small CSV file with a header row, read whole: the seed and configuration tables.
struct CSVTable {
    let path: String
    let header: [String]
    let rows: [[String]]

    /// Reads `path`, requiring each of `columns` in the header; lines starting with `#` are comments.
    /// - Throws: `SeedFiles.FormatError` naming the file and what is wrong.
    init(path: String, requiring columns: [String]) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SeedFiles.FormatError(description: "\(path): cannot open the file")
        }
        // Read whole: CSV.swift's InputStream path fails on Linux; these files are small.
        // Lines starting with "#" are comments (ours, not CSV's): dropped before parsing, so a
        // quote inside a comment cannot swallow the rows after it.
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let reader: CSVReader
        // Files without quotes have their fields trimmed here rather than by the reader, the same
        // way (spaces and tabs): its trimming goes through NSString for every field, which was most
        // of the start-up of `siang classify`. Where there are quotes, the reader trims (it knows
        // which fields were quoted, whose inner spaces stay).
        let trimsHere = !text.utf8.contains(UInt8(ascii: "\""))
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: !trimsHere)
        } catch {
            throw SeedFiles.FormatError(description: "\(path): not a CSV file with a header row")
        }
        let header = (reader.headerRow ?? []).map { trimsHere ? Self.trimmed($0) : $0 }
        for column in columns where !header.contains(column) {
            throw SeedFiles.FormatError(description: "\(path): no column \"\(column)\"")
        }
        var rows: [[String]] = []
        while let read = reader.next() {
            let row = trimsHere ? read.map(Self.trimmed) : read
            if row.allSatisfy(\.isEmpty) { continue }
            rows.append(row)
        }
        if let error = reader.error {
            throw SeedFiles.FormatError(description: "\(path): \(error)")
        }
        self.path = path
        self.header = header
        self.rows = rows
    }

    /// `field` without the spaces and tabs around it (Unicode's space separators and the tab, as the
    /// reader's own trimming has it); most fields have none and are returned as they are.
    static func trimmed(_ field: String) -> String {
        func blank(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let scalars = field.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, blank(first) || blank(last) else { return field }
        guard let start = scalars.firstIndex(where: { !blank($0) }), let end = scalars.lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(scalars[start...end])
    }

    /// Each row as a column → value map (missing trailing fields read as empty).
    var records: [(line: Int, values: [String: String])] {
        rows.enumerated().map { index, row in
            var values: [String: String] = [:]
            for (column, name) in header.enumerated() { values[name] = column < row.count ? row[column] : "" }
            return (index + 2, values)
        }
    }
}
