import Foundation

/// The public code of a case, e.g. `SG-2026-7K3QX9`: short, easy to read aloud and to type.
///
/// Six characters from an alphabet without 0/O, 1/I/L, so nothing is ambiguous: 31⁶ ≈ 887
/// million codes per year. Uniqueness is the database's job (a collision is retried).
public enum TrackingCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A new random code for a case filed in `year`.
    public static func make(year: Int, using generator: inout some RandomNumberGenerator) -> String {
        var suffix = ""
        for _ in 0..<6 { suffix.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]) }
        return "SG-\(year)-\(suffix)"
    }

    /// The canonical form of a code as a citizen may type it ("sg 2026 7k3qx9" → "SG-2026-7K3QX9"),
    /// or nil when it cannot be a code.
    public static func canonical(_ input: String) -> String? {
        let compact = input.uppercased().filter { $0.isLetter || $0.isNumber }
        guard compact.count == 12, compact.hasPrefix("SG") else { return nil }
        let characters = Array(compact)
        let year = String(characters[2..<6])
        let suffix = characters[6..<12]
        guard year.allSatisfy(\.isASCII), Int(year) != nil, suffix.allSatisfy(alphabet.contains) else { return nil }
        return "SG-\(year)-\(String(suffix))"
    }
}

/// The secret that proves a citizen filed a case, shown once at filing.
public enum TrackingSecret {
    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")

    /// 24 characters of 31 symbols: about 119 bits, unguessable.
    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
