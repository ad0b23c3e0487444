public import Classification
import CoreMetrics
import Metrics
import Synchronization
public import ThaiText

/// What Siang reads from a case's text: the category prediction and the places named.
public struct TextAnalysis: Sendable {
    public var prediction: Prediction
    public var places: [PlaceMention]
}

/// Classifies texts and finds places in them, from any task.
///
/// ICU break iterators are not thread-safe, so each analysis borrows a classifier and a
/// tokenizer from a small pool (made on demand, one per concurrent caller at most).
public final class TextAnalyzer: Sendable {
    public let model: ClassifierModel
    public let gazetteer: Gazetteer
    private let idle = Mutex<[Worker]>([])

    /// One classifier and tokenizer, used by one caller at a time.
    final class Worker: @unchecked Sendable {
        let classifier: Classifier
        let tokenizer: ThaiTokenizer

        init(model: ClassifierModel) throws {
            classifier = try Classifier(model: model)
            tokenizer = try ThaiTokenizer()
        }
    }

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing (checked once, here).
    public init(model: ClassifierModel, gazetteer: Gazetteer) throws {
        self.model = model
        self.gazetteer = gazetteer
        let first = try Worker(model: model)
        idle.withLock { $0.append(first) }
    }

    /// The category prediction for `text` and the places it names.
    public func analyze(_ text: String) -> TextAnalysis {
        let start = ContinuousClock.now
        let worker = borrow()
        defer {
            idle.withLock { $0.append(worker) }
            CoreMetrics.Timer(label: "siang_classifier_seconds").record(duration: ContinuousClock.now - start)
        }
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { normalized in
            TextAnalysis(
                prediction: worker.classifier.classify(normalized: normalized),
                places: gazetteer.mentions(inNormalized: normalized, tokenizer: worker.tokenizer))
        }
    }

    /// The distinct content words of `text` (no stop words, no one-letter fragments), normalised:
    /// what "similar proposals" compares.
    public func contentWords(_ text: String) -> [String] {
        let worker = borrow()
        defer { idle.withLock { $0.append(worker) } }
        var seen = Set<String>()
        return worker.tokenizer.tokens(in: text).compactMap { token in
            guard !token.isStopWord, token.kind != .number, token.text.count > 1, seen.insert(token.text).inserted
            else { return nil }
            return token.text
        }
    }

    private func borrow() -> Worker {
        if let worker = idle.withLock({ $0.popLast() }) { return worker }
        // The first worker proved ICU works, so another cannot fail for want of data.
        return try! Worker(model: model)
    }
}
