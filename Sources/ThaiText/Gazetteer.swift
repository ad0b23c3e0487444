/// A place named in a text: a province, a Bangkok district (เขต) or subdistrict (แขวง).
public struct PlaceMention: Sendable, Hashable {
    /// The named place's DOPA geocode (2, 4 or 6 digits).
    public var code: String
    public var level: PlaceLevel
    /// The place's official Thai name.
    public var name: String
    /// UTF-16 offsets of the mention (marker included, e.g. "จ.เชียงใหม่") in the normalised text.
    public var range: Range<Int>
    /// The mention as written, after normalisation.
    public var text: String
}

/// The level of a gazetteer entry (mirrors the domain's area levels; ThaiText knows no domain).
public enum PlaceLevel: String, Sendable, Hashable, Codable {
    case province, district, subdistrict
}

/// Finds names of places in Thai text, including abbreviations (จ., อ., ต., เขต, แขวง, กทม.).
///
/// Place names double as road names and common words, so a name counts only when:
/// it stands as a whole word (ICU boundaries, or a non-Thai neighbour); it is not
/// preceded by a road marker (ถนน, ถ., ซอย, ซ., แยก, ตรอก) — "ซอยลาดพร้าว 101" is a soi,
/// not the district — nor followed by a number unless a level marker precedes it
/// ("ลาดพร้าว 101" is a soi too); and, for the few names that are everyday words
/// (ตาก, เลย, แพร่, น่าน), only after จ./จังหวัด. Where names overlap, the longest wins
/// (พระนครศรีอยุธยา over พระนคร). A subdistrict name shared by several districts counts
/// only when one of those districts is also named, or a แขวง/ต. marker and one
/// candidate remain.
public struct Gazetteer: Sendable {
    /// One place and the names it goes by.
    public struct Entry: Sendable, Hashable {
        public var code: String
        public var level: PlaceLevel
        public var name: String
        public var altNames: [String]
        public var parentCode: String?

        public init(code: String, level: PlaceLevel, name: String, altNames: [String] = [], parentCode: String? = nil) {
            self.code = code
            self.level = level
            self.name = name
            self.altNames = altNames
            self.parentCode = parentCode
        }
    }

    private let entries: [Entry]
    /// For each phrase of the matcher, the entries it names.
    private let phraseEntries: [[Int]]
    private let phraseLengths: [Int]
    private let matcher: PhraseMatcher

    /// Names that are everyday words and count only after a province marker.
    static let wordLikeNames: Set<String> = ["ตาก", "เลย", "แพร่", "น่าน"]
    static let provinceMarkers = ["จังหวัด", "จ."]
    static let districtMarkers = ["เขต", "อำเภอ", "อ."]
    static let subdistrictMarkers = ["แขวง", "ตำบล", "ต."]
    static let roadMarkers = ["ถนน", "ถ.", "ซอย", "ซ.", "แยก", "ตรอก"]

    public init(entries: [Entry]) {
        var phraseIndex: [String: Int] = [:]
        var phrases: [String] = []
        var phraseEntries: [[Int]] = []
        for (index, entry) in entries.enumerated() {
            for name in [entry.name] + entry.altNames {
                let normalized = ThaiNormalizer.normalize(name).filter { $0 != " " }
                guard !normalized.isEmpty else { continue }
                if let existing = phraseIndex[normalized] {
                    if !phraseEntries[existing].contains(index) { phraseEntries[existing].append(index) }
                } else {
                    phraseIndex[normalized] = phrases.count
                    phrases.append(normalized)
                    phraseEntries.append([index])
                }
            }
        }
        self.entries = entries
        self.phraseEntries = phraseEntries
        self.phraseLengths = phrases.map { $0.utf16.count }
        self.matcher = PhraseMatcher(phrases: phrases)
    }

    /// The places named in `text`, in order of appearance, each place once.
    /// - Parameter tokenizer: used for word boundaries; pass one to reuse its ICU iterator.
    public func mentions(in text: String, tokenizer: ThaiTokenizer) -> [PlaceMention] {
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { mentions(inNormalized: $0, tokenizer: tokenizer) }
    }

