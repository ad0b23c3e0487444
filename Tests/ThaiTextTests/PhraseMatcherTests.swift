import Testing
import ThaiText

@Suite("Phrase matching")
struct PhraseMatcherTests {
    @Test("every phrase is found, overlapping ones too")
    func findsAll() {
        let matcher = PhraseMatcher(phrases: ["ไฟดับ", "ดับ", "ถนนพัง", "หลุมบ่อ"])
        #expect(matcher.matches(in: "ไฟดับทั้งซอย ถนนก็พัง") == [0, 1])
        #expect(matcher.matches(in: "มีหลุมบ่อเต็มไปหมด") == [3])
    }

    @Test("spaces are ignored in text and phrases")
    func ignoresSpaces() {
        let matcher = PhraseMatcher(phrases: ["ท่อ ระบาย น้ำ"])
        #expect(matcher.matches(in: "ท่อระบายน้ำตัน") == [0])
        #expect(matcher.matches(in: "ท่อ ระบายน้ำ ตัน") == [0])
    }

    @Test("phrases are normalised like text, so Latin case and Thai digits do not matter")
    func normalisesPhrases() {
        let matcher = PhraseMatcher(phrases: ["PM2.5", "ซอย ๑๐๑"])
        #expect(matcher.matches(in: "ฝุ่น pm2.5 เยอะมาก") == [0])
        #expect(matcher.matches(in: "ซอย101") == [1])
    }

    @Test("a phrase that is a suffix of another is found through failure links")
    func suffixes() {
        let matcher = PhraseMatcher(phrases: ["abcd", "bc", "c"])
        #expect(matcher.matches(in: "xbcx") == [1, 2])
        #expect(matcher.matches(in: "abcd") == [0, 1, 2])
    }

    @Test("empty text and empty phrases match nothing")
    func empty() {
        #expect(PhraseMatcher(phrases: []).matches(in: "อะไรก็ได้") == [])
        #expect(PhraseMatcher(phrases: ["", "  "]).matches(in: "อะไรก็ได้") == [])
        #expect(PhraseMatcher(phrases: ["ไฟ"]).matches(in: "") == [])
    }
}
