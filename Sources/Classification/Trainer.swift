import Foundation
public import ThaiText

/// Why a model could not be trained.
public struct TrainingError: Error, Equatable, CustomStringConvertible {
    public let description: String

    static func unknownCategory(_ category: String) -> TrainingError {
        TrainingError(description: "category \"\(category)\" is not in the taxonomy")
    }
    static let noExamples = TrainingError(description: "there are no training examples")
}

/// Trains classifier models from labelled examples, deterministically: the same examples,
/// taxonomy, keywords and settings give the same model, byte for byte.
///
/// Parameters left `nil` in `parameters` are tuned on out-of-fold predictions of the
/// training examples themselves, by log-loss: the smoothing, keyword weight (and background
/// weight) together, each with its best softmax temperature, which is what makes the
/// confidences calibrated.
public struct Trainer: Sendable {
    public var features: FeatureSettings
    public var parameters: ClassifierParameters
    /// Folds for tuning; fewer examples than folds per category is fine.
    public var tuningFolds: Int

    /// Keyword weights tried. Above 4 nats per unit, one strong phrase (weight 3) would outvote
    /// any amount of text evidence; keywords are meant as strong hints, not overrides.
    static let keywordWeightGrid: [Double] = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]
    static let smoothingGrid: [Double] = [0.1, 0.3, 1]
    static let backgroundWeightGrid: [Double] = [0.1, 0.25, 0.5, 1]

    public init(features: FeatureSettings = .standard, parameters: ClassifierParameters = .init(), tuningFolds: Int = 5) {
        self.features = features
        self.parameters = parameters
        self.tuningFolds = tuningFolds
    }

    /// Trains a model on `examples`, and on `background` examples if given.
    ///
    /// Background examples (the seed corpus, when training on an agency's own labelled cases)
    /// are general knowledge in a different voice: they count with a weight chosen, like the
    /// other parameters, by cross-validation on `examples` alone.
    /// - Throws: `TrainingError` for an empty set or a label outside the taxonomy;
    ///   `WordSegmenter.Unavailable` when ICU is missing.
    public func train(
        examples: [TrainingExample], background: [TrainingExample] = [], taxonomy: Taxonomy, keywords: [KeywordRule]
    ) throws -> ClassifierModel {
        let prepared = try PreparedExamples(
            examples: examples + background, taxonomy: taxonomy, keywords: keywords, features: features)
        return try train(
            prepared: prepared, indices: Array(examples.indices),
            background: Array(examples.count..<(examples.count + background.count)))
    }

    func train(prepared: PreparedExamples, indices: [Int], background: [Int] = []) throws -> ClassifierModel {
        guard !indices.isEmpty else { throw TrainingError.noExamples }
        var tuned = parameters
        var backgroundWeight = parameters.backgroundWeight ?? 1
        if tuned.smoothing == nil || tuned.keywordWeight == nil || tuned.temperature == nil
            || (!background.isEmpty && tuned.backgroundWeight == nil)
        {
            // Background weight, smoothing and keyword weight are chosen together, by out-of-fold
            // log-loss (with the temperature fitted for each): a proper score, which unlike accuracy
            // does not reward the overconfidence a clean, hand-written corpus invites.
            var best: (background: Double, smoothing: Double, weight: Double, loss: Double, scores: [(index: Int, scores: [Double])])?
            let backgroundGrid = background.isEmpty ? [1] : tuned.backgroundWeight.map { [$0] } ?? Self.backgroundWeightGrid
            for weightOfBackground in backgroundGrid {
                for smoothing in tuned.smoothing.map({ [$0] }) ?? Self.smoothingGrid {
                    let outOfFold = outOfFoldScores(
                        prepared: prepared, indices: indices, background: background,
                        backgroundWeight: weightOfBackground, smoothing: smoothing)
                    for weight in tuned.keywordWeight.map({ [$0] }) ?? Self.keywordWeightGrid {
                        let (_, loss) = Self.bestTemperature(
                            outOfFold, keywords: prepared, weight: weight, labels: prepared.labels)
                        if best == nil || loss < best!.loss {
                            best = (weightOfBackground, smoothing, weight, loss, outOfFold)
                        }
                    }
                }
            }
            backgroundWeight = best!.background
            tuned.smoothing = best!.smoothing
            tuned.keywordWeight = best!.weight
            if !background.isEmpty { tuned.backgroundWeight = backgroundWeight }
            if tuned.temperature == nil {
                tuned.temperature = Self.bestTemperature(
                    best!.scores, keywords: prepared, weight: best!.weight, labels: prepared.labels).temperature
            }
        }
        let counts = prepared.counts(
            of: indices, background: background, backgroundWeight: backgroundWeight, binary: parameters.binaryCounts)
        return ClassifierModel(
            taxonomy: prepared.taxonomy, features: features, parameters: tuned, keywords: prepared.keywordRules,
            counts: counts)
    }

    /// Naive-Bayes scores of each example, from a model that did not see it (background
    /// examples are in every fold's training set).
    private func outOfFoldScores(
        prepared: PreparedExamples, indices: [Int], background: [Int], backgroundWeight: Double, smoothing: Double
    ) -> [(index: Int, scores: [Double])] {
        let folds = Folds.stratified(labels: indices.map { prepared.labels[$0] }, count: tuningFolds)
        var result: [(index: Int, scores: [Double])] = []
        for fold in 0..<folds.count {
            let training = indices.enumerated().filter { folds.assignment[$0.offset] != fold }.map(\.element)
            let heldOut = indices.enumerated().filter { folds.assignment[$0.offset] == fold }.map(\.element)
            guard !training.isEmpty, !heldOut.isEmpty else { continue }
            let counts = prepared.counts(
                of: training, background: background, backgroundWeight: backgroundWeight, binary: parameters.binaryCounts)
            let table = NaiveBayesTable(counts: counts, smoothing: smoothing)
            for index in heldOut {
                var scores = table.logPriors
                table.addLogLikelihoods(of: prepared.features[index], binary: parameters.binaryCounts, to: &scores)
                result.append((index, scores))
            }
        }
        return result.sorted { $0.index < $1.index }
    }

    /// The softmax temperature with the least out-of-fold log-loss, and that loss.
    static func bestTemperature(
        _ outOfFold: [(index: Int, scores: [Double])], keywords: PreparedExamples, weight: Double, labels: [Int]
    ) -> (temperature: Double, loss: Double) {
        guard !outOfFold.isEmpty else { return (1, 0) }
        let combined = outOfFold.map { item in
            (label: labels[item.index], scores: zip(item.scores, keywords.keywordScores[item.index]).map { $0 + weight * $1 })
        }
        var best = (temperature: 1.0, loss: Double.infinity)
        // Log-spaced from 0.05 to 50.
        for step in 0...90 {
            let temperature = 0.05 * pow(10, Double(step) / 30)
            var loss = 0.0
            for item in combined {
                let maximum = item.scores.max()!
                let logSum = log(item.scores.reduce(0) { $0 + exp(($1 - maximum) / temperature) })
                loss -= (item.scores[item.label] - maximum) / temperature - logSum
            }
            if loss < best.loss { best = (temperature, loss) }
        }
        return best
    }

    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}

