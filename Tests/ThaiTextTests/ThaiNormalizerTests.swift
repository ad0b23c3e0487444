import Testing
import ThaiText

@Suite("Thai normalisation")
struct ThaiNormalizerTests {
    @Test(
        "each rule turns what citizens type into one canonical form",
        arguments: [
            ("ซอย ๑๐๑ บ้านเลขที่ ๙๙/๕", "ซอย 101 บ้านเลขที่ 99/5"),  // Thai digits
            ("ไฟ\u{200B}ดับ\u{200D}มา\u{FEFF}นาน", "ไฟดับมานาน"),  // zero-width characters
            ("น\u{0E4D}\u{0E32}ท่วม", "น\u{0E33}ท่วม"),  // ํ + า → ำ
            ("น\u{0E49}\u{0E4D}\u{0E32}ท่วม", "น้ำท่วม"),  // tone typed between: ้ stays before ำ
            ("น\u{0E4D}\u{0E49}\u{0E32}ท่วม", "น้ำท่วม"),  // ํ + tone + า → tone + ำ
            ("เหม็นมากกกกก", "เหม็นมาก"),  // runs of 3+ letters folded
            ("ช่วยด้วยยยยย ครับบบ", "ช่วยด้วย ครับ"),
            ("ค่ะะะะ", "ค่ะ"),
            ("คลองกก", "คลองกก"),  // two identical letters are spelling, kept
            ("5555 ขำ", "5555 ขำ"),  // digits never folded
            ("ร้านนี้ดี ๆ ทั้งนั้น", "ร้านนี้ดีๆ ทั้งนั้น"),  // ๆ attached to its word
            ("ช้าๆๆๆ มาก", "ช้าๆ มาก"),  // repeated ๆ folded
            ("ต่างๆนานา", "ต่างๆ นานา"),  // the next word stands alone
            ("BTS Asok กับ MRT", "bts asok กับ mrt"),  // Latin lower-cased
            ("  ถนน\t\tพัง \n\n มาก  ", "ถนน พัง มาก"),  // whitespace collapsed and trimmed
            ("", ""),
            ("   ", ""),
        ])
    func normalises(input: String, expected: String) {
        #expect(ThaiNormalizer.normalize(input) == expected)
    }

    @Test("decomposed sara am becomes the single character ำ")
    func saraAmIsComposed() {
        let normalized = ThaiNormalizer.normalize("ท\u{0E4D}\u{0E32}งาน")
        #expect(normalized == "ทำงาน")
        #expect(normalized.unicodeScalars.contains("\u{0E33}"))
    }

    @Test("text is brought to NFC")
    func nfc() {
        // e + combining acute → é
        #expect(ThaiNormalizer.normalize("cafe\u{0301}") == "caf\u{E9}")
    }

    @Test("emoji and other symbols pass through unchanged")
    func emojiSurvive() {
        #expect(ThaiNormalizer.normalize("ขยะเต็ม 😡😡") == "ขยะเต็ม 😡😡")
    }

    @Test("normalising twice changes nothing")
    func idempotent() {
        for text in ["ถนนพังงงง ๆ ๆ ซ.๕", "BTS   อ่อนนุช\u{200B}", "น\u{0E4D}\u{0E32}ท่วมมมม"] {
            let once = ThaiNormalizer.normalize(text)
            #expect(ThaiNormalizer.normalize(once) == once)
        }
    }
}
