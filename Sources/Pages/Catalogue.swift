public import Foundation

/// Every word the pages show, one catalogue per language (`Strings/th.json`, `Strings/en.json`).
///
/// Keys are flat (`file_title`); a text may hold placeholders such as `{count}`. Templates
/// read the catalogue of the page's language as `{{t.key}}`.
public struct Catalogue: Sendable {
    public let language: Language
    public let strings: [String: String]

    public init(language: Language, strings: [String: String]) {
        self.language = language
        self.strings = strings
    }

    /// The text of `key`, with `{name}` placeholders filled; the key itself when missing, so a
    /// forgotten string shows up on the page instead of an empty space.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        guard var text = strings[key] else { return key }
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    public subscript(key: String) -> String { text(key) }
}

/// Both catalogues, read once from the module's resources.
public struct Catalogues: Sendable {
    public let thai: Catalogue
    public let english: Catalogue

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads both catalogues.
    /// - Throws: `LoadError` when a file is missing or malformed, or the two do not have the same keys.
    public static func load() throws -> Catalogues {
        func read(_ language: Language) throws -> [String: String] {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Strings")
            else { throw LoadError(description: "Strings/\(language.rawValue).json is missing") }
            do {
                return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
            } catch {
                throw LoadError(description: "Strings/\(language.rawValue).json: \(error)")
            }
        }
        let thai = try read(.thai)
        let english = try read(.english)
        let missing = Set(thai.keys).symmetricDifference(english.keys)
        guard missing.isEmpty else {
            throw LoadError(description: "keys in one catalogue only: " + missing.sorted().joined(separator: ", "))
        }
        return Catalogues(thai: Catalogue(language: .thai, strings: thai), english: Catalogue(language: .english, strings: english))
    }

    public subscript(language: Language) -> Catalogue { language == .thai ? thai : english }
}