/// Examples turned into features and keyword scores once, so tuning and cross-validation
/// do not segment the same texts again for every fold.
struct PreparedExamples {
    let taxonomy: Taxonomy
    let keywordRules: [KeywordRule]
    let labels: [Int]
    let weights: [Double]
    let features: [[UInt64]]
    let keywordScores: [[Double]]

    init(examples: [TrainingExample], taxonomy: Taxonomy, keywords: [KeywordRule], features settings: FeatureSettings) throws {
        guard !examples.isEmpty else { throw TrainingError.noExamples }
        let index = Dictionary(uniqueKeysWithValues: taxonomy.categories.enumerated().map { ($1, $0) })
        let scorer = KeywordScorer(rules: keywords, categories: taxonomy.categories)
        let extractor = try FeatureExtractor(settings: settings)
        var labels: [Int] = []
        var features: [[UInt64]] = []
        var keywordScores: [[Double]] = []
        var seen: [Bool] = []
        for example in examples {
            guard let label = index[example.category] else { throw TrainingError.unknownCategory(example.category) }
            labels.append(label)
            let units = ThaiNormalizer.normalizedUTF16(example.text)
            units.withUnsafeBufferPointer { buffer in
                features.append(extractor.features(ofNormalized: buffer))
                keywordScores.append(scorer.scores(normalized: buffer, seen: &seen))
            }
        }
        self.taxonomy = taxonomy
        self.keywordRules = scorer.rules
        self.labels = labels
        self.weights = examples.map(\.weight)
        self.features = features
        self.keywordScores = keywordScores
    }

    func counts(of indices: [Int], background: [Int] = [], backgroundWeight: Double = 1, binary: Bool) -> NaiveBayesCounts {
        var counts = NaiveBayesCounts(categoryCount: taxonomy.categories.count)
        for index in indices {
            counts.add(features: features[index], category: labels[index], weight: weights[index], binary: binary)
        }
        for index in background {
            counts.add(
                features: features[index], category: labels[index], weight: weights[index] * backgroundWeight, binary: binary)
        }
        return counts
    }
}

/// A deterministic assignment of examples to cross-validation folds.
struct Folds {
    let count: Int
    /// Fold of each example.
    let assignment: [Int]

    /// Stratified folds: each category's examples are shuffled with a fixed seed and dealt
    /// round-robin, continuing where the previous category stopped, so folds stay balanced.
    static func stratified(labels: [Int], count: Int, seed: UInt64 = 0x5EED_51A6) -> Folds {
        let count = max(2, count)
        var generator = SplitMix64(seed: seed)
        var byLabel: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { byLabel[label, default: []].append(index) }
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for label in byLabel.keys.sorted() {
            var members = byLabel[label]!
            members.shuffle(using: &generator)
            for member in members {
                assignment[member] = next % count
                next += 1
            }
        }
        return Folds(count: count, assignment: assignment)
    }
}

/// A small seeded generator (SplitMix64), so shuffles (and the tests' sampled inputs) are the same on
/// every machine and run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
