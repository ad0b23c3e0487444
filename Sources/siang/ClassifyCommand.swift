import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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
        var output: [UInt8] = []
        var reader = LineReader(fileDescriptor: STDIN_FILENO)
        // Answers go out before each wait for more input, so a caller sending one line at a time
        // gets each answer at once, while a file piped in is written in large blocks.
        reader.forEachLine(beforeWaiting: { writeAll(&output, to: STDOUT_FILENO) }) { line in
            if stream.process(line, into: &output) { output.append(0x0A) }
        }
        writeAll(&output, to: STDOUT_FILENO)
    }
}
