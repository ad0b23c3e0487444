import Classification
import Domain
import Foundation
import Services
import ThaiText

/// The work of `siang classify` on one input line, apart from reading and writing, so it can be tested.
struct ClassifyStream {
    let classifier: Classifier
    let gazetteer: Gazetteer
    let tokenizer: ThaiTokenizer
    /// Reference data for routing, when lines may carry a province or district.
    let reference: Reference?
    private let decoder = JSONDecoder()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(classifier: Classifier, gazetteer: Gazetteer, tokenizer: ThaiTokenizer, reference: Reference?) {
        self.classifier = classifier
        self.gazetteer = gazetteer
        self.tokenizer = tokenizer
        self.reference = reference
    }

    struct Input: Decodable {
        var id: JSONValue?
        var text: JSONValue?
        var province: JSONValue?
        var district: JSONValue?
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
        struct AgencyName: Encodable {
            var code: String
            var name: String
            var name_en: String
        }
        var id: JSONValue?
        var category: String
        var confidence: Double
        var top: [Candidate]
        var places: [Place]
        var agency: AgencyName??
        var triage: Bool?

        enum CodingKeys: String, CodingKey {
            case id, category, confidence, top, places, agency, triage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(category, forKey: .category)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(top, forKey: .top)
            try container.encode(places, forKey: .places)
            // Present (possibly null) only when the line asked for routing.
            if let agency { try container.encode(agency, forKey: .agency) }
            try container.encodeIfPresent(triage, forKey: .triage)
        }
    }

    struct Failure: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var id: JSONValue?
        var error: Detail
    }

    /// The output line for one input line, or nil for a blank line.
    func process(_ line: String) -> String? {
        if line.allSatisfy(\.isWhitespace) { return nil }
        let input: Input
        do {
            input = try decoder.decode(Input.self, from: Data(line.utf8))
        } catch {
            return encode(Failure(id: nil, error: .init(code: "invalid_json", message: "the line is not a JSON object")))
        }
        guard let text = input.text?.stringValue else {
            let message = input.text == nil ? "the line has no \"text\"" : "\"text\" must be a string"
            return encode(Failure(id: input.id, error: .init(code: "invalid_text", message: message)))
        }
        let prediction = classifier.classify(text)
        let places = gazetteer.mentions(in: text, tokenizer: tokenizer).map {
            Output.Place(level: $0.level.rawValue, code: $0.code, name: $0.name, text: $0.text)
        }
        var output = Output(
            id: input.id, category: prediction.category, confidence: Self.rounded(prediction.confidence),
            top: prediction.top.map { .init(category: $0.category, score: Self.rounded($0.score)) }, places: places)
        if let reference, input.province != nil || input.district != nil {
            let province = input.province.flatMap(Self.text)
            let district = input.district.flatMap(Self.text)
            do {
                let area = try reference.area(for: .init(province: province, district: district))
                let routed = reference.router.route(category: prediction.category, area: area)
                if let code = routed, code != RoutingTable.triage, let agency = reference.agencies[code] {
                    output.agency = .some(.init(code: code, name: agency.nameTH, name_en: agency.nameEN))
                    output.triage = false
                } else {
                    output.agency = .some(nil)
                    output.triage = true
                }
            } catch {
                return encode(Failure(id: input.id, error: .init(code: error.code, message: error.messageEN)))
            }
        }
        return encode(output)
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return String(Int(number))
        default: return nil
        }
    }

    func encode(_ value: some Encodable) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func rounded(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
