import Foundation

/// A weighted term vector of a text: its terms (hashed words, word pairs and, when asked, character
/// n-grams) with TF-IDF weights, scaled to unit length, so the cosine of two vectors is their dot product.
///
/// The terms are kept sorted, so the cosine is one merge of two sorted lists and two vectors built from
/// the same terms and frequencies are equal: the engine is deterministic. Filing ("already reported?"),
/// agencies' clusters and consultations' themes all compare texts through this one type.
public typealias TermVector = WeightedTerms<UInt64>

/// Terms with weights, sorted by term: a `TermVector` of hashes, or the similarity index's vectors of
/// its own 4-byte term numbers (`TermTable`), compared the same way.
public struct WeightedTerms<Key: FixedWidthInteger & Sendable>: Sendable, Hashable {
    /// Terms (hashes, or numbers), ascending, each once.
    public let terms: [Key]
    /// The weight of each term in `terms`, at the same index; the squares sum to 1 (or the vector is empty).
    public let weights: [Float]

    /// The empty vector: a text without any content word. Its cosine with anything is 0.
    public static var empty: Self { Self(sortedTerms: [], weights: []) }

    init(sortedTerms: [Key], weights: [Float]) {
        self.terms = sortedTerms
        self.weights = weights
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// A vector from raw weights per term, scaled to unit length; non-positive weights are left out.
    public init(weights raw: [Key: Float]) {
        let kept = raw.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        let norm = kept.reduce(Float(0)) { $0 + $1.value * $1.value }.squareRoot()
        terms = kept.map(\.key)
        weights = norm > 0 ? kept.map { $0.value / norm } : []
    }

    /// The sum of several vectors, scaled to unit length: the centre of a group of texts (a theme, a cluster).
    public static func centroid(of vectors: [Self]) -> Self {
        var raw: [Key: Float] = [:]
        for vector in vectors {
            for (term, weight) in zip(vector.terms, vector.weights) { raw[term, default: 0] += weight }
        }
        return Self(weights: raw)
    }
}

extension WeightedTerms where Key == UInt64 {
    /// The TF-IDF vector of a text's terms: weight = (1 + ln tf) × idf(term), scaled to unit length.
    /// The sublinear term frequency keeps a word typed five times from drowning the rest of the text.
    public init(terms: [Term], idf: (UInt64) -> Float) {
        var counts: [UInt64: Int] = [:]
        for term in terms { counts[term.hash, default: 0] += 1 }
        var raw: [UInt64: Float] = [:]
        raw.reserveCapacity(counts.count)
        for (hash, count) in counts {
            raw[hash] = (1 + Float(log(Double(count)))) * idf(hash)
        }
        self.init(weights: raw)
    }
}

extension WeightedTerms {
    /// The cosine of the two vectors' angle, 0 (nothing shared) to 1 (same direction).
    public func cosine(with other: Self) -> Float {
        var i = 0
        var j = 0
        // In Double, so that the sum practically never hangs on the order of the terms (the similarity
        // index's numbers for them depend on its history): every product is exact, and rounding the sum
        // to a Float hides the order's last-bit differences.
        var sum: Double = 0
        while i < terms.count, j < other.terms.count {
            let a = terms[i]
            let b = other.terms[j]
            if a == b {
                sum += Double(weights[i]) * Double(other.weights[j])
                i += 1
                j += 1
            } else if a < b {
                i += 1
            } else {
                j += 1
            }
        }
        return min(1, Float(sum))
    }

    /// The cosine of two vectors (see `cosine(with:)`).
    public static func cosine(_ a: Self, _ b: Self) -> Float { a.cosine(with: b) }

    /// The terms both vectors have, each with its share of the cosine, largest first (ties by term):
    /// what explains a match.
    public func sharedTerms(with other: Self) -> [(term: Key, contribution: Float)] {
        var shared: [(term: Key, contribution: Float)] = []
        var i = 0
        var j = 0
        while i < terms.count, j < other.terms.count {
            if terms[i] == other.terms[j] {
                shared.append((terms[i], weights[i] * other.weights[j]))
                i += 1
                j += 1
            } else if terms[i] < other.terms[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return shared.sorted { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.term < $1.term }
    }
}
