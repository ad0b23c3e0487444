import Foundation

extension String {
    /// The string without surrounding white space and line breaks, or nil when nothing is left:
    /// what an optional field a person filled in holds.
    public var nonBlank: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
