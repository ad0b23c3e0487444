import Foundation
public import ThaiText

/// Everything a classifier knows: the categories, how features are read, the keyword rules,
/// the naive-Bayes counts and the tuned parameters. This is what a model file holds.
///
/// Immutable and `Sendable`: one model is shared by every thread; each thread scores with
/// its own `Classifier`, which owns the (non-thread-safe) ICU segmenter.
public struct ClassifierModel: Sendable {
    public let taxonomy: Taxonomy
    public let features: FeatureSettings
    public let parameters: ClassifierParameters
    public let keywords: [KeywordRule]
    public let counts: NaiveBayesCounts

    let table: NaiveBayesTable
    let keywordScorer: KeywordScorer

    /// Assembles a model. Rules for categories not in the taxonomy are ignored.
    public init(
        taxonomy: Taxonomy, features: FeatureSettings, parameters: ClassifierParameters, keywords: [KeywordRule],
        counts: NaiveBayesCounts
    ) {
        precondition(counts.categoryCount == taxonomy.categories.count, "counts do not match the taxonomy")
        let scorer = KeywordScorer(rules: keywords, categories: taxonomy.categories)
        self.taxonomy = taxonomy
        self.features = features
        self.parameters = parameters
        self.keywords = scorer.rules
        self.counts = counts
        self.table = NaiveBayesTable(counts: counts, smoothing: parameters.smoothing ?? Trainer.smoothingGrid[0])
        self.keywordScorer = scorer
    }

    /// The same model with other parameters (used while tuning them).
    func with(parameters: ClassifierParameters) -> ClassifierModel {
        ClassifierModel(taxonomy: taxonomy, features: features, parameters: parameters, keywords: keywords, counts: counts)
    }
}

extension ClassifierModel {
    /// The category index predicted from features and keyword scores computed beforehand, and its confidence.
    func predictedIndex(features: [UInt64], keywordScores: [Double]) -> (index: Int, confidence: Double) {
        var scores = table.logPriors
        table.addLogLikelihoods(of: features, binary: parameters.binaryCounts, to: &scores)
        let weight = parameters.keywordWeight ?? 0
        for category in scores.indices { scores[category] += weight * keywordScores[category] }
        let index = Trainer.argmax(scores)
        return (index, Classifier.softmax(scores, temperature: parameters.temperature ?? 1)[index])
    }
}
