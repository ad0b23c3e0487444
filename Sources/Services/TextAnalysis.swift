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
        /// Reused from text to text.
        var words = WordBoundaries()

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
    /// - Parameter context: codes of the area given with the text, which settle names several places share.
    public func analyze(_ text: String, context: Set<String> = []) -> TextAnalysis {
        let start = ContinuousClock.now
        let worker = borrow()
        defer {
            idle.withLock { $0.append(worker) }
            CoreMetrics.Timer(label: "siang_classifier_seconds").record(duration: ContinuousClock.now - start)
        }
        let units = ThaiNormalizer.normalizedUTF16(text)
        return units.withUnsafeBufferPointer { normalized in
            // The classifier segments the text; the place finder reads the same word boundaries.
            let prediction = worker.classifier.classify(normalized: normalized, words: &worker.words)
            let places = gazetteer.places(inNormalized: normalized, words: worker.words, context: context)
            return TextAnalysis(prediction: prediction, places: places.mentions, ambiguousPlaces: places.ambiguous)
        }
    }

    /// The distinct content words of `text` (no stop words, no one-letter fragments), normalised:
    /// what "similar proposals" compares.
    public func contentWords(_ text: String) -> [String] {
        let worker = borrow()
        defer { idle.withLock { $0.append(worker) } }
        return Self.contentWords(text, tokenizer: worker.tokenizer)
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

    private func borrow() -> Worker {
        if let worker = idle.withLock({ $0.popLast() }) { return worker }
        // The first worker proved ICU works, so another cannot fail for want of data.
        return try! Worker(model: model)
    }
}
