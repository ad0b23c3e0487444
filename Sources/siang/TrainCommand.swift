import ArgumentParser
import Classification
import Foundation
import SeedData

/// `siang train`: a model file from a labelled CSV file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a labelled CSV file (categories and keywords come from Seeds/)."
    )

    @Option(help: "CSV file with a header row.")
    var input: String

    @Option(help: "Where to write the model.")
    var output: String

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Column holding the category code; rows where it is empty are skipped.")
    var labelColumn = "category"

    @Flag(help: "Also train on the seed corpus (Seeds/corpus).")
    var includeSeeds = false

    func run() throws {
        let home = try SiangHome.locate()
        let taxonomy = try SeedFiles.taxonomy(seeds: home.seeds)
        var (examples, skipped) = try LabelledCSV.read(path: input, textColumn: textColumn, labelColumn: labelColumn)
        try requireKnownLabels(examples, taxonomy: taxonomy)
        if includeSeeds { examples += try SeedFiles.corpus(seeds: home.seeds) }
        let model = try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: try SeedFiles.keywords(seeds: home.seeds))
        try ModelFile.write(model, to: output)
        printError(
            "trained on \(examples.count) examples (\(skipped) rows without a label skipped); "
                + "keyword weight \(model.parameters.keywordWeight ?? 0), temperature "
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
