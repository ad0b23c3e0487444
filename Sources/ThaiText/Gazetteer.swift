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
/// (ตาก, เลย, แพร่, น่าน, and เมือง for a capital district), only after a marker. Where names
/// overlap, the longest wins (พระนครศรีอยุธยา over พระนคร, เมืองเชียงใหม่ over ในเมือง).
///
/// A name several places share counts only when exactly one of them lies in a place also named
/// (in the text, by a postcode in it, or in `context`: the area given with the case); else it is
/// ambiguous and left out rather than guessed. Outside Bangkok, where thousands of subdistrict
/// names are everyday words, a subdistrict counts without its ต./ตำบล marker only when its
/// district or province is named too.
public struct Gazetteer: Sendable {
    /// One place and the names it goes by.
    public struct Entry: Sendable, Hashable {
        public var code: String
        public var level: PlaceLevel
        public var name: String
        public var altNames: [String]
        public var parentCode: String?
        public var postcodes: [String]

        public init(
            code: String, level: PlaceLevel, name: String, altNames: [String] = [], parentCode: String? = nil,
            postcodes: [String] = []
        ) {
            self.code = code
            self.level = level
            self.name = name
            self.altNames = altNames
            self.parentCode = parentCode
            self.postcodes = postcodes
        }
    }

    /// What a search reads, behind one reference: the search's closures capture `self`, and
    /// copying a dozen arrays and dictionaries into them cost more than most searches.
    private final class Tables: Sendable {
        let entries: [Entry]
        /// For each phrase of the matcher, the entries it names.
        let phraseEntries: [[Int]]
        let phraseLengths: [Int]
        /// Whether a phrase counts only after a level marker.
        let phraseNeedsMarker: [Bool]
        /// For each entry, the indices of the entries above it (district, province).
        let ancestors: [[Int]]
        /// A postcode → the codes of the subdistricts and districts it serves.
        let postcodeAreas: [String: [Int]]
        let indexByCode: [String: Int]
        let inBangkok: [Bool]
        let matcher: PhraseMatcher

