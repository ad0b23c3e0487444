import Classification
import Domain
import Foundation
import Services
import ThaiText

/// The work of `siang classify` on one input line, apart from reading and writing, so it can be tested.
///
/// Each line is placed as filing would place it (`Placer`): the same triage threshold, and the
/// area taken from the text when the line gives none, so the CLI's agency is filing's agency.
struct ClassifyStream {
    let placer: Placer
    private let decoder = JSONDecoder()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(placer: Placer) {
        self.placer = placer
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
        /// The agency filing would route to; nil for the triage desk.
        var agency: AgencyName?
        var triage: Bool
        /// Where the area came from: "given" (the line's province or district), "text", or "none".
        var area_source: String

        enum CodingKeys: String, CodingKey {
            case id, category, confidence, top, places, agency, triage, area_source
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(category, forKey: .category)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(top, forKey: .top)
            try container.encode(places, forKey: .places)
            try container.encode(agency, forKey: .agency)
            try container.encode(triage, forKey: .triage)
            try container.encode(area_source, forKey: .area_source)
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
        let area = FilingRequest.AreaInput(
            province: input.province.flatMap(Self.text), district: input.district.flatMap(Self.text))
        let placement: Placement
        do {
            placement = try placer.place(text, area: area)
        } catch {
            return encode(Failure(id: input.id, error: .init(code: error.code, message: error.messageEN)))
        }
        let prediction = placement.prediction
        let agency = placement.agencyCode.flatMap { code in
            placer.reference.agencies[code].map { Output.AgencyName(code: code, name: $0.nameTH, name_en: $0.nameEN) }
        }
        let output = Output(
            id: input.id, category: prediction.category, confidence: Self.rounded(prediction.confidence),
            top: prediction.top.map { .init(category: $0.category, score: Self.rounded($0.score)) },
            places: placement.places.map { Output.Place(level: $0.level.rawValue, code: $0.code, name: $0.name, text: $0.text) },
            agency: agency, triage: placement.agencyCode == nil, area_source: placement.areaSource.rawValue)
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
