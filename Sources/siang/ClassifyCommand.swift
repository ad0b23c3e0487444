import ArgumentParser
import Classification
import Foundation
import SeedData
import ThaiText

/// `siang classify`: JSON Lines in, one prediction per line out, in the same order.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify complaints read as JSON Lines ({\"id\": …, \"text\": \"…\"}) from standard input."
    )

    @Option(help: "A model file from `siang train` (default: the model trained from Seeds/).")
    var model: String?

    struct Input: Decodable {
        var id: JSONValue?
        var text: JSONValue?
    }

    struct Output: Encodable {
        struct Candidate: Encodable {
            var category: String
            var score: Double
        }
        struct Place: Encodable {
            var level: String
            var code: String
            var name: String
            var text: String
        }
        var id: JSONValue?
        var category: String
        var confidence: Double
        var top: [Candidate]
        var places: [Place]
    }

    struct Failure: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var id: JSONValue?
        var error: Detail
    }

    func run() throws {
        let home = try SiangHome.locate()
        let loaded = try model.map { try ModelFile.read(from: $0) } ?? DefaultModel.load(home: home)
        let classifier = try Classifier(model: loaded)
        let gazetteer = SeedFiles.gazetteer(areas: try SeedFiles.areas(seeds: home.seeds))
        let tokenizer = try ThaiTokenizer()
        let decoder = JSONDecoder()
        let writer = JSONLinesWriter()

        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy(\.isWhitespace) { continue }
            let input: Input
            do {
                input = try decoder.decode(Input.self, from: Data(line.utf8))
            } catch {
                writer.write(Failure(id: nil, error: .init(code: "invalid_json", message: "the line is not a JSON object")))
                continue
            }
            guard let text = input.text?.stringValue else {
                let message = input.text == nil ? "the line has no \"text\"" : "\"text\" must be a string"
                writer.write(Failure(id: input.id, error: .init(code: "invalid_text", message: message)))
                continue
            }
            let prediction = classifier.classify(text)
            let places = gazetteer.mentions(in: text, tokenizer: tokenizer).map {
                Output.Place(level: $0.level.rawValue, code: $0.code, name: $0.name, text: $0.text)
            }
            writer.write(
                Output(
                    id: input.id, category: prediction.category, confidence: Self.rounded(prediction.confidence),
                    top: prediction.top.map { .init(category: $0.category, score: Self.rounded($0.score)) },
                    places: places))
        }
    }

    static func rounded(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
