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
            With --labels, the true categories come from a separate file joined to the input by
            --id-column (e.g. bench/labels/traffy-2024-taxonomy.csv by ticket_id); input rows without
            a label are left out, and a label whose id is not in the input is an error.
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

    @Option(help: "Column holding the true category (in --labels when given); rows where it is empty are skipped.")
    var labelColumn = "category"

    @Option(help: "A CSV file of true categories joined to the input by --id-column, instead of the input's own label column.")
    var labels: String?

    @Option(help: "With --labels: the id column both files share.")
    var idColumn = "ticket_id"

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
        let report = try report(home: try SiangHome.locate())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }

    /// The report `run` prints, apart from printing it so it can be tested.
    func report(home: SiangHome) throws -> EvaluationReport {
        let taxonomy = try SeedFiles.taxonomy(seeds: home.seeds)
        var examples =
            try labels.map {
                try LabelledCSV.join(
                    textsPath: input, textColumn: textColumn, idColumn: idColumn, labelsPath: $0, labelColumn: labelColumn
                ).examples
            } ?? LabelledCSV.read(path: input, textColumn: textColumn, labelColumn: labelColumn).examples
        examples.removeAll { excludedLabels.contains($0.category) }
        try requireKnownLabels(examples, taxonomy: taxonomy)
        if let folds {
            let categories = taxonomy.restricted(to: examples.map(\.category))
            let background =
                seeds ? try SeedFiles.corpus(seeds: home.seeds).filter { categories.categories.contains($0.category) } : []
            return try Evaluator.crossValidate(
                examples: examples, background: background, taxonomy: categories, keywords: try SeedFiles.keywords(seeds: home.seeds),
                trainer: tuning.trainer(), folds: folds)
        } else {
            let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
            return try Evaluator.evaluate(model: loaded, examples: examples)
        }
    }
}
