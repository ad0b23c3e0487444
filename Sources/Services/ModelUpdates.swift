public import Classification
public import Domain
public import Foundation
import NIOPosix
public import Store
import Synchronization

/// What a model version is trained with besides the settled cases: the taxonomy, the keyword rules
/// and the seed corpus as general knowledge (`Seeds/`), and the training settings.
public struct ModelTrainingInputs: Sendable {
    public var trainer: Trainer
    public var taxonomy: Taxonomy
    public var keywords: [KeywordRule]
    public var background: [TrainingExample]

    public init(trainer: Trainer, taxonomy: Taxonomy, keywords: [KeywordRule], background: [TrainingExample]) {
        self.trainer = trainer
        self.taxonomy = taxonomy
        self.keywords = keywords
        self.background = background
    }
}

/// A candidate model's and the live model's scores on the same held-out slice of settled cases.
public struct ModelComparison: Sendable, Codable, Equatable {
    public struct Scores: Sendable, Codable, Equatable {
        public var accuracy: Double
        public var macroF1: Double

        init(_ report: EvaluationReport) {
            accuracy = report.accuracy
            macroF1 = report.macroF1
        }
    }

    /// How many settled cases the two were scored on, and the first of them.
    public var heldOut: Int
    public var heldOutFrom: Int64?
    public var candidate: Scores
    public var live: Scores
    /// The live version scored (nil: the default model).
    public var liveVersion: Int64?
    /// How much worse than the live model the candidate may score and still be promoted.
    public var margin: Double

    /// Whether the candidate is not worse than the live model, by accuracy or macro-F1, beyond the margin.
    public var candidateNotWorse: Bool {
        candidate.accuracy + margin >= live.accuracy && candidate.macroF1 + margin >= live.macroF1
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ json: String) -> ModelComparison? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(ModelComparison.self, from: Data(json.utf8))
    }
}

/// Why a model update did not happen.
public enum ModelUpdateError: Error, Equatable, CustomStringConvertible {
    case tooFewSettledCases(have: Int, need: Int)
    case noSuchVersion(Int64)
    case noCandidate
    case worseThanLive(ModelComparison)
    /// Another promotion or rollback changed the live model meanwhile.
    case liveChanged
    case nothingToRollBack
    case alreadyLive(Int64)
    case notCandidate(Int64, String)
    /// No settled case was left out of both models' training, so "not worse" cannot be shown.
    case nothingToCompareOn
    /// A version is being trained already (by this instance).
    case trainingInProgress
    /// Training itself failed (for instance, settled cases in a category the taxonomy no longer has).
    case trainingFailed(String)

    public var description: String {
        switch self {
        case .tooFewSettledCases(let have, let need): "\(have) settled cases to learn from; at least \(need) are needed"
        case .noSuchVersion(let id): "there is no model version \(id)"
        case .noCandidate: "there is no candidate model version"
        case .worseThanLive(let comparison):
            "the candidate scores worse than the live model on \(comparison.heldOut) recent settled cases: accuracy "
                + Self.figure(comparison.candidate.accuracy) + " against " + Self.figure(comparison.live.accuracy)
                + ", macro-F1 " + Self.figure(comparison.candidate.macroF1) + " against " + Self.figure(comparison.live.macroF1)
                + " (margin " + Self.figure(comparison.margin) + ")"
        case .liveChanged: "the live model changed meanwhile; try again"
        case .nothingToRollBack: "the default model is live already; there is nothing to roll back"
        case .alreadyLive(let id): "version \(id) is live already"
        case .notCandidate(let id, let state):
            "version \(id) is \(state), not a candidate; promote it with --force to take it back"
        case .nothingToCompareOn: "no settled case was left out of both models' training to compare them on; promote with --force"
        case .trainingInProgress: "a version is being trained already; wait for it"
        case .trainingFailed(let reason): "training failed: \(reason)"
        }
    }

    static func figure(_ value: Double) -> String { String(format: "%.3f", value) }
}

