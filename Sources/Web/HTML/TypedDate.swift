import Foundation

/// A date a person typed into a page's filter, read the way Thai readers write it.
///
/// A browser's date picker sends "2026-01-31" whatever its language; a person typing by hand (or a
/// browser without a picker) may write the Buddhist-era year (2569-01-31) or Thai digits. Years from
/// 2400 on are read as Buddhist era (543 years ahead); no filter of this service needs a Gregorian year
/// that late. The JSON API stays strictly Gregorian.
enum TypedDate {
    static let buddhistEraOffset = 543

    /// The Gregorian "YYYY-MM-DD" of what was typed, or the text trimmed as it was when it is not a
    /// date in that shape (so the usual validation refuses it with its message).
    static func gregorian(_ typed: String) -> String {
        let digits = String(typed.trimmingCharacters(in: .whitespaces).unicodeScalars.map { scalar -> Character in
            (0x0E50...0x0E59).contains(scalar.value)
                ? Character(Unicode.Scalar(scalar.value - 0x0E50 + 0x30)!) : Character(scalar)
        })
        let parts = digits.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), year >= 2400 else { return digits }
        return "\(year - buddhistEraOffset)-\(parts[1])-\(parts[2])"
    }
}
