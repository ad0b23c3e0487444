public import Classification
import CoreMetrics
import Metrics
import Synchronization
public import ThaiText

/// What Siang reads from a case's text: the category prediction and the places named.
public struct TextAnalysis: Sendable {
    public var prediction: Prediction
    public var places: [PlaceMention]
    /// Names in the text that fit several places, none settled by another place named.
    public var ambiguousPlaces: [Gazetteer.Ambiguity] = []
    /// The model version that made the prediction (nil: the default model trained from `Seeds/`).
    public var modelVersion: Int64?
}

/// Classifies texts and finds places in them, from any task.
///
/// ICU break iterators are not thread-safe, so each analysis borrows a classifier and a
/// tokenizer from a small pool (made on demand, one per concurrent caller at most).
///
/// The model can be swapped while texts are analysed: the new model comes with its own pool, made
/// before the swap as large as the old one had grown, so no request waits for a classifier to be
/// built; analyses under way finish with the model they started with.
public final class TextAnalyzer: Sendable {
    public let gazetteer: Gazetteer
    private let current: Mutex<Slot>

    /// One model, its version, and its classifiers and tokenizers.
    final class Slot: Sendable {
        let model: ClassifierModel
        /// nil: the default model trained from `Seeds/`.
        let version: Int64?
        private let idle = Mutex<[Worker]>([])
        /// How many workers this slot has made: the pool a successor starts with.
        let made = Atomic<Int>(0)

        init(model: ClassifierModel, version: Int64?, workers: Int) throws {
            self.model = model
            self.version = version
            let ready = try (0..<max(workers, 1)).map { _ in try Worker(model: model) }
            made.store(ready.count, ordering: .relaxed)
            idle.withLock { $0 = ready }
        }

        func borrow() -> Worker {
            if let worker = idle.withLock({ $0.popLast() }) { return worker }
            made.add(1, ordering: .relaxed)
            // The first worker proved ICU works, so another cannot fail for want of data.
            return try! Worker(model: model)
        }

        func giveBack(_ worker: Worker) { idle.withLock { $0.append(worker) } }
    }

    /// One classifier and tokenizer, used by one caller at a time.
    final class Worker: @unchecked Sendable {
        let classifier: Classifier
        let tokenizer: ThaiTokenizer
        /// Reused from text to text.
        var words = WordBoundaries()

        init(model: ClassifierModel) throws {
            classifier = try Classifier(model: model)
            tokenizer = try ThaiTokenizer()
        }
    }

    /// - Parameter version: the model's version in the database (nil: the default model).
    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing (checked once, here).
    public init(model: ClassifierModel, version: Int64? = nil, gazetteer: Gazetteer) throws {
        self.gazetteer = gazetteer
        current = Mutex(try Slot(model: model, version: version, workers: 1))
    }

    /// The model texts are classified with now.
    public var model: ClassifierModel { current.withLock { $0.model } }

    /// The version of the model texts are classified with now (nil: the default model).
    public var modelVersion: Int64? { current.withLock { $0.version } }

    /// Classifies with `model` from now on. Its classifiers are made here, before the swap.
    public func swap(to model: ClassifierModel, version: Int64?) throws {
        let grown = current.withLock { $0.made.load(ordering: .relaxed) }
        let next = try Slot(model: model, version: version, workers: grown)
        current.withLock { $0 = next }
    }

    /// The category prediction for `text` and the places it names.
    /// - Parameter context: codes of the area given with the text, which settle names several places share.
    public func analyze(_ text: String, context: Set<String> = []) -> TextAnalysis {
        let start = ContinuousClock.now
        defer { CoreMetrics.Timer(label: "siang_classifier_seconds").record(duration: ContinuousClock.now - start) }
        return withWorker { slot, worker in
            let units = ThaiNormalizer.normalizedUTF16(text)
            return units.withUnsafeBufferPointer { normalized in
                // The classifier segments the text; the place finder reads the same word boundaries.
                let prediction = worker.classifier.classify(normalized: normalized, words: &worker.words)
                let places = gazetteer.places(inNormalized: normalized, words: worker.words, context: context)
                return TextAnalysis(
                    prediction: prediction, places: places.mentions, ambiguousPlaces: places.ambiguous,
                    modelVersion: slot.version)
            }
        }
    }

    /// Runs `body` with a worker of the current model's, borrowed for it and given back after.
    private func withWorker<T>(_ body: (Slot, Worker) -> T) -> T {
        let slot = current.withLock { $0 }
        let worker = slot.borrow()
        defer { slot.giveBack(worker) }
        return body(slot, worker)
    }

    /// The category prediction for `text` alone (no places, not timed as a classification of a filing).
    public func classify(_ text: String) -> Prediction {
        withWorker { _, worker in worker.classifier.classify(text) }
    }

    /// The distinct content words of `text` (no stop words, no one-letter fragments), normalised:
    /// what "similar proposals" compares.
    public func contentWords(_ text: String) -> [String] {
        withWorker { _, worker in Self.contentWords(text, tokenizer: worker.tokenizer) }
    }

    /// The same with a tokenizer of the caller's (one thread's), for tools that need no classifier.
    public static func contentWords(_ text: String, tokenizer: ThaiTokenizer) -> [String] {
        var seen = Set<String>()
        return tokenizer.tokens(in: text).compactMap { token in
            guard !token.isStopWord, token.kind != .number, token.text.count > 1, seen.insert(token.text).inserted
            else { return nil }
            return token.text
        }
    }
}
