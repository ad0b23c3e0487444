public import Foundation

/// A classifier model kept in the database: trained from the cases staff settled, compared with the
/// live model on the newest of them, and then live, refused, or replaced.
public struct ModelVersion: Sendable, Equatable {
    public enum State: String, Sendable {
        case candidate
        case live
        /// Was live until a newer version was promoted.
        case retired
        /// Promotion found it worse than the live model.
        case refused
        /// Was live until staff rolled it back.
        case rolledBack = "rolled_back"
    }

    public var id: Int64
    public var createdAt: Date
    /// What it was trained from (`database`, or a file's name).
    public var source: String
    public var examples: Int
    /// The first case of the held-out slice it is compared on: the settled cases from this one on
    /// were not trained on.
    public var heldOutFrom: Int64?
    public var state: State
    public var promotedAt: Date?
    /// The version live before this one was promoted (nil: the default model), where a rollback goes.
    public var replacedVersion: Int64?
    /// The last comparison with the live model, as JSON.
    public var report: String

    public init(
        id: Int64, createdAt: Date, source: String, examples: Int, heldOutFrom: Int64?, state: State,
        promotedAt: Date?, replacedVersion: Int64?, report: String
    ) {
        self.id = id
        self.createdAt = createdAt
        self.source = source
        self.examples = examples
        self.heldOutFrom = heldOutFrom
        self.state = state
        self.promotedAt = promotedAt
        self.replacedVersion = replacedVersion
        self.report = report
    }
}

/// How often the category the model chose was the one a case finished in, for the finished cases one
/// model version classified.
public struct ModelVersionAccuracy: Sendable, Equatable {
    /// nil: the default model trained from `Seeds/`.
    public var version: Int64?
    /// Finished cases (resolved or closed) it classified.
    public var cases: Int
    /// Of those, how many finished in another category than it chose.
    public var changed: Int

    public init(version: Int64?, cases: Int, changed: Int) {
        self.version = version
        self.cases = cases
        self.changed = changed
    }

    /// The share of finished cases whose category was the one the model chose.
    public var kept: Double { cases == 0 ? 0 : Double(cases - changed) / Double(cases) }
}
