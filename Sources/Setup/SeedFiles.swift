public import Classification
public import Domain
import Foundation

/// Reads the classifier's part of `Seeds/`: the taxonomy (`categories.json`), the keyword
/// rules (`keywords/<category>.tsv`) and the training corpus (`corpus/*.jsonl`).
public enum SeedFiles {
    /// A seed file that is missing or malformed, with where.
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    struct CategoriesFile: Decodable {
        struct Entry: Decodable {
            var code: String
            var name_th: String
            var name_en: String
            var description_th: String?
            var description_en: String?
        }
        var version: String
        var categories: [Entry]
    }

    /// The categories in `<seeds>/categories.json` and the taxonomy's version.
    public static func categories(seeds: String) throws -> (version: String, categories: [Domain.Category]) {
        let path = seeds + "/categories.json"
        do {
            let file = try JSONDecoder().decode(CategoriesFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let categories = file.categories.map {
                Domain.Category(
                    code: $0.code, nameTH: $0.name_th, nameEN: $0.name_en, descriptionTH: $0.description_th ?? "",
                    descriptionEN: $0.description_en ?? "")
            }
            return (file.version, categories)
        } catch {
            throw FormatError(description: "\(path): \(error)")
        }
    }

    /// The classifier's taxonomy: the category codes of `categories.json`, in file order.
    public static func taxonomy(seeds: String) throws -> Taxonomy {
        let (version, categories) = try self.categories(seeds: seeds)
        return Taxonomy(version: version, categories: categories.map(\.code))
    }

    /// Every keyword rule in `<seeds>/keywords/*.tsv`; a file's name is its category.
    /// Lines are `weight<TAB>phrase`; blank lines and lines starting with `#` are skipped.
    public static func keywords(seeds: String) throws -> [KeywordRule] {
        let directory = seeds + "/keywords"
        var rules: [KeywordRule] = []
        for file in try sortedFiles(in: directory, extension: "tsv") {
            let category = String(file.dropLast(4))
            let path = directory + "/" + file
            for (number, line) in try lines(of: path).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let parts = trimmed.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2, let weight = Double(parts[0]), weight > 0 else {
                    throw FormatError(description: "\(path):\(number + 1): expected weight<TAB>phrase")
                }
                rules.append(KeywordRule(category: category, phrase: String(parts[1]), weight: weight))
            }
        }
        return rules
    }

    struct CorpusLine: Decodable {
        var category: String
        var text: String
    }

    /// Every example in `<seeds>/corpus/*.jsonl`, in file then line order.
    public static func corpus(seeds: String) throws -> [TrainingExample] {
        let directory = seeds + "/corpus"
        var examples: [TrainingExample] = []
        let decoder = JSONDecoder()
        for file in try sortedFiles(in: directory, extension: "jsonl") {
            let path = directory + "/" + file
            for (number, line) in try lines(of: path).enumerated() where !line.isEmpty {
                do {
                    let example = try decoder.decode(CorpusLine.self, from: Data(line.utf8))
                    examples.append(TrainingExample(text: example.text, category: example.category))
                } catch {
                    throw FormatError(description: "\(path):\(number + 1): not a corpus line")
                }
            }
        }
        return examples
    }

    /// A digest of everything the default model is trained from, to know when a cached model is stale.
    public static func fingerprint(seeds: String) throws -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        mix(try Data(contentsOf: URL(fileURLWithPath: seeds + "/categories.json")))
        for directory in ["keywords", "corpus"] {
            for file in try sortedFiles(in: seeds + "/" + directory, extension: nil) {
                mix(file.utf8)
                mix(try Data(contentsOf: URL(fileURLWithPath: seeds + "/" + directory + "/" + file)))
            }
        }
        return String(hash, radix: 16)
    }

    static func sortedFiles(in directory: String, extension fileExtension: String?) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { fileExtension == nil || $0.hasSuffix("." + fileExtension!) }
                .sorted()
        } catch {
            throw FormatError(description: "\(directory): cannot list the folder")
        }
    }

    static func lines(of path: String) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(description: "\(path): cannot read the file")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }
}
