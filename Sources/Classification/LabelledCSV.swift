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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path): cannot open the file")
        }
        // Read whole: CSV.swift's InputStream path fails on Linux; these files are small.
        let text = String(decoding: data, as: UTF8.self)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ReadError(description: "\(path): not a CSV file with a header row")
        }
        let header = reader.headerRow ?? []
        guard let textIndex = header.firstIndex(of: textColumn) else {
            throw ReadError(description: "\(path): no column named \"\(textColumn)\" (columns: \(header.joined(separator: ", ")))")
        }
        guard let labelIndex = header.firstIndex(of: labelColumn) else {
            throw ReadError(description: "\(path): no column named \"\(labelColumn)\" (columns: \(header.joined(separator: ", ")))")
        }
        var examples: [TrainingExample] = []
        var skipped = 0
        while let row = reader.next() {
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
        if let error = reader.error {
            throw ReadError(description: "\(path): \(error)")
        }
        return (examples, skipped)
    }
}
