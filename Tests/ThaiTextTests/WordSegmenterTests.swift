import Testing
@testable import ThaiText

@Suite("Word segmentation with ICU")
struct WordSegmenterTests {
    @Test("Thai text without spaces is split into dictionary words")
    func splitsThai() throws {
        let words = try WordSegmenter().words(in: "ถนนหน้าบ้านเป็นหลุมใหญ่มาก")
        #expect(words == ["ถนน", "หน้า", "บ้าน", "เป็น", "หลุม", "ใหญ่", "มาก"])
    }

    @Test("spaces, punctuation and emoji are not words")
    func skipsNonWords() throws {
        let segmenter = try WordSegmenter()
        #expect(segmenter.words(in: "") == [])
        #expect(segmenter.words(in: "     ") == [])
        #expect(segmenter.words(in: "😀😡 🙏") == [])
        #expect(segmenter.words(in: "!!! ... ???") == [])
        #expect(segmenter.words(in: "ไฟดับ!! 😡") == ["ไฟ", "ดับ"])
    }

    @Test("unpaired surrogates are survived, not crashed on")
    func unpairedSurrogates() throws {
        let segmenter = try WordSegmenter()
        let units: [UInt16] = [0xD800, 0x0E16, 0x0E19, 0x0E19, 0xDC00, 0xDFFF, 0x0E1E, 0x0E31, 0x0E07, 0xD83D]
        var ranges: [Range<Int>] = []
        units.withUnsafeBufferPointer { buffer in segmenter.forEachWord(in: buffer) { ranges.append($0) } }
        #expect(ranges.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= units.count && !$0.isEmpty })
        #expect(ranges.contains(1..<4))  // ถนน
    }

    @Test("a megabyte of text is segmented completely")
    func megabyte() throws {
        let sentence = "ถนนหน้าบ้านเป็นหลุมใหญ่มาก ไฟดับทั้งซอย "
        let text = String(repeating: sentence, count: 1_000_000 / sentence.utf8.count + 1)
        #expect(text.utf8.count > 1_000_000)
        let segmenter = try WordSegmenter()
        let words = segmenter.words(in: text)
        let perSentence = segmenter.words(in: sentence).count
        #expect(words.count == perSentence * (1_000_000 / sentence.utf8.count + 1))
    }

    @Test("one segmenter can be reused for many texts")
    func reuse() throws {
        let segmenter = try WordSegmenter()
        let long = segmenter.words(in: String(repeating: "น้ำท่วมขัง ", count: 500))
        #expect(long.count == 1500)
        #expect(segmenter.words(in: "น้ำท่วม") == ["น้ำ", "ท่วม"])
        #expect(segmenter.words(in: "") == [])
        #expect(segmenter.words(in: "ไฟดับ") == ["ไฟ", "ดับ"])
    }
}

@Suite("Tokenizer")
struct ThaiTokenizerTests {
    @Test("tokens mixing scripts are split where the script changes")
    func splitsScripts() throws {
        let tokens = try ThaiTokenizer().tokens(in: "ซอยลาดพร้าว101 bts อ่อนนุช")
        #expect(tokens.map(\.text) == ["ซอย", "ลาดพร้าว", "101", "bts", "อ่อนนุช"])
        #expect(tokens.map(\.kind) == [.thai, .thai, .number, .latin, .thai])
    }

    @Test("a trailing ไม้ยมก is dropped from its word")
    func maiYamok() throws {
        let tokens = try ThaiTokenizer().tokens(in: "ต่างๆ นานา")
        #expect(tokens.map(\.text) == ["ต่าง", "นานา"])
    }

    @Test("stop words are marked, negations are not stop words")
    func stopWords() throws {
        let tokens = try ThaiTokenizer().tokens(in: "ไฟไม่ติดครับ")
        #expect(tokens.map(\.text) == ["ไฟ", "ไม่", "ติด", "ครับ"])
        #expect(tokens.map(\.isStopWord) == [false, false, false, true])
    }

    @Test("text is normalised before it is segmented")
    func normalisesFirst() throws {
        let tokens = try ThaiTokenizer().tokens(in: "ถนนพังงงงง ซ.๑๐")
        #expect(tokens.map(\.text) == ["ถนน", "พัง", "ซ", "10"])
    }
}

@Suite("Features")
struct FeatureExtractorTests {
    @Test("unigrams and bigrams of content words, stop words left out")
    func unigramsAndBigrams() throws {
        let extractor = try FeatureExtractor(settings: FeatureSettings(unigrams: true, bigrams: true))
        let features = extractor.features(of: "ไฟดับครับ")
        let fire = FeatureHash.hash("ไฟ")
        let off = FeatureHash.hash("ดับ")
        #expect(features == [fire, off, FeatureHash.combine(fire, off)])
    }

    @Test("the same text always gives the same features")
    func stable() throws {
        let first = try FeatureExtractor().features(of: "ขยะล้นถังหน้าปากซอย ส่งกลิ่นเหม็นมากกก")
        let second = try FeatureExtractor().features(of: "ขยะล้นถังหน้าปากซอย ส่งกลิ่นเหม็นมาก")
        #expect(first == second)
        #expect(!first.isEmpty)
    }

    @Test("numbers are dropped unless a placeholder is asked for")
    func numbers() throws {
        let plain = try FeatureExtractor(settings: FeatureSettings(bigrams: false)).features(of: "ซอย 55")
        let placeholder = try FeatureExtractor(settings: FeatureSettings(bigrams: false, numberPlaceholder: true))
            .features(of: "ซอย 55")
        #expect(plain.count == 1)
        #expect(placeholder.count == 2)
    }
}
