import Domain
import Foundation
import Logging
import ServiceLifecycle
import Services
import Setup

/// Keeps this instance classifying with the live model version: every `checkSeconds` it asks which
/// version is live and swaps to it when that changed (a promotion or rollback anywhere, by
/// `siang model` or another instance). Every `retrainHours` it also trains a version from the cases
/// staff settled and promotes it when it is not worse than the live one.
///
/// Several instances may each train in the same check interval; the second candidate is then compared
/// with the first, promoted or refused like any other.
struct ModelFollowService: Service {
    let analyzer: TextAnalyzer
    let models: ModelUpdates
    let training: ModelTrainingInputs?
    let settings: ModelUpdateSettings
    let clock: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        guard settings.checkSeconds > 0 else { return }
        // Training is tried at most once every `retrainHours` here, whatever came of it: a failure, or too
        // few settled cases, waits for the next turn rather than costing seconds of CPU every check.
        var lastTry: ContinuousClock.Instant?
        while !Task.isCancelledOrShuttingDown {
            await follow()
            if settings.retrainHours > 0,
                lastTry.map({ ContinuousClock.now - $0 >= .seconds(settings.retrainHours * 3600) }) ?? true
            {
                if await retrainIfDue() { lastTry = .now }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(settings.checkSeconds)) }
        }
    }

    /// Swaps to the live version if it is not the one in use.
    func follow() async {
        do {
            let live = try await models.liveVersionID()
            guard live != analyzer.modelVersion else { return }
            var model = models.defaultModel
            if let live { model = try await models.model(id: live) }
            try analyzer.swap(to: model, version: live)
            logger.notice("classifier model swapped", metadata: ["version": "\(live.map(String.init) ?? "default")"])
        } catch {
            logger.warning("could not follow the live model version; will retry", metadata: ["error": "\(error)"])
        }
    }

    /// Trains and offers a new version when the newest (made here or by any instance) is older than
    /// `retrainHours`. Returns whether it tried (counted the settled cases, or trained).
    func retrainIfDue() async -> Bool {
        guard settings.retrainHours > 0, let training else { return false }
        do {
            let now = clock()
            if let newest = try await models.newestVersionCreatedAt(),
                now.timeIntervalSince(newest) < settings.retrainHours * 3600
            {
                return false
            }
            guard try await models.settledCaseCount() >= settings.minimumCases else { return true }
            let (version, _) = try await models.train(
                training, minimumCases: settings.minimumCases, margin: settings.promotionMargin, at: now)
            let comparison = try await models.promote(id: version.id, margin: settings.promotionMargin, at: clock())
            logger.notice(
                "classifier model version promoted",
                metadata: [
                    "version": "\(version.id)", "accuracy": "\(comparison.candidate.accuracy)",
                    "live_accuracy": "\(comparison.live.accuracy)",
                ])
            await follow()
        } catch let error as ModelUpdateError {
            logger.notice("classifier model version not promoted", metadata: ["reason": "\(error)"])
        } catch {
            logger.warning("training a classifier model version failed; will try again next turn", metadata: ["error": "\(error)"])
        }
        return true
    }
}

extension ModelFollowService: CustomStringConvertible {
    var description: String { "ModelFollowService" }
}
