import Classification
import Domain
import Foundation
import JSONBytes
import Services
import ThaiText

/// The work of `siang classify` on one input line, apart from reading and writing, so it can be tested.
///
/// Each line is placed as filing would place it (`Placer`): the same triage threshold, and the
/// area taken from the text when the line gives none, so the CLI's agency is filing's agency.
/// Lines are read by `JSONLineParser` and written by `StreamingJSONEncoder` (keys declared in
/// sorted order, so the output is what JSONEncoder with `.sortedKeys` wrote, at a fraction of the cost).
struct ClassifyStream {
    let placer: Placer
    private let encoder = StreamingJSONEncoder()

    init(placer: Placer) {
        self.placer = placer
    }

    /// Keys in sorted order; `agency` and `id` are written as null when absent.
    struct Output: Encodable {
        struct Candidate: Encodable {
            var category: String
            var score: Double
        }
        struct Place: Encodable {
            var code: String
            var level: String
            var name: String
            var text: String
        }
        struct AgencyName: Encodable {
            var code: String
            var name: String
            var name_en: String
        }
        struct PlacedArea: Encodable {
            var district: String?
            var province: String?
            var subdistrict: String?
        }
        struct AreaError: Encodable {
            var code: String
            var field: String?
            var message: String
            var suggestions: [String]?
        }
        struct Ambiguous: Encodable {
            var codes: [String]
            var text: String
        }
        /// The agency filing would route to; nil for the triage desk.
        var agency: AgencyName?
        /// Other problems the text names (`Prediction.also`), usually none.
        var also: [Candidate]
        /// Names in the text that fit several places and were not guessed.
        var ambiguous_places: [Ambiguous]
        /// The area placed (codes); with an area given that did not resolve, the one from the text.
        var area: PlacedArea
        /// Why the area given was not used; the rest of the answer stands without it.
        var area_error: AreaError?
        /// Where the area came from: "given" (the line's province or district), "text", or "none".
        var area_source: String
        var category: String
        var confidence: Double
        var id: JSONValue?
        var places: [Place]
        var top: [Candidate]
        var triage: Bool

