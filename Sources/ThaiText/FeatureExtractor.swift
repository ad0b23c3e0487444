/// Which features a model reads from a text. Stored in model files: a model must be read
/// with the settings it was trained with.
public struct FeatureSettings: Codable, Sendable, Hashable {
    /// Word unigrams (stop words excluded).
    public var unigrams: Bool
    /// Pairs of adjacent content words, which tell "ไฟ ดับ" from "ไฟ ไหม้".
    public var bigrams: Bool
    /// Length of character n-grams taken inside Thai words (0: none). They make the model
    /// tolerant of misspellings that ICU's dictionary splits into nonsense.
    public var characterNGram: Int
    /// Whether numbers become one placeholder feature rather than being dropped.
    public var numberPlaceholder: Bool
    /// Version of `FeatureHash`; a model with another version cannot be read.
    public var hashVersion: Int

    public init(
        unigrams: Bool = true, bigrams: Bool = true, characterNGram: Int = 0, numberPlaceholder: Bool = false,
        hashVersion: Int = FeatureSettings.currentHashVersion
    ) {
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.characterNGram = characterNGram
        self.numberPlaceholder = numberPlaceholder
        self.hashVersion = hashVersion
    }

    public static let currentHashVersion = 1
    /// The settings of Siang's default model.
    public static let standard = FeatureSettings()
}

/// Turns text into the hashed features a classifier counts.
///
/// Not `Sendable` (owns a tokenizer); make one per thread. Reuses its buffers, so
/// extracting features of many texts in a row allocates little.
public final class FeatureExtractor {
    public let settings: FeatureSettings
    private let tokenizer: ThaiTokenizer
    private var features: [UInt64] = []
    private static let numberHash = FeatureHash.hash("<number>", seed: 0x4E)
    private static let ngramSeed: UInt64 = 0x4347

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing.
    public init(settings: FeatureSettings = .standard, stopWords: Set<String> = ThaiStopWords.all) throws {
        self.settings = settings
        self.tokenizer = try ThaiTokenizer(stopWords: stopWords)
    }

    /// The features of `text` (normalised first), with repeats: a feature seen twice is listed twice.
    public func features(of text: String) -> [UInt64] {
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { features(ofNormalized: $0) }
    }

    /// The features of text already normalised by `ThaiNormalizer`.
    public func features(ofNormalized text: UnsafeBufferPointer<UInt16>) -> [UInt64] {
        extract(text) { _ in }
    }

    /// The same, also recording the text's word boundaries in `words`, for the place finder.
    public func features(ofNormalized text: UnsafeBufferPointer<UInt16>, words: inout WordBoundaries) -> [UInt64] {
        words.reset(count: text.count)
        return extract(text) { words.add($0) }
    }

    private func extract(_ text: UnsafeBufferPointer<UInt16>, onToken: (Range<Int>) -> Void) -> [UInt64] {
        // Collected in a local array (the buffer kept from the last text): each access to the
        // class's own property is checked for exclusivity at run time, once per feature.
        var features = self.features
        self.features = []
        features.removeAll(keepingCapacity: true)
        defer { self.features = features }
        var previous: UInt64? = nil
        let settings = self.settings
        tokenizer.forEachToken(in: text) { range, kind, hash in
            onToken(range)
            if tokenizer.isStopWord(hash: hash) { return }
            var tokenHash = hash
            if kind == .number {
                guard settings.numberPlaceholder else { return }
                tokenHash = Self.numberHash
            }
            if settings.unigrams { features.append(tokenHash) }
            if settings.bigrams, let previous { features.append(FeatureHash.combine(previous, tokenHash)) }
            previous = tokenHash
            let n = settings.characterNGram
            if n > 0, kind == .thai, range.count > n {
                for start in range.lowerBound...(range.upperBound - n) {
                    features.append(FeatureHash.hash(text, start..<(start + n), seed: Self.ngramSeed))
                }
            }
        }
        return features
    }
}
