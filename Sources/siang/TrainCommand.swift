import ArgumentParser
import Classification
import Domain
import Foundation
import Setup
import Services
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

    @Option(help: "Where to write the model. Without it, --from-database alone stores the model in the database as a candidate version, compared with the live model (see `siang model`).")
    var output: String?

    @Option(help: "Settled cases needed to store a version (default: classifier.minimum_cases).")
    var minimumCases: Int?

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Column holding the category code; rows where it is empty are skipped.")
    var labelColumn = "category"

    @Flag(help: "Also train on the seed corpus (Seeds/corpus) as background knowledge, weighted by cross-validation.")
    var includeSeeds = false

    @OptionGroup var tuning: TrainingOptions

    func validate() throws {
        if input == nil, !fromDatabase { throw ValidationError("give --input FILE.csv, --from-database, or both") }
        if output == nil, input != nil {
            throw ValidationError("give --output FILE (only --from-database alone stores a version in the database)")
        }
    }

    func run() async throws {
        guard let output else { return try await storeVersion() }
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

    /// Trains on the settled cases but the newest fifth, with the seed corpus as background, and
    /// stores the model as a candidate version compared with the live model on that fifth.
    func storeVersion() async throws {
        let home = try SiangHome.locate()
        let inputs = ModelTrainingInputs(
            trainer: tuning.trainer(), taxonomy: try SeedFiles.taxonomy(seeds: home.seeds),
            keywords: try SeedFiles.keywords(seeds: home.seeds), background: try SeedFiles.corpus(seeds: home.seeds))
        try await withModels { models, settings in
            let (version, comparison) = try await models.train(
                inputs, minimumCases: minimumCases ?? settings.modelUpdates.minimumCases,
                margin: settings.modelUpdates.promotionMargin, at: Date())
            print("version \(version.id) stored as a candidate, trained on \(version.examples) settled cases; "
                + ModelCommand.describe(comparison))
            print("to make it live: siang model promote \(version.id)")
        }
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
