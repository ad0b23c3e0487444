/// Character classes of the UTF-16 code units Siang's Thai text handling cares about.
///
/// Everything works on UTF-16 code units because that is what ICU reads; Thai, Latin and
/// digits are all in the Basic Multilingual Plane, so one unit is one character for them.
enum ThaiCharacters {
    static let thaiDigitZero: UInt16 = 0x0E50
    static let thaiDigitNine: UInt16 = 0x0E59
    static let nikhahit: UInt16 = 0x0E4D  // ํ
    static let saraAa: UInt16 = 0x0E32  // า
    static let saraAm: UInt16 = 0x0E33  // ำ
    static let maiYamok: UInt16 = 0x0E46  // ๆ
    static let space: UInt16 = 0x20

    /// Thai letters, vowels and marks (not digits, not ฯ ๏ ๚ ๛ signs).
    @inline(__always)
    static func isThaiLetter(_ unit: UInt16) -> Bool {
        (0x0E01...0x0E4E).contains(unit) && unit != 0x0E2F && unit != maiYamok
    }

    /// Tone marks ่ ้ ๊ ๋ and the thanthakhat ์, which may sit between ํ and า when typed.
    @inline(__always)
    static func isToneMark(_ unit: UInt16) -> Bool {
        (0x0E48...0x0E4B).contains(unit)
    }

    @inline(__always)
    static func isASCIIDigit(_ unit: UInt16) -> Bool {
        (0x30...0x39).contains(unit)
    }

    @inline(__always)
    static func isASCIIUpper(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit)
    }

    @inline(__always)
    static func isASCIILetter(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
    }

    /// Letters whose runs of three or more are folded: Thai letters and Latin letters.
    @inline(__always)
    static func isFoldableLetter(_ unit: UInt16) -> Bool {
        isThaiLetter(unit) || isASCIILetter(unit)
    }

    /// Zero-width and invisible formatting characters that citizens' phones and copy-paste
    /// sprinkle into text (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen).
    @inline(__always)
    static func isInvisible(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD: return true
        default: return false
        }
    }

    @inline(__always)
    static func isWhitespace(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The script class used to split tokens such as "ลาดพร้าว101" into "ลาดพร้าว" and "101".
    enum Script: Equatable {
        case thai, latin, digit, other
    }

    @inline(__always)
    static func script(of unit: UInt16) -> Script {
        if isThaiLetter(unit) { return .thai }
        if isASCIIDigit(unit) { return .digit }
        if isASCIILetter(unit) { return .latin }
        return .other
    }
}
