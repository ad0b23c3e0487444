/// The numbers that turn counts into a decision, stored with every model.
public struct ClassifierParameters: Sendable, Hashable, Codable {
    /// Lidstone smoothing added to every feature count. `nil` before training (training
    /// chooses it by cross-validation).
    public var smoothing: Double?
    /// Whether a feature counts once per document however often it repeats; short texts that
    /// repeat a word for emphasis ("ไฟดับ ไฟดับ ไฟดับ") should not weigh more for it.
    public var binaryCounts: Bool
    /// How many nats of score one unit of keyword weight adds. `nil` before training
    /// (training chooses it by cross-validation).
    public var keywordWeight: Double?
    /// Softmax temperature that makes confidences calibrated. `nil` before training.
    public var temperature: Double?
    /// How much each background (seed) example counted when the model was trained on other
    /// examples as well; `nil` when there were none, or before training.
    public var backgroundWeight: Double?
    /// The calibrated probability a runner-up category needs to be named as a second problem of
    /// the text (`Prediction.also`); nil for `defaultSecondaryThreshold`.
    public var secondaryThreshold: Double?

    /// Chosen with bench/multi/threshold.py on 192 texts the team wrote (158 naming two problems):
    /// from 0.06 to 0.28 at least 80% of the second problems named are right; 0.1 sits inside that
    /// range with room either side (precision 0.83, a quarter of the second problems found).
    public static let defaultSecondaryThreshold = 0.1

    public init(smoothing: Double? = nil, binaryCounts: Bool = true, keywordWeight: Double? = nil, temperature: Double? = nil) {
        self.smoothing = smoothing
        self.binaryCounts = binaryCounts
        self.keywordWeight = keywordWeight
        self.temperature = temperature
    }
}
