import ArgumentParser
import Classification
import Domain
import Foundation
import Setup
import ThaiText

/// `siang bench`: throughput numbers, printed, for the release build.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Siang's speed (build with -c release first).",
        subcommands: [
            ClassifyBench.self, StatsBench.self, OutboxBench.self, SimilarBench.self, SimilarPairsBench.self, ThemesBench.self,
        ]
    )
}

/// `siang bench classify`: single-threaded segmentation and classification throughput.
struct ClassifyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Documents/s and MB/s of segmentation alone and of segmentation + classification, on one thread."
    )

    @Option(help: "CSV file with a header row.")
    var input: String

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Seconds to run each measurement for.")
    var seconds = 3.0

    @Option(help: "A model file (default: the model trained from Seeds/).")
    var model: String?

    struct Result: Encodable {
        var documents_per_second: Double
        var megabytes_per_second: Double
        var passes: Int
    }

    func run() throws {
        let home = try SiangHome.locate()
        let texts = try LabelledCSV.read(path: input, textColumn: textColumn, labelColumn: textColumn).examples.map(\.text)
        guard !texts.isEmpty else { throw ValidationError("no texts in \(input)") }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
        let tokenizer = try ThaiTokenizer()
        let classifier = try Classifier(model: loaded)

        var sink = 0
        // Segmentation as the pipeline runs it: normalisation, ICU word boundaries, token ranges and hashes.
        let segmentation = measure(texts: texts, bytes: bytes) {
            for text in texts {
                let units = ThaiNormalizer.normalizedUTF16(text)
                units.withUnsafeBufferPointer { buffer in
                    tokenizer.forEachToken(in: buffer) { range, _, hash in sink &+= range.count &+ Int(truncatingIfNeeded: hash) }
                }
            }
        }
        // The same, also making a String of every token (the convenience API).
        let tokenStrings = measure(texts: texts, bytes: bytes) {
            for text in texts { sink &+= tokenizer.tokens(in: text).count }
        }
        let classification = measure(texts: texts, bytes: bytes) {
            for text in texts { sink &+= classifier.classify(text).category.utf8.count }
        }
        // As filing reads a text: classification and places, with the national gazetteer, and with
        // the one Siang had before it knew the country (provinces, Bangkok's districts and subdistricts).
        let areas = try SeedFiles.areas(seeds: home.seeds)
        // The place finder reads the word boundaries the classifier found, as `TextAnalyzer` does.
        var words = WordBoundaries()
        func withPlaces(_ gazetteer: Gazetteer) -> Result {
            measure(texts: texts, bytes: bytes) {
                for text in texts {
                    let units = ThaiNormalizer.normalizedUTF16(text)
                    units.withUnsafeBufferPointer { normalized in
                        sink &+= classifier.classify(normalized: normalized, words: &words).category.utf8.count
                        sink &+= gazetteer.mentions(inNormalized: normalized, words: words).count
                    }
                }
            }
        }
        let national = withPlaces(SeedFiles.gazetteer(areas: areas))
        let bangkokOnly = withPlaces(
            SeedFiles.gazetteer(areas: areas.filter { $0.level == .province || $0.code.hasPrefix("10") }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        struct Report: Encodable {
            var documents: Int
            var megabytes: Double
            var segmentation: Result
            var segmentation_to_token_strings: Result
            var segmentation_and_classification: Result
            var classification_and_places: Result
            var classification_and_places_bangkok_gazetteer: Result
            /// classification_and_places ÷ the Bangkok gazetteer's (target ≥ 0.90).
            var national_gazetteer_speed_ratio: Double
            var threads: Int
        }
        let output = Report(
            documents: texts.count, megabytes: Double(bytes) / 1_000_000, segmentation: segmentation,
            segmentation_to_token_strings: tokenStrings, segmentation_and_classification: classification,
            classification_and_places: national, classification_and_places_bangkok_gazetteer: bangkokOnly,
            national_gazetteer_speed_ratio: (national.documents_per_second / max(bangkokOnly.documents_per_second, 1) * 1000)
                .rounded() / 1000,
            threads: 1)
        FileHandle.standardOutput.write(try encoder.encode(output) + Data("\n".utf8))
        if sink == 42 { printError("") }  // keeps the work from being optimised away
    }

    func measure(texts: [String], bytes: Int, _ pass: () -> Void) -> Result {
        pass()  // warm-up: ICU dictionaries, caches
        let clock = ContinuousClock()
        var passes = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            pass()
            passes += 1
            elapsed = clock.now - start
        } while elapsed < .seconds(seconds)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            documents_per_second: (Double(texts.count * passes) / seconds).rounded(),
            megabytes_per_second: (Double(bytes * passes) / seconds / 1_000_000 * 100).rounded() / 100,
            passes: passes)
    }
}
