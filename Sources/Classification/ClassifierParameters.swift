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

    public init(smoothing: Double? = nil, binaryCounts: Bool = true, keywordWeight: Double? = nil, temperature: Double? = nil) {
        self.smoothing = smoothing
        self.binaryCounts = binaryCounts
        self.keywordWeight = keywordWeight
        self.temperature = temperature
    }
}