    /// The places named in already-normalised text.
    public func mentions(inNormalized text: UnsafeBufferPointer<UInt16>, tokenizer: ThaiTokenizer) -> [PlaceMention] {
        var candidates: [(phrase: Int, range: Range<Int>)] = []
        matcher.forEachMatch(in: text) { phrase, end in
            // Walk back over the phrase's units, skipping spaces the matcher ignored.
            var start = end
            var remaining = phraseLengths[phrase]
            while remaining > 0, start > 0 {
                start -= 1
                if text[start] != ThaiCharacters.space { remaining -= 1 }
            }
            candidates.append((phrase, start..<end))
        }
        guard !candidates.isEmpty else { return [] }

        // Leftmost-longest, without overlaps.
        candidates.sort { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.range.count > $1.range.count }
        var chosen: [(phrase: Int, range: Range<Int>)] = []
        for candidate in candidates where chosen.last.map({ $0.range.upperBound <= candidate.range.lowerBound }) ?? true {
            chosen.append(candidate)
        }

        var wordStarts = Set<Int>()
        var wordEnds = Set<Int>()
        tokenizer.forEachToken(in: text) { range, _, _ in
            wordStarts.insert(range.lowerBound)
            wordEnds.insert(range.upperBound)
        }

        var accepted: [(entries: [Int], range: Range<Int>, marker: PlaceLevel?)] = []
        for (phrase, range) in chosen {
            let marker = Self.marker(before: range.lowerBound, in: text)
            guard isWholeWord(range, in: text, starts: wordStarts, ends: wordEnds, afterMarker: marker.level != nil)
            else { continue }
            if marker.isRoad { continue }
            if marker.level == nil, Self.isFollowedByNumber(range.upperBound, in: text) { continue }
            var candidates = phraseEntries[phrase]
            if let level = marker.level {
                let atLevel = candidates.filter { entries[$0].level == level }
                if !atLevel.isEmpty { candidates = atLevel }
            } else {
                candidates = candidates.filter { !Self.wordLikeNames.contains(entries[$0].name) }
                // Without a marker a name shared by a district and its subdistrict means the district.
                if candidates.contains(where: { entries[$0].level != .subdistrict }) {
                    candidates = candidates.filter { entries[$0].level != .subdistrict }
                }
            }
            guard !candidates.isEmpty else { continue }
            accepted.append((candidates, marker.range.map { $0.lowerBound..<range.upperBound } ?? range, marker.level))
        }

        let named = Set(accepted.filter { $0.entries.count == 1 }.map { entries[$0.entries[0]].code })
        var mentions: [PlaceMention] = []
        var seen = Set<String>()
        for (candidates, range, _) in accepted {
            var resolved = candidates
            if resolved.count > 1 {
                resolved = resolved.filter { entries[$0].parentCode.map(named.contains) ?? false }
            }
            guard resolved.count == 1 else { continue }
            let entry = entries[resolved[0]]
            guard seen.insert(entry.code).inserted else { continue }
            mentions.append(
                PlaceMention(
                    code: entry.code, level: entry.level, name: entry.name, range: range,
                    text: String(decoding: text[range], as: UTF16.self)))
        }
        return mentions
    }

    private func isWholeWord(_ range: Range<Int>, in text: UnsafeBufferPointer<UInt16>, starts: Set<Int>, ends: Set<Int>, afterMarker: Bool) -> Bool {
        let startsWord =
            afterMarker || range.lowerBound == 0 || starts.contains(range.lowerBound)
            || !ThaiCharacters.isThaiLetter(text[range.lowerBound - 1])
        let endsWord =
            range.upperBound == text.count || ends.contains(range.upperBound)
            || !ThaiCharacters.isThaiLetter(text[range.upperBound])
        return startsWord && endsWord
    }

    /// The level or road marker written just before `offset` (one space allowed between).
    static func marker(before offset: Int, in text: UnsafeBufferPointer<UInt16>) -> (level: PlaceLevel?, isRoad: Bool, range: Range<Int>?) {
        var end = offset
        if end > 0, text[end - 1] == ThaiCharacters.space { end -= 1 }
        func precedes(_ word: String) -> Range<Int>? {
            let units = Array(word.utf16)
            guard end >= units.count else { return nil }
            let start = end - units.count
            for index in 0..<units.count where text[start + index] != units[index] { return nil }
            return start..<end
        }
        for (markers, level) in [(provinceMarkers, PlaceLevel.province), (districtMarkers, .district), (subdistrictMarkers, .subdistrict)] {
            for marker in markers {
                if let range = precedes(marker) { return (level, false, range) }
            }
        }
        for marker in roadMarkers where precedes(marker) != nil { return (nil, true, nil) }
        return (nil, false, nil)
    }

    static func isFollowedByNumber(_ offset: Int, in text: UnsafeBufferPointer<UInt16>) -> Bool {
        var index = offset
        if index < text.count, text[index] == ThaiCharacters.space { index += 1 }
        return index < text.count && ThaiCharacters.isASCIIDigit(text[index])
    }
}
