import CICUBreak

/// Finds word boundaries in Thai text with ICU's dictionary-based word break iterator.
///
/// An ICU break iterator is not thread-safe and is costly to open, so a segmenter is a
/// reusable object owned by one thread or task at a time (hence not `Sendable`).
public final class WordSegmenter {
    /// Why a segmenter could not be made.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            "ICU could not open a Thai word break iterator (is libicu's data installed?)"
        }
    }

    private let breaker: OpaquePointer
    private var spans: [Int32] = []

    /// Opens ICU's Thai word break iterator.
    /// - Throws: `Unavailable` when ICU's break data cannot be loaded.
    public init() throws {
        guard let breaker = cicu_breaker_open() else { throw Unavailable() }
        self.breaker = breaker
    }

    deinit {
        cicu_breaker_close(breaker)
    }

    /// The words of `text`, as ICU sees them (no normalisation, no splitting by script).
    public func words(in text: String) -> [String] {
        let units = Array(text.utf16)
        var words: [String] = []
        units.withUnsafeBufferPointer { buffer in
            forEachWord(in: buffer) { range in
                words.append(String(decoding: buffer[range], as: UTF16.self))
            }
        }
        return words
    }

    /// Calls `body` with the UTF-16 range of each word token of `text`, in order.
    ///
    /// Word tokens are those ICU gives a rule status of at least `UBRK_WORD_NUMBER`:
    /// numbers, letters and dictionary words; spaces, punctuation and emoji are skipped.
    /// Any UTF-16 is accepted, unpaired surrogates included.
    public func forEachWord(in text: UnsafeBufferPointer<UInt16>, _ body: (Range<Int>) -> Void) {
        guard !text.isEmpty else { return }
        // A word is at least one code unit, so there are never more words than units; start
        // smaller and grow once if needed, rather than holding 8 bytes per unit of a 1 MB text.
        var capacity = min(text.count, max(64, text.count / 2))
        var found: Int32 = 0
        while true {
            if spans.count < 2 * capacity { spans = [Int32](repeating: 0, count: 2 * capacity) }
            found = spans.withUnsafeMutableBufferPointer { out in
                cicu_breaker_words(breaker, text.baseAddress, Int32(text.count), out.baseAddress, Int32(capacity))
            }
            if found <= capacity { break }
            capacity = Int(found)
        }
        guard found > 0 else { return }
        spans.withUnsafeBufferPointer { out in
            for token in 0..<Int(found) {
                body(Int(out[2 * token])..<Int(out[2 * token + 1]))
            }
        }
    }
}
