import ArgumentParser
import Domain
import Foundation
import Postgres
import Services
import Setup
import Store

/// `siang model …`: the classifier's model versions in the database.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "List, promote and roll back the classifier's model versions.",
        discussion: """
            Versions are trained from the cases staff settled by `siang train --from-database` (or by
            `serve` on its schedule, `classifier.retrain_hours`). Running instances swap to the live
            version within `classifier.check_seconds`, without a restart.
            """,
        subcommands: [List.self, Promote.self, Rollback.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the versions, newest first, with their last comparison.")

        func run() async throws {
            try await withModels { models, _ in
                let versions = try await models.list()
                if !versions.contains(where: { $0.state == .live }) { print("live: the default model (trained from Seeds/)") }
                for version in versions { print(ModelCommand.line(version)) }
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a version live if it scores no worse than the live model on the settled cases it was not trained on.")

        @Argument(help: "The version's id (default: the newest candidate).")
        var id: Int64?

        @Option(help: "How much worse (accuracy or macro-F1) it may score (default: classifier.promotion_margin).")
        var margin: Double?

        @Flag(help: "Promote even if it scores worse.")
        var force = false

        func run() async throws {
            try await withModels { models, settings in
                let comparison = try await models.promote(
                    id: id, margin: margin ?? settings.modelUpdates.promotionMargin, force: force, at: Date())
                print(ModelCommand.describe(comparison))
                print("promoted; running instances swap to it within \(settings.modelUpdates.checkSeconds) s")
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the version the live one replaced live again.")

        func run() async throws {
            try await withModels { models, _ in
                let (from, to) = try await models.rollback()
                print("version \(from) rolled back; live now: \(to.map { "version \($0)" } ?? "the default model")")
            }
        }
    }

    static func line(_ version: ModelVersion) -> String {
        let comparison = ModelComparison.decode(version.report).map(describe) ?? version.report
        return "\(version.id)\t\(version.state.rawValue)\t\(ISO8601DateFormatter().string(from: version.createdAt))\t"
            + "\(version.examples) cases\t\(comparison)"
    }

    static func describe(_ comparison: ModelComparison) -> String {
        let live = comparison.liveVersion.map { "version \($0)" } ?? "the default model"
        return "on \(comparison.heldOut) held-out cases: accuracy " + String(format: "%.3f", comparison.candidate.accuracy)
            + ", macro-F1 " + String(format: "%.3f", comparison.candidate.macroF1) + "; \(live): "
            + String(format: "%.3f", comparison.live.accuracy) + ", " + String(format: "%.3f", comparison.live.macroF1)
    }
}

/// Runs `body` with the model versions of the configured database; a refusal is printed as one line
/// and the command fails (exit status 1), without the usage text a mistyped command gets.
func withModels(_ body: (ModelUpdates, SiangSettings) async throws -> Void) async throws {
    try await withDatabase { database, home, logger in
        try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
        let settings = try await SiangSettings.load(home: home)
        let models = ModelUpdates(
            store: ModelVersionStore(pool: database.pool), cases: CaseStore(pool: database.pool),
            defaultModel: try DefaultModel.load(home: home))
        do {
            try await body(models, settings)
        } catch let error as ModelUpdateError {
            printError("refused: \(error)")
            throw ExitCode.failure
        }
    }
}