        enum CodingKeys: String, CodingKey {
            case agency, also, ambiguous_places, area, area_error, area_source, category, confidence, id, places, top, triage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agency, forKey: .agency)
            try container.encode(also, forKey: .also)
            try container.encode(ambiguous_places, forKey: .ambiguous_places)
            try container.encode(area, forKey: .area)
            try container.encodeIfPresent(area_error, forKey: .area_error)
            try container.encode(area_source, forKey: .area_source)
            try container.encode(category, forKey: .category)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(id, forKey: .id)
            try container.encode(places, forKey: .places)
            try container.encode(top, forKey: .top)
            try container.encode(triage, forKey: .triage)
        }
    }

    struct Failure: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
        var id: JSONValue?
    }

    /// The output line for one input line, or nil for a blank line.
    func process(_ line: String) -> String? {
        var bytes: [UInt8] = []
        var line = line
        let wrote = line.withUTF8 { process($0, into: &bytes) }
        return wrote ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// Appends the output for one input line (without a newline) to `bytes`; false for a blank line.
    func process(_ line: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return false }
        switch answer(for: line) {
        case .output(let output): bytes.append(contentsOf: Self.write(output))
        case .failure(let failure): bytes.append(contentsOf: encode(failure))
        }
        return true
    }

    enum Answer {
        case output(Output)
        case failure(Failure)
    }

    /// `output` as JSON, field by field: byte for byte what `StreamingJSONEncoder` writes for it (a test
    /// holds them equal), without `Encodable`'s generic calls, which were a seventh of the whole CLI's time.
    static func write(_ output: Output) -> [UInt8] {
        let json = JSONObjectWriter()
        if let agency = output.agency {
            json.object("agency") { json in
                json.string("code", agency.code)
                json.string("name", agency.name)
                json.string("name_en", agency.name_en)
            }
        } else {
            json.null("agency")
        }
        json.objects("also", output.also, candidate)
        json.objects("ambiguous_places", output.ambiguous_places) { json, place in
            json.strings("codes", place.codes)
            json.string("text", place.text)
        }
        json.object("area") { json in
            json.string("district", output.area.district)
            json.string("province", output.area.province)
            json.string("subdistrict", output.area.subdistrict)
        }
        if let error = output.area_error {
            json.object("area_error") { json in
                json.string("code", error.code)
                json.string("field", error.field)
                json.string("message", error.message)
                if let suggestions = error.suggestions { json.strings("suggestions", suggestions) }
            }
        }
        json.string("area_source", output.area_source)
        json.string("category", output.category)
        json.number("confidence", output.confidence)
        switch output.id {
        case nil, .null?: json.null("id")
        case .string(let text)?: json.string("id", text)
        case let id?: json.raw("id", json: (try? StreamingJSONEncoder().encode(id)) ?? Array("null".utf8))
        }
        json.objects("places", output.places) { json, place in
            json.string("code", place.code)
            json.string("level", place.level)
            json.string("name", place.name)
            json.string("text", place.text)
        }
        json.objects("top", output.top, candidate)
        json.bool("triage", output.triage)
        return json.bytes
    }

    private static func candidate(_ json: JSONObjectWriter, _ candidate: Output.Candidate) {
        json.string("category", candidate.category)
        json.number("score", candidate.score)
    }

    func answer(for line: UnsafeBufferPointer<UInt8>) -> Answer {
        guard case .object(let input)? = JSONLineParser.parse(line) else {
            return .failure(Failure(error: .init(code: "invalid_json", message: "the line is not a JSON object"), id: nil))
        }
        // A null counts as absent, as JSONDecoder's optionals had it.
        let id = input["id"].flatMap { $0 == .null ? nil : $0 }
        let textValue = input["text"].flatMap { $0 == .null ? nil : $0 }
        guard let text = textValue?.stringValue else {
            let message = textValue == nil ? "the line has no \"text\"" : "\"text\" must be a string"
            return .failure(Failure(error: .init(code: "invalid_text", message: message), id: id))
        }
        let area = FilingRequest.AreaInput(
            province: input["province"].flatMap(Self.text), district: input["district"].flatMap(Self.text),
            subdistrict: input["subdistrict"].flatMap(Self.text))
        let placement: Placement
        do {
            placement = try placer.place(text, area: area, lenientArea: true)
        } catch {
            return .failure(Failure(error: .init(code: error.code, message: error.messageEN), id: id))
        }
        let areaError = placement.areaError.map {
            Output.AreaError(code: $0.code, field: $0.field, message: $0.messageEN, suggestions: $0.suggestions)
        }
        let prediction = placement.prediction
        let agency = placement.agencyCode.flatMap { code in
            placer.reference.agencies[code].map { Output.AgencyName(code: code, name: $0.nameTH, name_en: $0.nameEN) }
        }
        return .output(Output(
            agency: agency, also: prediction.also.map { .init(category: $0.category, score: Self.rounded($0.score)) },
            ambiguous_places: placement.ambiguousPlaces.map { .init(codes: $0.codes, text: $0.text) },
            area: .init(
                district: placement.area.districtCode, province: placement.area.provinceCode,
                subdistrict: placement.area.subdistrictCode),
            area_error: areaError, area_source: placement.areaSource.rawValue, category: prediction.category,
            confidence: Self.rounded(prediction.confidence), id: id,
            places: placement.places.map { Output.Place(code: $0.code, level: $0.level.rawValue, name: $0.name, text: $0.text) },
            top: prediction.top.map { .init(category: $0.category, score: Self.rounded($0.score)) },
            triage: placement.agencyCode == nil))
    }

    func encode(_ value: any Encodable) -> [UInt8] {
        (try? encoder.encode(value)) ?? Array("{}".utf8)
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        // Out-of-range numbers would trap in Int(_:); they name no area anyway.
        case .number(let number): return number.isFinite && abs(number) < 1e15 ? String(Int(number)) : nil
        default: return nil
        }
    }

    static func rounded(_ value: Double) -> Double {
        value.rounded(toPlaces: 4)
    }
}
