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
            // Fields are trimmed here rather than by the reader: its trimming goes through NSString
            // for every field, which was most of the start-up of `siang classify`. Only white space
            // beside a quote needs the reader's own trimming (it decides where a quoted field is).
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: Self.hasSpaceBesideQuote(text))
        } catch {
            throw SeedFiles.FormatError(description: "\(path): not a CSV file with a header row")
        }
        let header = (reader.headerRow ?? []).map(Self.trimmed)
        for column in columns where !header.contains(column) {
            throw SeedFiles.FormatError(description: "\(path): no column \"\(column)\"")
        }
        var rows: [[String]] = []
        while let read = reader.next() {
            let row = read.map(Self.trimmed)
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

    /// Whether a quote has a space or tab between it and a field's edge (`a, "b"` or `"b" ,`).
    static func hasSpaceBesideQuote(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") {
            if index > 0, isBlank(bytes[index - 1]) { return true }
            if index + 1 < bytes.count, isBlank(bytes[index + 1]) { return true }
        }
        return false
    }

    /// `field` without the white space around it; most fields have none and are returned as they are.
    static func trimmed(_ field: String) -> String {
        let scalars = field.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return field }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
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