        init(entries: [Entry]) {
            var phraseIndex: [String: Int] = [:]
            var phrases: [String] = []
            var phraseEntries: [[Int]] = []
            for (index, entry) in entries.enumerated() {
                for name in [entry.name] + entry.altNames {
                    var normalized = ThaiNormalizer.normalize(name)
                    if normalized.utf8.contains(0x20) {
                        normalized = String(String.UnicodeScalarView(normalized.unicodeScalars.filter { $0 != " " }))
                    }
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
            var indexByCode: [String: Int] = [:]
            for (index, entry) in entries.enumerated() { indexByCode[entry.code] = index }
            var postcodeAreas: [String: Set<Int>] = [:]
            let ancestors = entries.map { entry in
                var chain: [Int] = []
                var parent = entry.parentCode
                while let code = parent, let index = indexByCode[code], !chain.contains(index) {
                    chain.append(index)
                    parent = entries[index].parentCode
                }
                // A postcode names its subdistricts and their districts, not the province: one province
                // has many postcodes, and a shared name in it is not settled by any of them.
                for postcode in entry.postcodes {
                    postcodeAreas[postcode, default: []].insert(indexByCode[entry.code]!)
                    postcodeAreas[postcode, default: []].formUnion(chain.filter { entries[$0].level != .province })
                }
                return chain
            }
            self.postcodeAreas = postcodeAreas.mapValues { Array($0) }
            self.ancestors = ancestors
            self.indexByCode = indexByCode
            self.inBangkok = entries.map { $0.code.hasPrefix(Gazetteer.bangkok) }
            self.entries = entries
            self.phraseEntries = phraseEntries
            self.phraseLengths = phrases.map { $0.utf16.count }
            self.phraseNeedsMarker = phrases.map { Gazetteer.wordLikeNames.contains($0) }
            self.matcher = PhraseMatcher(phrases: phrases)
        }
    }

    private let tables: Tables
    private var entries: [Entry] { tables.entries }
    private var phraseEntries: [[Int]] { tables.phraseEntries }
    private var phraseLengths: [Int] { tables.phraseLengths }
    private var phraseNeedsMarker: [Bool] { tables.phraseNeedsMarker }
    private var ancestors: [[Int]] { tables.ancestors }
    private var postcodeAreas: [String: [Int]] { tables.postcodeAreas }
    private var indexByCode: [String: Int] { tables.indexByCode }
    private var inBangkok: [Bool] { tables.inBangkok }
    private var matcher: PhraseMatcher { tables.matcher }

    /// Names that are everyday words and count only after a marker.
    static let wordLikeNames: Set<String> = ["ตาก", "เลย", "แพร่", "น่าน", "เมือง"]
    static let provinceMarkers = ["จังหวัด", "จ."]
    static let districtMarkers = ["เขต", "อำเภอ", "อ."]
    static let subdistrictMarkers = ["แขวง", "ตำบล", "ต."]
    static let roadMarkers = ["ถนน", "ถ.", "ซอย", "ซ.", "แยก", "ตรอก"]
    /// Bangkok's code: its แขวง names were always found without a marker, and still are.
    static let bangkok = "10"

    public init(entries: [Entry]) {
        tables = Tables(entries: entries)
    }

    /// The places named in `text`, in order of appearance, each place once.
    /// - Parameters:
    ///   - tokenizer: used for word boundaries; pass one to reuse its ICU iterator.
    ///   - context: codes of places known from elsewhere (the area given with the case), which
    ///     settle names several places share.
    public func mentions(in text: String, tokenizer: ThaiTokenizer, context: Set<String> = []) -> [PlaceMention] {
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { mentions(inNormalized: $0, tokenizer: tokenizer, context: context) }
    }

    /// A name the text holds that fits several places, none of them settled by another place named.
    public struct Ambiguity: Sendable, Hashable {
        public var text: String
        /// The codes of the places it could be.
        public var codes: [String]
    }

    /// The places named in already-normalised text.
    public func mentions(
        inNormalized text: UnsafeBufferPointer<UInt16>, tokenizer: ThaiTokenizer, context: Set<String> = []
    ) -> [PlaceMention] {
        places(inNormalized: text, tokenizer: tokenizer, context: context).mentions
    }

    /// The places named in already-normalised text whose word boundaries are known.
    public func mentions(
        inNormalized text: UnsafeBufferPointer<UInt16>, words: WordBoundaries, context: Set<String> = []
    ) -> [PlaceMention] {
        places(inNormalized: text, words: words, context: context).mentions
    }

    /// The places named in already-normalised text, and the names left out as ambiguous.
    /// The text is segmented only when a candidate name needs its word boundaries checked.
    public func places(
        inNormalized text: UnsafeBufferPointer<UInt16>, tokenizer: ThaiTokenizer, context: Set<String> = []
    ) -> (mentions: [PlaceMention], ambiguous: [Ambiguity]) {
        places(inNormalized: text, context: context) { WordBoundaries(of: text, tokenizer: tokenizer) }
    }

    /// The same, with the text's word boundaries already known (the classifier records them).
    public func places(
        inNormalized text: UnsafeBufferPointer<UInt16>, words: WordBoundaries, context: Set<String> = []
    ) -> (mentions: [PlaceMention], ambiguous: [Ambiguity]) {
        places(inNormalized: text, context: context) { words }
    }

    private func places(
        inNormalized text: UnsafeBufferPointer<UInt16>, context: Set<String>, words: () -> WordBoundaries
    ) -> (mentions: [PlaceMention], ambiguous: [Ambiguity]) {
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
        guard !candidates.isEmpty else { return ([], []) }

        // Every candidate that could be a place on its own terms, before overlaps are settled.
        struct Found {
            var entries: [Int]
            var range: Range<Int>
            var mentionRange: Range<Int>
            var marked: Bool
            /// Whether a Bangkok place is meant when nothing else settles the name (no marker, or
            /// Bangkok's own เขต/แขวง): Bangkok was all Siang knew, and its names keep their meaning.
            var bangkokByDefault: Bool
            var short: Bool
        }
        var found: [Found] = []
        for (phrase, range) in candidates {
            let marker = Self.marker(before: range.lowerBound, in: text)
            if marker.isRoad { continue }
            var entries = phraseEntries[phrase]
            if let level = marker.level {
                let atLevel = entries.filter { self.entries[$0].level == level }
                if !atLevel.isEmpty { entries = atLevel }
            } else {
                if phraseNeedsMarker[phrase] || Self.isFollowedByNumber(range.upperBound, in: text) { continue }
                // Without a marker a name shared by a district and its own subdistrict means the district.
                if entries.count > 1 {
                    let all = entries
                    entries = entries.filter { entry in
                        self.entries[entry].level != .subdistrict || !ancestors[entry].contains(where: all.contains)
                    }
                }
            }
            found.append(
                Found(
                    entries: entries, range: range, mentionRange: marker.range.map { $0.lowerBound..<range.upperBound } ?? range,
                    marked: marker.level != nil, bangkokByDefault: marker.level == nil || marker.isBangkokWord,
                    short: phraseLengths[phrase] <= 3))
        }

        /// Outside Bangkok, without a marker, a subdistrict or a very short name (ปง, ลอง) is too
        /// likely an everyday word to count on its own.
        func needsSupport(_ entry: Int, _ candidate: Found) -> Bool {
            !candidate.marked && !inBangkok[entry]
                && (entries[entry].level == .subdistrict || candidate.short)
        }
        // Entries (by index) of the places named so far.
        var named = Set<Int>(context.compactMap { indexByCode[$0] })
        for code in postcodes(in: text) { named.formUnion(postcodeAreas[code] ?? []) }
        // A name that needs a place above it named, where no candidate, postcode or context could be
        // that place, can never count: drop it now, so most texts never need word boundaries at all.
        var contributors = PlaceContributors()
        for (index, candidate) in found.enumerated() {
            for entry in candidate.entries {
                contributors.add(place: entry, candidate: index)
                for ancestor in ancestors[entry] { contributors.add(place: ancestor, candidate: index) }
            }
        }
        contributors.seal()
        let unsupportable = found.indices.filter { index in
            found[index].entries.allSatisfy { entry in
                needsSupport(entry, found[index]) && !named.contains(entry)
                    && !ancestors[entry].prefix(1).contains { parent in
                        named.contains(parent) || contributors.hasOther(than: index, naming: parent)
                    }
            }
        }
        for index in unsupportable.reversed() { found.remove(at: index) }
        guard !found.isEmpty else { return ([], []) }

        let boundaries = words()
        found.removeAll { candidate in
            !isWholeWord(candidate.range, in: text, words: boundaries, afterMarker: candidate.marked)
        }

        // Longest first, then leftmost; no overlaps.
        found.sort { $0.range.count != $1.range.count ? $0.range.count > $1.range.count : $0.range.lowerBound < $1.range.lowerBound }
        var chosen: [Found] = []
        for candidate in found where !chosen.contains(where: { $0.range.overlaps(candidate.range) }) {
            chosen.append(candidate)
        }
        chosen.sort { $0.range.lowerBound < $1.range.lowerBound }

        var resolved = [Int?](repeating: nil, count: chosen.count)
        func settle(_ index: Int, _ entry: Int) {
            resolved[index] = entry
            named.insert(entry)
            for ancestor in ancestors[entry] { named.insert(ancestor) }
        }
        /// How closely a place named supports `entry`: 3 itself, 2 its parent, 1 a higher area, 0 none.
        func supportLevel(_ entry: Int) -> Int {
            if named.contains(entry) { return 3 }
            for (depth, ancestor) in ancestors[entry].enumerated() where named.contains(ancestor) {
                return depth == 0 ? 2 : 1
            }
            return 0
        }
        func preferringAreasAbove(_ entries: [Int]) -> [Int] {
            let above = entries.filter { self.entries[$0].level != .subdistrict }
            return above.isEmpty ? entries : above
        }
        for (index, candidate) in chosen.enumerated() where candidate.entries.count == 1 {
            if !needsSupport(candidate.entries[0], candidate) { settle(index, candidate.entries[0]) }
        }
        // A place settled may settle another (a district named settles its subdistrict).
        var changed = true
        while changed {
            changed = false
            for (index, candidate) in chosen.enumerated() where resolved[index] == nil {
                // The places named nearest above win: a district named beats its province.
                let levels = candidate.entries.map { entry -> Int in
                    let level = supportLevel(entry)
                    return needsSupport(entry, candidate) && level < 2 ? 0 : level
                }
                guard let best = levels.max(), best > 0 else { continue }
                var supported = candidate.entries.indices.filter { levels[$0] == best }.map { candidate.entries[$0] }
                if !candidate.marked { supported = preferringAreasAbove(supported) }
                if supported.count == 1 {
                    settle(index, supported[0])
                    changed = true
                }
            }
        }
        // Names nothing settled: Bangkok's place where it has one, else the one place that may stand alone.
        for (index, candidate) in chosen.enumerated() where resolved[index] == nil {
            var bangkok = candidate.bangkokByDefault ? candidate.entries.filter { inBangkok[$0] } : []
            if !candidate.marked { bangkok = preferringAreasAbove(bangkok) }
            let alone = candidate.entries.filter { !needsSupport($0, candidate) }
            if bangkok.count == 1 {
                settle(index, bangkok[0])
            } else if bangkok.isEmpty, alone.count == 1, !candidate.marked || candidate.entries.count == 1 {
                settle(index, alone[0])
            }
        }

        var mentions: [PlaceMention] = []
        var ambiguous: [Ambiguity] = []
        var seen = Set<String>()
        for (index, candidate) in chosen.enumerated() {
            let words = String(decoding: UnsafeBufferPointer(rebasing: text[candidate.mentionRange]), as: UTF16.self)
            guard let entryIndex = resolved[index] else {
                if candidate.entries.count > 1 {
                    ambiguous.append(Ambiguity(text: words, codes: candidate.entries.map { entries[$0].code }))
                }
                continue
            }
            let entry = entries[entryIndex]
            guard seen.insert(entry.code).inserted else { continue }
            mentions.append(
                PlaceMention(code: entry.code, level: entry.level, name: entry.name, range: candidate.mentionRange, text: words))
        }
        return (mentions, ambiguous)
    }

    /// Five-digit numbers standing alone: postcodes, when the gazetteer knows them.
    private func postcodes(in text: UnsafeBufferPointer<UInt16>) -> [String] {
        guard !postcodeAreas.isEmpty else { return [] }
        var codes: [String] = []
        var start: Int?
        for offset in 0...text.count {
            let isDigit = offset < text.count && ThaiCharacters.isASCIIDigit(text[offset])
            if isDigit, start == nil { start = offset }
            if !isDigit, let first = start {
                if offset - first == 5 { codes.append(String(decoding: UnsafeBufferPointer(rebasing: text[first..<offset]), as: UTF16.self)) }
                start = nil
            }
        }
        return codes
    }

    private func isWholeWord(_ range: Range<Int>, in text: UnsafeBufferPointer<UInt16>, words: WordBoundaries, afterMarker: Bool) -> Bool {
        let startsWord =
            afterMarker || range.lowerBound == 0 || words.isStart(range.lowerBound)
            || !ThaiCharacters.isThaiLetter(text[range.lowerBound - 1])
        let endsWord =
            range.upperBound == text.count || words.isEnd(range.upperBound)
            || !ThaiCharacters.isThaiLetter(text[range.upperBound])
        return startsWord && endsWord
    }

    /// The level or road marker written just before `offset` (one space allowed between).
    static func marker(before offset: Int, in text: UnsafeBufferPointer<UInt16>) -> Marker {
        var end = offset
        if end > 0, text[end - 1] == ThaiCharacters.space { end -= 1 }
        for known in knownMarkers where end >= known.units.count {
            let start = end - known.units.count
            if !known.units.indices.allSatisfy({ text[start + $0] == known.units[$0] }) { continue }
            var marker = known.marker
            if !marker.isRoad { marker.range = start..<end }
            return marker
        }
        return Marker(level: nil, isRoad: false, range: nil)
    }

    /// Every marker as UTF-16, level markers before road markers, in the order they are tried.
    private static let knownMarkers: [(units: [UInt16], marker: Marker)] = {
        var known: [(units: [UInt16], marker: Marker)] = []
        for (markers, level) in [(provinceMarkers, PlaceLevel.province), (districtMarkers, .district), (subdistrictMarkers, .subdistrict)] {
            for marker in markers {
                known.append(
                    (Array(marker.utf16),
                     Marker(level: level, isRoad: false, range: nil, isBangkokWord: marker == "เขต" || marker == "แขวง")))
            }
        }
        for marker in roadMarkers { known.append((Array(marker.utf16), Marker(level: nil, isRoad: true, range: nil))) }
        return known
    }()

    /// What is written just before a name.
    struct Marker {
        var level: PlaceLevel?
        var isRoad: Bool
        var range: Range<Int>?
        /// เขต or แขวง, the words of Bangkok's districts and subdistricts.
        var isBangkokWord = false
    }

    static func isFollowedByNumber(_ offset: Int, in text: UnsafeBufferPointer<UInt16>) -> Bool {
        var index = offset
        if index < text.count, text[index] == ThaiCharacters.space { index += 1 }
        return index < text.count && ThaiCharacters.isASCIIDigit(text[index])
    }
}
