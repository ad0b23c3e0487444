import ArgumentParser
import Classification
import Foundation
import Setup
import Store
import Web
import ThaiText

/// `siang train`: a model file from a labelled CSV file.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a labelled CSV file and/or the cases staff settled (categories and keywords come from Seeds/)."
    )

    @Option(help: "CSV file with a header row.")
    var input: String?

    @Flag(
        help: "Also train on the database's cases whose category staff settled (recategorised or placed cases count double; resolved ones once)."
    )
    var fromDatabase = false

    @Option(help: "Where to write the model.")
    var output: String

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Column holding the category code; rows where it is empty are skipped.")
    var labelColumn = "category"

    @Flag(help: "Also train on the seed corpus (Seeds/corpus) as background knowledge, weighted by cross-validation.")
    var includeSeeds = false

    @OptionGroup var tuning: TrainingOptions

    func validate() throws {
        if input == nil, !fromDatabase { throw ValidationError("give --input FILE.csv, --from-database, or both") }
    }

    func run() async throws {
        let home = try SiangHome.locate()
        var taxonomy = try SeedFiles.taxonomy(seeds: home.seeds)
        var (examples, skipped) = try input.map {
            try LabelledCSV.read(path: $0, textColumn: textColumn, labelColumn: labelColumn)
        } ?? ([], 0)
        if fromDatabase {
            try await withDatabase { database, _, _ in
                for labelled in try await CaseStore(pool: database.pool).labelledCases() {
                    examples.append(TrainingExample(text: labelled.text, category: labelled.category, weight: labelled.corrected ? 2 : 1))
                }
            }
        }
        try requireKnownLabels(examples, taxonomy: taxonomy)
        var background: [TrainingExample] = []
        if includeSeeds {
            background = try SeedFiles.corpus(seeds: home.seeds)
        } else {
            taxonomy = taxonomy.restricted(to: examples.map(\.category))
        }
        let model = try tuning.trainer().train(
            examples: examples.isEmpty ? background : examples, background: examples.isEmpty ? [] : background,
            taxonomy: taxonomy, keywords: try SeedFiles.keywords(seeds: home.seeds))
        try ModelFile.write(model, to: output)
        printError(
            (examples.isEmpty
                ? "trained on \(background.count) seed examples (\(skipped) rows without a label skipped)"
                : "trained on \(examples.count) examples (\(skipped) rows without a label skipped)"
                    + (background.isEmpty ? "" : " and \(background.count) seed examples weighted \(model.parameters.backgroundWeight ?? 1)"))
                + "; smoothing \(model.parameters.smoothing ?? 0), keyword weight \(model.parameters.keywordWeight ?? 0), temperature "
                + String(format: "%.3f", model.parameters.temperature ?? 1) + "; wrote \(output)")
    }
}

/// Refuses labels the taxonomy does not have, naming them, rather than training a model that cannot predict them.
func requireKnownLabels(_ examples: [TrainingExample], taxonomy: Taxonomy) throws {
    let known = Set(taxonomy.categories)
    let unknown = Set(examples.map(\.category)).subtracting(known)
    guard unknown.isEmpty else {
        throw ValidationError(
            "unknown categories in the label column: \(unknown.sorted().joined(separator: ", ")) "
                + "(known: \(taxonomy.categories.joined(separator: ", ")))")
    }
}

/// Training settings that can be set by hand instead of the defaults.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Keyword weight (default: chosen by cross-validation on the training data).")
    var keywordWeight: Double?

    @Option(help: "Softmax temperature (default: fitted by cross-validation on the training data).")
    var temperature: Double?

    @Option(help: "Lidstone smoothing of feature counts.")
    var smoothing: Double?

    @Option(help: "Length of character n-grams inside Thai words (0: none).")
    var characterNgram: Int?

    @Flag(inversion: .prefixedNo, help: "Use pairs of adjacent words as features.")
    var bigrams = FeatureSettings.standard.bigrams

    @Flag(inversion: .prefixedNo, help: "Count a feature once per text however often it occurs.")
    var binaryCounts = true

    @Flag(help: "Turn numbers into one placeholder feature instead of dropping them.")
    var numberPlaceholder = false

    func trainer() -> Trainer {
        var features = FeatureSettings.standard
        features.bigrams = bigrams
        if let characterNgram { features.characterNGram = characterNgram }
        features.numberPlaceholder = numberPlaceholder
        var parameters = ClassifierParameters(binaryCounts: binaryCounts)
        parameters.smoothing = smoothing
        parameters.keywordWeight = keywordWeight
        parameters.temperature = temperature
        return Trainer(features: features, parameters: parameters)
    }
}
