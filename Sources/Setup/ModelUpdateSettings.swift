import Configuration

/// How the classifier's model versions are followed and renewed (`classifier.*`).
public struct ModelUpdateSettings: Sendable, Equatable {
    /// How often `serve` asks which version is live, and swaps to it when it changed (0: never).
    public var checkSeconds: Int
    /// How often `serve` trains a new version from the settled cases and promotes it when it is not
    /// worse than the live one (0: only by hand, `siang train --from-database` and `siang model promote`).
    public var retrainHours: Double
    /// Settled cases needed before a version is trained.
    public var minimumCases: Int
    /// How much worse than the live model (accuracy or macro-F1 on the held-out cases) a candidate may
    /// score and still be promoted.
    public var promotionMargin: Double

    public init(checkSeconds: Int = 10, retrainHours: Double = 24, minimumCases: Int = 500, promotionMargin: Double = 0.01) {
        self.checkSeconds = checkSeconds
        self.retrainHours = retrainHours
        self.minimumCases = minimumCases
        self.promotionMargin = promotionMargin
    }

    static func read(_ config: ConfigReader) -> ModelUpdateSettings {
        let defaults = ModelUpdateSettings()
        return ModelUpdateSettings(
            checkSeconds: max(0, config.int(forKey: "classifier.check_seconds", default: defaults.checkSeconds)),
            retrainHours: max(0, config.double(forKey: "classifier.retrain_hours", default: defaults.retrainHours)),
            minimumCases: max(2, config.int(forKey: "classifier.minimum_cases", default: defaults.minimumCases)),
            promotionMargin: max(0, config.double(forKey: "classifier.promotion_margin", default: defaults.promotionMargin)))
    }
}
