import ArgumentParser
import Classification
import Domain
import Foundation
import Setup
import Services
import ThaiText

/// `siang classify`: JSON Lines in, one prediction per line out, in the same order.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify complaints read as JSON Lines ({\"id\": …, \"text\": \"…\"}) from standard input.",
        discussion: """
            Writes one JSON line per input line, in the same order: the category, a calibrated confidence,
            the top three, the places named in the text, and the agency filing would route the text to
            (null and "triage": true for the triage desk), with the same triage threshold and the area from
            the line's "province" and/or "district" (Thai names or DOPA codes), else from the places named.
            A malformed line gets an error object and the rest go on.
            """
    )

    @Option(help: "A model file from `siang train` (default: the model trained from Seeds/).")
    var model: String?

    func run() async throws {
        let home = try SiangHome.locate()
        let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
        let data = try SeedFiles.referenceData(home: home)
        let analyzer = try TextAnalyzer(model: loaded, gazetteer: SeedFiles.gazetteer(areas: data.areas))
        let settings = try await SiangSettings.load(home: home)
        let stream = ClassifyStream(
            placer: Placer(analyzer: analyzer, reference: Reference(data), triageThreshold: settings.triageThreshold))
        while let line = readLine(strippingNewline: true) {
            guard let output = stream.process(line) else { continue }
            FileHandle.standardOutput.write(Data((output + "\n").utf8))
        }
    }
}
