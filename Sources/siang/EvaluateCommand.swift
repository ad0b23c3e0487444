import ArgumentParser
import Classification
import Foundation
import Setup

/// `siang evaluate`: accuracy, macro-F1, per-category metrics and confusion counts as JSON.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a model on a labelled CSV file, or cross-validate on it.",
        discussion: """
            Without --folds or --model, evaluates the default model (trained from Seeds/ only).
            With --folds K, trains and tests K times on the file itself (stratified, deterministic),
            over the categories the file has, with the keyword rules of Seeds/ and, unless --no-seeds,
            the seed corpus as background knowledge (its weight chosen by cross-validation inside
            each training fold, never on the held-out fold).
            """
    )

    @Option(help: "CSV file with a header row.")
    var input: String

    @Option(help: "Cross-validate with this many folds.")
    var folds: Int?

    @Option(help: "Evaluate this model file.")
    var model: String?

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Column holding the true category; rows where it is empty are skipped.")
    var labelColumn = "category"

    @Option(name: .customLong("exclude-label"), help: "Leave out rows with this label (repeatable), e.g. other.")
    var excludedLabels: [String] = []

    @OptionGroup var tuning: TrainingOptions

    @Flag(
        inversion: .prefixedNo,
        help: "With --folds: also train every fold on the seed corpus's examples of the file's categories, weighted by cross-validation."
    )
    var seeds = true

    func validate() throws {
        if folds != nil, model != nil { throw ValidationError("give either --folds or --model, not both") }
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
    }

    func run() throws {
        let home = try SiangHome.locate()
        let taxonomy = try SeedFiles.taxonomy(seeds: home.seeds)
        var (examples, _) = try LabelledCSV.read(path: input, textColumn: textColumn, labelColumn: labelColumn)
        examples.removeAll { excludedLabels.contains($0.category) }
        try requireKnownLabels(examples, taxonomy: taxonomy)
        let report: EvaluationReport
        if let folds {
            let categories = taxonomy.restricted(to: examples.map(\.category))
            let background =
                seeds ? try SeedFiles.corpus(seeds: home.seeds).filter { categories.categories.contains($0.category) } : []
            report = try Evaluator.crossValidate(
                examples: examples, background: background, taxonomy: categories, keywords: try SeedFiles.keywords(seeds: home.seeds),
                trainer: tuning.trainer(), folds: folds)
        } else {
            let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
            report = try Evaluator.evaluate(model: loaded, examples: examples)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }
}
