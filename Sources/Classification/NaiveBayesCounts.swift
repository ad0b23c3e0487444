import Foundation
import ThaiText

/// What a multinomial naive-Bayes model learns: per category, how many (weighted) documents
/// it saw, and how often each feature occurred in them.
///
/// Counts, not probabilities, are what a model file stores, so a model can later be extended
/// with more examples (officers' corrections) without the original corpus.
public struct NaiveBayesCounts: Sendable, Equatable {
    /// Number of categories.
    public let categoryCount: Int
    public private(set) var documentCounts: [Double]
    public private(set) var featureTotals: [Double]
    /// Feature hash → (category index, count) pairs, sparse because most features occur in
    /// a few categories only.
    public private(set) var features: [UInt64: [Int: Double]]

    public init(categoryCount: Int) {
        self.categoryCount = categoryCount
        self.documentCounts = Array(repeating: 0, count: categoryCount)
        self.featureTotals = Array(repeating: 0, count: categoryCount)
        self.features = [:]
    }

    /// Adds one document's features (with repeats) to category `category`.
    public mutating func add(features documentFeatures: [UInt64], category: Int, weight: Double = 1, binary: Bool) {
        precondition((0..<categoryCount).contains(category), "category index out of range")
        documentCounts[category] += weight
        let counted = binary ? Self.distinct(documentFeatures) : documentFeatures
        for feature in counted {
            features[feature, default: [:]][category, default: 0] += weight
            featureTotals[category] += weight
        }
    }

    /// The features with repeats removed, in a fixed order (sorted), so sums never depend on hashing.
    static func distinct(_ features: [UInt64]) -> [UInt64] {
        var sorted = features.sorted()
        var write = 0
        for read in sorted.indices where read == 0 || sorted[read] != sorted[read - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }

    /// Adds every count of `other`, which must have the same categories.
    public mutating func merge(_ other: NaiveBayesCounts) {
        precondition(other.categoryCount == categoryCount, "models with different categories")
        for category in 0..<categoryCount {
            documentCounts[category] += other.documentCounts[category]
            featureTotals[category] += other.featureTotals[category]
        }
        for (feature, counts) in other.features {
            for (category, count) in counts { features[feature, default: [:]][category, default: 0] += count }
        }
    }

    /// Restores counts read from a model file.
    init(documentCounts: [Double], featureTotals: [Double], features: [UInt64: [Int: Double]]) {
        self.categoryCount = documentCounts.count
        self.documentCounts = documentCounts
        self.featureTotals = featureTotals
        self.features = features
    }
}

/// Log-probabilities compiled from counts, laid out for fast scoring.
///
/// Scoring a text reads one row of `categoryCount` floats per known feature; unknown
/// features are skipped, as is usual for naive Bayes over an open vocabulary.
struct NaiveBayesTable: Sendable {
    let categoryCount: Int
    let logPriors: [Double]
    private let rows: FrozenHashTableRef
    private let logLikelihoods: [Float]

    init(counts: NaiveBayesCounts, smoothing: Double) {
        let categoryCount = counts.categoryCount
        self.categoryCount = categoryCount
        let documents = counts.documentCounts.reduce(0, +)
        // Priors are smoothed by one document per category so an empty category is possible, never certain.
        logPriors = counts.documentCounts.map { log(($0 + 1) / (documents + Double(categoryCount))) }

        let vocabulary = Double(max(counts.features.count, 1))
        let denominators = counts.featureTotals.map { log($0 + smoothing * vocabulary) }
        let unseen = denominators.map { Float(log(smoothing) - $0) }
        let ordered = counts.features.keys.sorted()
        var table = [Float](repeating: 0, count: ordered.count * categoryCount)
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(ordered.count)
        for (row, feature) in ordered.enumerated() {
            let base = row * categoryCount
            for category in 0..<categoryCount { table[base + category] = unseen[category] }
            for (category, count) in counts.features[feature]! {
                table[base + category] = Float(log(count + smoothing) - denominators[category])
            }
            pairs.append((feature, Int32(row)))
        }
        rows = FrozenHashTableRef(FrozenHashTable(pairs, expectedCount: pairs.count))
        logLikelihoods = table
    }

    /// Adds each category's log-likelihood of `features` to `scores` (which starts with the priors or zeros).
    func addLogLikelihoods(of features: [UInt64], binary: Bool, to scores: inout [Double]) {
        let categoryCount = self.categoryCount
        var sums = [Float](repeating: 0, count: categoryCount)
        let counted = binary ? NaiveBayesCounts.distinct(features) : features
        logLikelihoods.withUnsafeBufferPointer { table in
            sums.withUnsafeMutableBufferPointer { sums in
                for feature in counted {
                    guard let row = rows.table[feature] else { continue }
                    let base = Int(row) * categoryCount
                    for category in 0..<categoryCount { sums[category] += table[base + category] }
                }
            }
        }
        for category in 0..<categoryCount { scores[category] += Double(sums[category]) }
    }
}

/// A class box so copies of a compiled table share one hash table.
final class FrozenHashTableRef: Sendable {
    let table: FrozenHashTable
    init(_ table: FrozenHashTable) { self.table = table }
}
