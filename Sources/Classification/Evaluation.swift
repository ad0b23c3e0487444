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
    /// How well confidences match accuracy, when confidences were given.
    public var calibration: Calibration?

    /// Reliability of the confidences: per band of confidence, how often the prediction was right.
    public struct Calibration: Sendable, Codable, Equatable {
        public struct Band: Sendable, Codable, Equatable {
            public var from: Double
            public var to: Double
            public var count: Int
            public var meanConfidence: Double
            public var accuracy: Double

            enum CodingKeys: String, CodingKey {
                case from, to, count, accuracy
                case meanConfidence = "mean_confidence"
            }
        }

        /// What sending only confident predictions straight to an agency would do.
        public struct Threshold: Sendable, Codable, Equatable {
            public var threshold: Double
            /// Share of cases at or above the threshold (routed without triage).
            public var share: Double
            /// Accuracy among those.
            public var accuracy: Double
        }

        /// Mean |accuracy − confidence| over ten equal bands, weighted by their counts.
        public var expectedCalibrationError: Double
        public var bands: [Band]
        public var thresholds: [Threshold]

        enum CodingKeys: String, CodingKey {
            case bands, thresholds
            case expectedCalibrationError = "expected_calibration_error"
        }

        init(confidences: [Double], correct: [Bool]) {
            var bands: [Band] = []
            var error = 0.0
            for band in 0..<10 {
                let from = Double(band) / 10
                let to = Double(band + 1) / 10
                let members = confidences.indices.filter {
                    confidences[$0] >= from && (confidences[$0] < to || (band == 9 && confidences[$0] <= to))
                }
                guard !members.isEmpty else { continue }
                let mean = members.map { confidences[$0] }.reduce(0, +) / Double(members.count)
                let accuracy = Double(members.filter { correct[$0] }.count) / Double(members.count)
                error += Double(members.count) * abs(accuracy - mean)
                bands.append(Band(from: from, to: to, count: members.count, meanConfidence: mean, accuracy: accuracy))
            }
            expectedCalibrationError = confidences.isEmpty ? 0 : error / Double(confidences.count)
            self.bands = bands
            thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map { threshold in
                let kept = confidences.indices.filter { confidences[$0] >= threshold }
                return Threshold(
                    threshold: threshold, share: confidences.isEmpty ? 0 : Double(kept.count) / Double(confidences.count),
                    accuracy: kept.isEmpty ? 0 : Double(kept.filter { correct[$0] }.count) / Double(kept.count))
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case examples, accuracy
        case macroF1 = "macro_f1"
        case perCategory = "per_category"
        case confusion, calibration
    }

    /// Computes the report from (true, predicted) categories, with the predictions' confidences if known.
    public init(pairs: [(truth: String, predicted: String)], confidences: [Double]? = nil) {
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
        self.calibration = confidences.map {
            Calibration(confidences: $0, correct: pairs.map { $0.truth == $0.predicted })
        }
    }
}

/// Measures classifiers on labelled examples.
public enum Evaluator {
    /// Scores `model` on `examples`.
    /// - Throws: `WordSegmenter.Unavailable` when ICU is missing.
    public static func evaluate(model: ClassifierModel, examples: [TrainingExample]) throws -> EvaluationReport {
        let classifier = try Classifier(model: model)
        let predictions = examples.map { classifier.classify($0.text) }
        return EvaluationReport(
            pairs: zip(examples, predictions).map { ($0.category, $1.category) }, confidences: predictions.map(\.confidence))
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
        var confidences: [Double] = []
        for fold in 0..<assignment.count {
            let training = examples.indices.filter { assignment.assignment[$0] != fold }
            let heldOut = examples.indices.filter { assignment.assignment[$0] == fold }
            guard !heldOut.isEmpty else { continue }
            let model = try trainer.train(
                prepared: prepared, indices: training,
                background: Array(examples.count..<(examples.count + background.count)))
            for index in heldOut {
                let (predicted, confidence) = model.predictedIndex(
                    features: prepared.features[index], keywordScores: prepared.keywordScores[index])
                pairs.append((examples[index].category, taxonomy.categories[predicted]))
                confidences.append(confidence)
            }
        }
        return EvaluationReport(pairs: pairs, confidences: confidences)
    }
}
