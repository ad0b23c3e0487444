import Foundation

/// How many documents hold each term, for inverse document frequencies: a word in every case
/// ("ถนน") says little, a word in few ("ท่อระบาย") says much.
public struct DocumentFrequencies: Sendable {
    private var counts: [UInt64: Int32] = [:]
    /// Documents counted.
    public private(set) var documentCount = 0

    public init() {}

    /// Counts one document's distinct terms.
    public mutating func add<S: Sequence>(_ terms: S) where S.Element == UInt64 {
        documentCount += 1
        for term in Set(terms) { counts[term, default: 0] += 1 }
    }

    /// Uncounts a document added before.
    public mutating func remove<S: Sequence>(_ terms: S) where S.Element == UInt64 {
        documentCount = max(0, documentCount - 1)
        for term in Set(terms) {
            guard let count = counts[term] else { continue }
            if count <= 1 { counts[term] = nil } else { counts[term] = count - 1 }
        }
    }

    /// How many documents hold `term`.
    public func frequency(of term: UInt64) -> Int { Int(counts[term] ?? 0) }

    /// Smoothed IDF, ln((N + 1) / (df + 1)) + 1: positive for every term, highest for a term no
    /// document holds yet (a query's rare word).
    public func idf(_ term: UInt64) -> Float {
        Float(log(Double(documentCount + 1) / Double(frequency(of: term) + 1)) + 1)
    }

    /// Distinct terms counted.
    public var termCount: Int { counts.count }
}
