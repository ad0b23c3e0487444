import Pages

/// `agency/models.mustache`: the classifier's model versions for administrators, newest first, with
/// their comparisons with the live model, the accuracy each lived with, and the forms that train,
/// promote and roll back.
struct ModelVersionsPage: PageModel {
    static let template = "agency/models"

    var liveName: String
    var defaultIsLive: Bool
    var defaultFinished: Finished?
    var versions: [Row]
    var hasVersions: Bool
    /// The live version (nil: the default model, and nothing to roll back).
    var liveVersion: Int64?
    var canTrain: Bool
    /// The rule in words: the margin, and how soon instances swap.
    var rule: String
    var errors: [FormError]

    /// How the finished cases a model categorised came out.
    struct Finished: Sendable {
        var cases: String
        var changed: String
        var kept: String
    }

    struct Row: Sendable {
        var id: Int64
        var name: String
        var state: String
        var stateName: String
        var isLive: Bool
        var createdAt: String
        var examples: String
        /// "accuracy / macro-F1" of the version and of the model it was compared with, on how many cases.
        var comparison: String?
        var notWorse: Bool
        var finished: Finished?
        /// A candidate: promoted only if not worse.
        var canPromote: Bool
        /// Refused, retired or rolled back: taken back only by force.
        var canForce: Bool
    }
}
