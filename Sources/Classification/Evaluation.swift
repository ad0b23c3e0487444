import Foundation
import ThaiText

/// How well predictions matched the true categories.
public struct EvaluationReport: Sendable, Codable, Equatable {
    /// Precision, recall and F1 of one category.
    public struct CategoryMetrics: Sendable, Codable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// How many examples truly belong to the category.
        public var support: Int
    }

    public var examples: Int
    public var accuracy: Double
    /// The unweighted mean F1 over every category that occurs among the true or the predicted
    /// labels (scikit-learn's default), so a category predicted but never true counts as 0.
    public var macroF1: Double
    public var perCategory: [String: CategoryMetrics]
    /// confusion[true][predicted] = count.
    public var confusion: [String: [String: Int]]

    enum CodingKeys: String, CodingKey {
        case examples, accuracy
        case macroF1 = "macro_f1"
        case perCategory = "per_category"
        case confusion
    }

    /// Computes the report from pairs of (true, predicted) categories.
    public init(pairs: [(truth: String, predicted: String)]) {
        var confusion: [String: [String: Int]] = [:]
        var correct = 0
        for (truth, predicted) in pairs {
            confusion[truth, default: [:]][predicted, default: 0] += 1
            if truth == predicted { correct += 1 }
        }
        let labels = Set(pairs.map(\.truth)).union(pairs.map(\.predicted))
        var perCategory: [String: CategoryMetrics] = [:]
        for label in labels {
            let truePositives = confusion[label]?[label] ?? 0
            let support = confusion[label]?.values.reduce(0, +) ?? 0
            let predicted = confusion.values.reduce(0) { $0 + ($1[label] ?? 0) }
            let precision = predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
            let recall = support == 0 ? 0 : Double(truePositives) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            perCategory[label] = CategoryMetrics(precision: precision, recall: recall, f1: f1, support: support)
        }
        self.examples = pairs.count
        self.accuracy = pairs.isEmpty ? 0 : Double(correct) / Double(pairs.count)
        self.macroF1 = labels.isEmpty ? 0 : perCategory.values.map(\.f1).reduce(0, +) / Double(labels.count)
        self.perCategory = perCategory
        self.confusion = confusion
    }
}

/// Measures classifiers on labelled examples.
public enum Evaluator {
    /// Scores `model` on `examples`.
    /// - Throws: `WordSegmenter.Unavailable` when ICU is missing.
    public static func evaluate(model: ClassifierModel, examples: [TrainingExample]) throws -> EvaluationReport {
        let classifier = try Classifier(model: model)
        return EvaluationReport(pairs: examples.map { ($0.category, classifier.classify($0.text).category) })
    }

    /// K-fold cross-validation: for each fold, a model is trained (tuning included) on the
    /// other folds, plus `background` examples if given, and scores the held-out one; the
    /// report covers every example once.
    /// - Throws: `TrainingError` for labels outside the taxonomy or too few examples.
    public static func crossValidate(
        examples: [TrainingExample], background: [TrainingExample] = [], taxonomy: Taxonomy, keywords: [KeywordRule],
        trainer: Trainer, folds: Int
    ) throws -> EvaluationReport {
        let prepared = try PreparedExamples(
            examples: examples + background, taxonomy: taxonomy, keywords: keywords, features: trainer.features)
        let assignment = Folds.stratified(labels: Array(prepared.labels.prefix(examples.count)), count: folds)
        var pairs: [(truth: String, predicted: String)] = []
        for fold in 0..<assignment.count {
            let training = examples.indices.filter { assignment.assignment[$0] != fold }
            let heldOut = examples.indices.filter { assignment.assignment[$0] == fold }
            guard !heldOut.isEmpty else { continue }
            let model = try trainer.train(
                prepared: prepared, indices: training,
                background: Array(examples.count..<(examples.count + background.count)))
            for index in heldOut {
                let predicted = model.predictedIndex(
                    features: prepared.features[index], keywordScores: prepared.keywordScores[index])
                pairs.append((examples[index].category, taxonomy.categories[predicted]))
            }
        }
        return EvaluationReport(pairs: pairs)
    }
}
