import ThaiText

/// Which terms similarity reads from a text.
public struct SimilaritySettings: Sendable, Hashable {
    /// Pairs of adjacent content words ("ไฟ ดับ" is not "ไฟ ไหม้").
    public var bigrams: Bool
    /// Length of character n-grams (0: none), taken across each run of Thai content words joined
    /// together: a misspelt word that ICU splits into nonsense still shares most of its n-grams with
    /// the right spelling.
    public var characterNGram: Int
    /// Weight of a character n-gram relative to a word (they are many, so they must count less).
    public var characterWeight: Float
    /// Whether words naming a place (after ซอย, ตลาด, หน้า…, and numbers) are told apart from the
    /// words of the problem, so that "the same problem" and "the same place" are judged separately.
    public var places: Bool

    public init(bigrams: Bool = false, characterNGram: Int = 3, characterWeight: Float = 0.35, places: Bool = true) {
        self.bigrams = bigrams
        self.characterNGram = characterNGram
        self.characterWeight = characterWeight
        self.places = places
    }

    /// The settings Siang runs with (chosen on `bench/similar/pairs.csv`, see the README).
    public static let standard = SimilaritySettings()
}

/// Turns a text into its similarity terms: normalised (`ThaiNormalizer`), segmented by ICU
/// (`ThaiTokenizer`), stop words left out, numbers kept (a soi or a house number tells two
/// places apart), adjacent content words paired.
///
/// Not `Sendable`: it owns an ICU break iterator. Make one per thread, or borrow one from a
/// `SimilarityIndex` (`withFeatures`).
public final class TextFeatures {
    public let settings: SimilaritySettings
    private let tokenizer: ThaiTokenizer
    static let ngramSeed: UInt64 = 0x5349_4D43

    /// Words after which people name a place: a soi, a market, a school, "in front of", "near".
    /// Normalised like tokens. The marker itself is a place word too (ซอย 5 and ตลาด 5 differ).
    static let placeMarkers: Set<String> = [
        "ซอย", "ซ", "ตลาด", "ร", "หน้า", "หมู่บ้าน", "ม", "วัด", "โรงเรียน", "รร", "แยก", "สถานี", "ชุมชน", "แฟลต",
        "สะพาน", "ตรงข้าม", "ข้าง", "หลัง", "แถว", "ปาก", "ถนน", "ถ", "หมู่", "บ้านเลขที่", "เลขที่", "อาคาร", "คอนโด",
        "แขวง", "เขต", "ตำบล", "อำเภอ", "กม", "กิโล", "ใกล้", "ตรง",
    ]

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing.
    public init(settings: SimilaritySettings = .standard) throws {
        self.settings = settings
        self.tokenizer = try ThaiTokenizer()
    }

    /// The terms of `text`, in order, with repeats.
    public func terms(of text: String) -> [Term] {
        var terms: [Term] = []
        let tokens = tokenizer.tokens(in: text)
        var words: [(text: String, kind: Token.Kind, place: Bool)] = []
        var placeRun = 0
        for token in tokens {
            let isMarker = settings.places && Self.placeMarkers.contains(token.text)
            if token.isStopWord && !isMarker {
                placeRun = 0
                continue
            }
            var place = false
            if settings.places {
                if isMarker {
                    place = true
                    placeRun = 2
                } else if token.kind == .number {
                    place = true
                    placeRun = 0
                    // "รามคำแหง 190", "เพชรเกษม63": the name before a number is the place's too.
                    for back in words.indices.reversed().prefix(2) where words[back].kind == .thai {
                        words[back].place = true
                    }
                } else if placeRun > 0 {
                    place = true
                    placeRun -= 1
                }
            }
            // One Thai letter alone is nearly always a fragment of a word ICU did not know.
            if token.kind != .number && token.text.unicodeScalars.count < 2 && !place { continue }
            words.append((token.text, token.kind, place))
        }
        var previous: (hash: UInt64, text: String, place: Bool)? = nil
        var run = String.UnicodeScalarView()
        for word in words {
            let hash = FeatureHash.hash(word.text)
            terms.append(Term(hash: hash, kind: .word, text: word.text, isPlace: word.place))
            if settings.bigrams, let previous, previous.place == word.place {
                terms.append(
                    Term(
                        hash: FeatureHash.combine(previous.hash, hash), kind: .bigram,
                        text: previous.text + " " + word.text, isPlace: word.place))
            }
            previous = (hash, word.text, word.place)
            if word.kind == .thai && !word.place {
                run.append(contentsOf: word.text.unicodeScalars)
            } else {
                appendNGrams(of: run, to: &terms)
                run = String.UnicodeScalarView()
            }
        }
        appendNGrams(of: run, to: &terms)
        return terms
    }

    /// Hashes each n-gram of `run` straight from its scalars (as `FeatureHash.hash` would hash the
    /// n-gram's text): a filing has hundreds of them, and a `String` each was a good part of its cost.
    /// Their text is never shown, so they carry none.
    private func appendNGrams(of run: String.UnicodeScalarView, to terms: inout [Term]) {
        let n = settings.characterNGram
        guard n > 0 else { return }
        let scalars = Array(run)
        guard scalars.count >= n else { return }
        for start in 0...(scalars.count - n) {
            var hash = FeatureHash.start(seed: Self.ngramSeed)
            for scalar in scalars[start..<(start + n)] {
                for unit in UTF16.encode(scalar)! { hash = FeatureHash.add(unit, to: hash) }
            }
            terms.append(Term(hash: hash, kind: .characters, text: ""))
        }
    }

    /// The TF-IDF vector of `text` under `frequencies`.
    public func vector(of text: String, frequencies: DocumentFrequencies) -> TermVector {
        vector(of: terms(of: text), frequencies: frequencies)
    }

    /// The TF-IDF vector of terms already read, with character n-grams weighted down.
    public func vector(of terms: [Term], frequencies: DocumentFrequencies) -> TermVector {
        let ngrams = Set(terms.lazy.filter { $0.kind == .characters }.map(\.hash))
        let weight = settings.characterWeight
        return TermVector(terms: terms) { hash in
            frequencies.idf(hash) * (ngrams.contains(hash) ? weight : 1)
        }
    }
}