/// Models learnt from staff's corrections, kept as versions: trained on the settled cases but the
/// newest, compared with the live model on those newest ones, promoted only when not worse, and
/// rolled back to the one they replaced.
public struct ModelUpdates: Sendable {
    let store: ModelVersionStore
    let cases: CaseStore
    /// The model live when no version is: the default model trained from `Seeds/`.
    public let defaultModel: ClassifierModel
    private let accuracyFigures = TimedCache<Int, [ModelVersionAccuracy]>(lifetime: .seconds(60), keepsLast: true)
    /// One training at a time: each reads every settled case and takes seconds of the blocking pool's
    /// few threads, which sign-ins need too.
    private let training = TrainingGate()

    /// The newest fifth of the settled cases is held out for comparing models.
    public static let heldOutShare = 0.2

    public init(store: ModelVersionStore, cases: CaseStore, defaultModel: ClassifierModel) {
        self.store = store
        self.cases = cases
        self.defaultModel = defaultModel
    }

    /// The live version's id (nil: the default model); one indexed read.
    public func liveVersionID() async throws -> Int64? { try await store.liveID() }

    /// When the newest version was made (nil: none was).
    public func newestVersionCreatedAt() async throws -> Date? { try await store.newestCreatedAt() }

    /// How many settled cases there are to learn from.
    public func settledCaseCount() async throws -> Int { try await cases.labelledCaseCount() }

    /// The live model and its version (nil: the default model).
    public func live() async throws -> (version: Int64?, model: ClassifierModel) {
        guard let id = try await store.liveID() else { return (nil, defaultModel) }
        return (id, try await model(id: id))
    }

    /// Version `id`'s model.
    public func model(id: Int64) async throws -> ClassifierModel {
        guard let bytes = try await store.model(id: id) else { throw ModelUpdateError.noSuchVersion(id) }
        return try ModelFile.decode(Data(bytes))
    }

    /// Trains a model on the settled cases but the newest fifth (corrections count double), with
    /// `background` examples as general knowledge, scores it and the live model on that fifth, and
    /// stores it as a candidate with the comparison.
    /// - Throws: `ModelUpdateError.tooFewSettledCases` below `minimumCases`; training errors.
    public func train(
        _ inputs: ModelTrainingInputs, minimumCases: Int, margin: Double, at now: Date
    ) async throws -> (version: ModelVersion, comparison: ModelComparison) {
        guard training.enter() else { throw ModelUpdateError.trainingInProgress }
        defer { training.leave() }
        let settled = try await cases.labelledCases()  // newest first
        guard settled.count >= max(minimumCases, 2) else {
            throw ModelUpdateError.tooFewSettledCases(have: settled.count, need: max(minimumCases, 2))
        }
        let heldOutCount = max(1, Int((Double(settled.count) * Self.heldOutShare).rounded()))
        let heldOut = settled.prefix(heldOutCount)
        let training = settled.dropFirst(heldOutCount).map {
            TrainingExample(text: $0.text, category: $0.category, weight: $0.corrected ? 2 : 1)
        }
        // Training takes seconds of CPU: on a thread of its own, not one of the tasks' few.
        let model: ClassifierModel
        do {
            model = try await NIOThreadPool.singleton.runIfActive {
                try inputs.trainer.train(
                    examples: training, background: inputs.background, taxonomy: inputs.taxonomy, keywords: inputs.keywords)
            }
        } catch let error as TrainingError {
            throw ModelUpdateError.trainingFailed(error.description)
        }
        let heldOutFrom = heldOut.last?.id
        let comparison = try await compare(
            model, on: heldOut.map { TrainingExample(text: $0.text, category: $0.category) }, heldOutFrom: heldOutFrom,
            margin: margin)
        let version = try await store.add(
            model: Array(try ModelFile.encode(model)), source: "database", examples: training.count,
            heldOutFrom: heldOutFrom, report: comparison.json, at: now)
        return (version, comparison)
    }

    /// Scores `candidate` and the live model on the settled cases from `heldOutFrom` on.
    func compare(
        _ candidate: ClassifierModel, on heldOut: [TrainingExample], heldOutFrom: Int64?, margin: Double
    ) async throws -> ModelComparison {
        let live = try await live()
        let (candidateReport, liveReport) = try await NIOThreadPool.singleton.runIfActive {
            (try Evaluator.evaluate(model: candidate, examples: heldOut), try Evaluator.evaluate(model: live.model, examples: heldOut))
        }
        return ModelComparison(
            heldOut: heldOut.count, heldOutFrom: heldOutFrom, candidate: .init(candidateReport), live: .init(liveReport),
            liveVersion: live.version, margin: margin)
    }

