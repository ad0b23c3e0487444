import Foundation
public import ThaiText

/// Places texts into categories with a model: keyword rules plus multinomial naive Bayes,
/// combined in log space and calibrated by a softmax temperature.
///
/// Not `Sendable`: it owns a feature extractor (an ICU break iterator). Create one per
/// thread or task from a shared `ClassifierModel`; creating one is cheap.
public final class Classifier {
    public let model: ClassifierModel
    private let extractor: FeatureExtractor
    private var scores: [Double]
    private var keywordHits: [Bool]

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing.
    public init(model: ClassifierModel) throws {
        self.model = model
        self.extractor = try FeatureExtractor(settings: model.features)
        self.scores = Array(repeating: 0, count: model.taxonomy.categories.count)
        self.keywordHits = Array(repeating: false, count: model.keywords.count)
    }

    /// The prediction for `text`.
    public func classify(_ text: String) -> Prediction {
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { classify(normalized: $0) }
    }

    /// The prediction for text already normalised by `ThaiNormalizer`.
    public func classify(normalized: UnsafeBufferPointer<UInt16>) -> Prediction {
        prediction(features: extractor.features(ofNormalized: normalized), normalized: normalized)
    }

    /// The same, also recording the text's word boundaries in `words`, so that the place finder
    /// need not segment the text again.
    public func classify(normalized: UnsafeBufferPointer<UInt16>, words: inout WordBoundaries) -> Prediction {
        prediction(features: extractor.features(ofNormalized: normalized, words: &words), normalized: normalized)
    }

    private func prediction(features: [UInt64], normalized: UnsafeBufferPointer<UInt16>) -> Prediction {
        rawScores(features: features, normalized: normalized, into: &scores)
        return Self.prediction(
            scores: scores, temperature: model.parameters.temperature ?? 1, categories: model.taxonomy.categories,
            secondaryThreshold: model.parameters.secondaryThreshold ?? ClassifierParameters.defaultSecondaryThreshold)
    }

    /// Uncalibrated log-space scores: log prior + log-likelihood + keyword weight × keyword score.
    func rawScores(features: [UInt64], normalized: UnsafeBufferPointer<UInt16>, into scores: inout [Double]) {
        let naiveBayes = naiveBayesScores(features: features)
        let keywords = model.keywordScorer.scores(normalized: normalized, seen: &keywordHits)
        let weight = model.parameters.keywordWeight ?? 0
        for category in scores.indices { scores[category] = naiveBayes[category] + weight * keywords[category] }
    }

    func naiveBayesScores(features: [UInt64]) -> [Double] {
        var scores = model.table.logPriors
        model.table.addLogLikelihoods(of: features, binary: model.parameters.binaryCounts, to: &scores)
        return scores
    }

    /// Turns raw scores into calibrated probabilities and keeps the best three, and the runners-up
    /// at or above `secondaryThreshold` as further problems.
    static func prediction(scores: [Double], temperature: Double, categories: [String], secondaryThreshold: Double) -> Prediction {
        let probabilities = softmax(scores, temperature: temperature)
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
        let candidates = ranked.prefix(3).map { Prediction.Candidate(category: categories[$0], score: probabilities[$0]) }
        // "other" is what fits nowhere else, never a second problem.
        let also = candidates.dropFirst().filter { $0.score >= secondaryThreshold && $0.category != "other" }
        return Prediction(top: candidates, also: Array(also.prefix(2)))
    }

    static func softmax(_ scores: [Double], temperature: Double) -> [Double] {
        guard let maximum = scores.max() else { return [] }
        let exponentials = scores.map { exp(($0 - maximum) / temperature) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}
