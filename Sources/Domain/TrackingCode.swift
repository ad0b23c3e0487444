import Foundation

/// The public code of a case, e.g. `SG-2026-7K3QX9`: short, easy to read aloud and to type.
///
/// Six characters from an alphabet without 0/O, 1/I/L, so nothing is ambiguous: 31⁶ ≈ 887
/// million codes per year. Uniqueness is the database's job (a collision is retried).
public enum TrackingCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A new random code for a case filed in `year`; `prefix` "PR" makes a proposal's code.
    public static func make(year: Int, prefix: String = "SG", using generator: inout some RandomNumberGenerator) -> String {
        "\(prefix)-\(year)-" + randomString(count: 6, alphabet: alphabet, using: &generator)
    }

    /// The canonical form of a code as a citizen may type it ("sg 2026 7k3qx9" → "SG-2026-7K3QX9"),
    /// or nil when it cannot be a code.
    public static func canonical(_ input: String, prefix: String = "SG") -> String? {
        let compact = input.uppercased().filter { $0.isLetter || $0.isNumber }
        guard compact.count == 12, compact.hasPrefix(prefix) else { return nil }
        let characters = Array(compact)
        let year = String(characters[2..<6])
        let suffix = characters[6..<12]
        guard year.allSatisfy(\.isASCII), Int(year) != nil, suffix.allSatisfy(alphabet.contains) else { return nil }
        return "\(prefix)-\(year)-\(String(suffix))"
    }
}

/// The secret that proves a citizen filed a case, shown once at filing.
public enum TrackingSecret {
    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")

    /// 24 characters of 31 symbols: about 119 bits, unguessable.
    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        randomString(count: 24, alphabet: alphabet, using: &generator)
    }
}

/// `count` characters drawn uniformly from `alphabet`, using as few 64-bit random numbers as
/// possible: the system generator is a system call per number, and filing needs 30 characters.
func randomString(count: Int, alphabet: [Character], using generator: inout some RandomNumberGenerator) -> String {
    let base = UInt64(alphabet.count)
    // The largest power of the base that fits in 64 bits; numbers above a multiple of it are
    // redrawn so every character stays equally likely.
    var digitsPerDraw = 0
    var power: UInt64 = 1
    while power <= UInt64.max / base {
        power *= base
        digitsPerDraw += 1
    }
    let limit = UInt64.max - (UInt64.max % power)
    var result = ""
    result.reserveCapacity(count)
    while result.count < count {
        let draw = generator.next()
        guard draw < limit else { continue }
        var value = draw % power
        for _ in 0..<min(digitsPerDraw, count - result.count) {
            result.append(alphabet[Int(value % base)])
            value /= base
        }
    }
    return result
}