    /// Promotes version `id` (nil: the newest candidate) if it scores no worse than the live model
    /// beyond `margin` on the settled cases neither was trained on (those from the later of the two
    /// held-out slices on), or if `force`d. A refused candidate is marked so. Only a candidate is
    /// promoted; `force` also takes back a version refused, retired or rolled back.
    /// - Throws: `ModelUpdateError`.
    public func promote(id: Int64?, margin: Double, force: Bool = false, at now: Date) async throws -> ModelComparison {
        let found: ModelVersion?
        if let id { found = try await store.version(id: id) } else { found = try await store.newestCandidate() }
        guard let version = found else { throw id.map { ModelUpdateError.noSuchVersion($0) } ?? .noCandidate }
        guard version.state != .live else { throw ModelUpdateError.alreadyLive(version.id) }
        guard force || version.state == .candidate else { throw ModelUpdateError.notCandidate(version.id, version.state.rawValue) }
        let candidate = try await model(id: version.id)
        var liveFrom: Int64?
        if let live = try await store.liveID() { liveFrom = try await store.version(id: live)?.heldOutFrom }
        let from = [version.heldOutFrom, liveFrom].compactMap { $0 }.max()
        var heldOut: [TrainingExample] = []
        if let from {
            heldOut = try await cases.labelledCases(from: from).map { TrainingExample(text: $0.text, category: $0.category) }
        }
        // With nothing to score on, "not worse" cannot be shown.
        guard !heldOut.isEmpty || force else { throw ModelUpdateError.nothingToCompareOn }
        let comparison = try await compare(candidate, on: heldOut, heldOutFrom: from, margin: margin)
        guard force || comparison.candidateNotWorse else {
            guard try await store.refuse(id: version.id, report: comparison.json) else {
                // Promoted (by force) or refused by someone else meanwhile: say what it is now.
                let now = try await store.version(id: version.id)
                if now?.state == .live { throw ModelUpdateError.alreadyLive(version.id) }
                throw ModelUpdateError.liveChanged
            }
            throw ModelUpdateError.worseThanLive(comparison)
        }
        guard try await store.promote(
            id: version.id, expectedLive: comparison.liveVersion, force: force, report: comparison.json, at: now)
        else { throw ModelUpdateError.liveChanged }
        return comparison
    }

    /// Makes the version the live one replaced live again (or the default model); with `expectedLive`,
    /// only if that version is the live one.
    /// - Throws: `ModelUpdateError.nothingToRollBack` when the default model is live, `.liveChanged`
    ///   when another version than `expectedLive` is.
    public func rollback(expectedLive: Int64? = nil) async throws -> (from: Int64, to: Int64?) {
        switch try await store.rollback(expectedLive: expectedLive) {
        case .rolledBack(let from, let to): return (from, to)
        case .defaultLive: throw ModelUpdateError.nothingToRollBack
        case .liveChanged: throw ModelUpdateError.liveChanged
        }
    }

    public func list() async throws -> [ModelVersion] { try await store.list() }

    /// Per version, the finished cases it classified and how many finished in another category; it reads
    /// every case (seconds at ten million), so it is computed at most once a minute (for the statistics
    /// page and API alike), behind the last figures: nobody waits for it but the very first caller.
    public func accuracyByVersion() async throws -> [ModelVersionAccuracy] {
        let store = self.store
        return try await accuracyFigures.recent(key: 0) { try await store.accuracyByVersion() }
    }

    /// Starts computing the accuracy figures in the background (once the cases are loaded, so that the
    /// statistics page's first visitor does not wait for them).
    public func prepareAccuracy() {
        let store = self.store
        accuracyFigures.refresh(key: 0) { try await store.accuracyByVersion() }
    }
}

/// Lets one training in at a time.
final class TrainingGate: Sendable {
    private let busy = Mutex(false)

    func enter() -> Bool {
        busy.withLock { busy in
            guard !busy else { return false }
            busy = true
            return true
        }
    }

    func leave() { busy.withLock { $0 = false } }
}
