import Foundation
import CSV

/// Reads labelled examples from a CSV file with a header row (UTF-8, RFC 4180 quoting,
/// fields spanning lines allowed), such as `traffy-2024.csv`.
public enum LabelledCSV {
    /// Why a CSV file could not be read.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The examples of `path`: one per row with a non-empty label, the rest skipped.
    /// - Throws: `ReadError` when the file cannot be opened or lacks a named column.
    public static func read(path: String, textColumn: String, labelColumn: String) throws -> (
        examples: [TrainingExample], skipped: Int
    ) {
        let table = try Table(path: path)
        let textIndex = try table.column(textColumn)
        let labelIndex = try table.column(labelColumn)
        var examples: [TrainingExample] = []
        var skipped = 0
        for row in table.rows {
            guard row.count > max(textIndex, labelIndex) else {
                skipped += 1
                continue
            }
            let label = row[labelIndex].trimmingCharacters(in: .whitespaces)
            if label.isEmpty {
                skipped += 1
                continue
            }
            examples.append(TrainingExample(text: row[textIndex], category: label))
        }
        return (examples, skipped)
    }

    /// The examples made by joining a texts file with a separate labels file on an id column:
    /// each labelled id takes its text from `textsPath` and its category from `labelsPath`, so
    /// labels can be published and checked without copying the texts they judge.
    /// Rows of the texts file without a label are left out; a label whose id is not in the texts
    /// file, or an id given twice in the labels, is an error (the files do not belong together).
    /// - Throws: `ReadError` for a missing file or column, an unknown id or a repeated id.
    public static func join(
        textsPath: String, textColumn: String, idColumn: String, labelsPath: String, labelColumn: String
    ) throws -> (examples: [TrainingExample], ids: [String], unlabelled: Int) {
        let labels = try Table(path: labelsPath)
        let labelIDIndex = try labels.column(idColumn)
        let labelIndex = try labels.column(labelColumn)
        var categories: [String: String] = [:]
        for row in labels.rows where row.count > max(labelIDIndex, labelIndex) {
            let id = row[labelIDIndex].trimmingCharacters(in: .whitespaces)
            let label = row[labelIndex].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, !label.isEmpty else { continue }
            guard categories.updateValue(label, forKey: id) == nil else {
                throw ReadError(description: "\(labelsPath): the id \"\(id)\" is labelled twice")
            }
        }
        let texts = try Table(path: textsPath)
        let idIndex = try texts.column(idColumn)
        let textIndex = try texts.column(textColumn)
        var examples: [TrainingExample] = []
        var ids: [String] = []
        var unlabelled = 0
        var found = Set<String>()
        for row in texts.rows where row.count > max(idIndex, textIndex) {
            let id = row[idIndex].trimmingCharacters(in: .whitespaces)
            guard let category = categories[id], found.insert(id).inserted else {
                unlabelled += 1
                continue
            }
            examples.append(TrainingExample(text: row[textIndex], category: category))
            ids.append(id)
        }
        if let missing = categories.keys.sorted().first(where: { !found.contains($0) }) {
            throw ReadError(
                description: "\(labelsPath): \(categories.count - found.count) labelled ids are not in \(textsPath), e.g. \"\(missing)\"")
        }
        return (examples, ids, unlabelled)
    }

    /// A whole CSV file: its header and rows.
    struct Table {
        let path: String
        let header: [String]
        let rows: [[String]]

        init(path: String) throws {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReadError(description: "\(path): cannot open the file")
            }
            // Read whole: CSV.swift's InputStream path fails on Linux; these files are small.
            let reader: CSVReader
            do {
                reader = try CSVReader(string: String(decoding: data, as: UTF8.self), hasHeaderRow: true)
            } catch {
                throw ReadError(description: "\(path): not a CSV file with a header row")
            }
            var rows: [[String]] = []
            while let row = reader.next() { rows.append(row) }
            if let error = reader.error { throw ReadError(description: "\(path): \(error)") }
            self.path = path
            self.header = reader.headerRow ?? []
            self.rows = rows
        }

        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw ReadError(description: "\(path): no column named \"\(name)\" (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
    }
}
