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
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
        } catch {
            throw SeedFiles.FormatError(description: "\(path): not a CSV file with a header row")
        }
        let header = reader.headerRow ?? []
        for column in columns where !header.contains(column) {
            throw SeedFiles.FormatError(description: "\(path): no column \"\(column)\"")
        }
        var rows: [[String]] = []
        while let row = reader.next() {
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

    /// Each row as a column → value map (missing trailing fields read as empty).
    var records: [(line: Int, values: [String: String])] {
        rows.enumerated().map { index, row in
            var values: [String: String] = [:]
            for (column, name) in header.enumerated() { values[name] = column < row.count ? row[column] : "" }
            return (index + 2, values)
        }
    }
}
