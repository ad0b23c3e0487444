import ArgumentParser
import Classification
import Foundation
import SeedData
import Services
import ThaiText

/// `siang classify`: JSON Lines in, one prediction per line out, in the same order.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify complaints read as JSON Lines ({\"id\": …, \"text\": \"…\"}) from standard input.",
        discussion: """
            Writes one JSON line per input line, in the same order: the category, a calibrated confidence,
            the top three, the places named in the text and, when the line carries "province" and/or
            "district" (Thai names or DOPA codes), the agency the case would be routed to. A malformed line
            gets an error object and the rest go on.
            """
    )

    @Option(help: "A model file from `siang train` (default: the model trained from Seeds/).")
    var model: String?

    func run() throws {
        let home = try SiangHome.locate()
        let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
        let classifier = try Classifier(model: loaded)
        let gazetteer = SeedFiles.gazetteer(areas: try SeedFiles.areas(seeds: home.seeds))
        let stream = ClassifyStream(
            classifier: classifier, gazetteer: gazetteer, tokenizer: try ThaiTokenizer(),
            reference: Reference(try SeedFiles.referenceData(home: home)))
        while let line = readLine(strippingNewline: true) {
            guard let output = stream.process(line) else { continue }
            FileHandle.standardOutput.write(Data((output + "\n").utf8))
        }
    }
}
