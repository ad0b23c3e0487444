/// A word of normalised text, as the classifier and place finder read it.
public struct Token: Sendable, Hashable {
    /// What a token is made of.
    public enum Kind: Sendable, Hashable {
        case thai, latin, number
    }

    public var text: String
    public var kind: Kind
    /// UTF-16 offsets in the normalised text.
    public var range: Range<Int>
    public var isStopWord: Bool
}

/// Normalises and segments text into tokens.
///
/// ICU's words are refined in two ways: a token mixing scripts ("ลาดพร้าว101", "ซ.5")
/// is split where the script changes, and a trailing ไม้ยมก ๆ is dropped (ต่างๆ → ต่าง).
/// Not `Sendable`: it owns an ICU break iterator (see `WordSegmenter`).
public final class ThaiTokenizer {
    private let segmenter: WordSegmenter
    private let stopWordHashes: Set<UInt64>

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing.
    public init(stopWords: Set<String> = ThaiStopWords.all) throws {
        self.segmenter = try WordSegmenter()
        self.stopWordHashes = Set(stopWords.map { FeatureHash.hash(ThaiNormalizer.normalize($0)) })
    }

    /// The tokens of `text`, after normalisation.
    public func tokens(in text: String) -> [Token] {
        let units = ThaiNormalizer.normalizedUTF16(text)
        var tokens: [Token] = []
        units.withUnsafeBufferPointer { buffer in
            forEachToken(in: buffer) { range, kind, hash in
                tokens.append(
                    Token(
                        text: String(decoding: buffer[range], as: UTF16.self), kind: kind, range: range,
                        isStopWord: stopWordHashes.contains(hash)))
            }
        }
        return tokens
    }

    /// Whether a token hash is one of a stop word.
    @inline(__always)
    public func isStopWord(hash: UInt64) -> Bool {
        stopWordHashes.contains(hash)
    }

    /// Calls `body` with each token of already-normalised text: its range, kind and hash.
    public func forEachToken(
        in text: UnsafeBufferPointer<UInt16>, _ body: (Range<Int>, Token.Kind, UInt64) -> Void
    ) {
        segmenter.forEachWord(in: text) { word in
            var start = word.lowerBound
            var end = word.upperBound
            while end > start, text[end - 1] == ThaiCharacters.maiYamok { end -= 1 }
            while start < end {
                let script = ThaiCharacters.script(of: text[start])
                var pieceEnd = start + 1
                while pieceEnd < end, ThaiCharacters.script(of: text[pieceEnd]) == script { pieceEnd += 1 }
                let kind: Token.Kind?
                switch script {
                case .thai: kind = .thai
                case .latin: kind = .latin
                case .digit: kind = .number
                case .other: kind = nil
                }
                if let kind {
                    body(start..<pieceEnd, kind, FeatureHash.hash(text, start..<pieceEnd))
                }
                start = pieceEnd
            }
        }
    }
}
