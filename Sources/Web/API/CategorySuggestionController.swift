import Classification
import Domain
import Hummingbird
import Services
import JSONBytes

/// `POST /api/v1/category-suggestion` `{"text": "…"}`: the category the classifier would give
/// the text, for the filing form to suggest while the citizen types; with `"area"` (as in a
/// filing) also the agency filing would route to. Nothing is stored; the text travels in the
/// body so it never lands in an access log.
struct CategorySuggestionController {
    let placer: Placer
    let reference: Reference
    let rules: ServiceRules

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("category-suggestion", use: suggest)
    }

    struct Body: Decodable {
        var text: String
        /// Where, as for filing: with an area the answer also says where the case would go.
        var area: AreaBody?
    }

    struct AreaBody: Decodable {
        var province: String?
        var district: String?
        var subdistrict: String?
    }

    struct Candidate: Encodable {
        var category: String
        var score: Double
    }

    struct AgencyName: Encodable {
        var code: String
        var name_th: String
        var name_en: String
    }

    struct Suggestion: Encodable {
        var category: String
        var name: String
        var name_th: String
        var name_en: String
        var confidence: Double
        var top: [Candidate]
        /// Other problems the text names besides `category` (usually none).
        var also: [Candidate]
        /// Only when the request gave an area: the agency filing would route to (null: the triage desk).
        var agency: AgencyName??
        var triage: Bool?

        enum CodingKeys: String, CodingKey {
            case category, name, name_th, name_en, confidence, top, also, agency, triage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(category, forKey: .category)
            try container.encode(name, forKey: .name)
            try container.encode(name_th, forKey: .name_th)
            try container.encode(name_en, forKey: .name_en)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(top, forKey: .top)
            try container.encode(also, forKey: .also)
            if let agency { try container.encode(agency, forKey: .agency) }
            try container.encodeIfPresent(triage, forKey: .triage)
        }
    }

    @Sendable func suggest(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(Body.self, from: try await JSONBody.bytes(of: request, context: context))
        // The limit of a case's text: a suggestion is asked for what will be filed.
        let limit = rules.maximumTextLength
        guard body.text.count <= limit else {
            throw APIError(
                status: .unprocessableContent, code: "text_too_long", th: "ข้อความยาวเกิน \(limit) ตัวอักษร",
                en: "\"text\" is longer than \(limit) characters.")
        }
        let area = FilingRequest.AreaInput(
            province: body.area?.province, district: body.area?.district, subdistrict: body.area?.subdistrict)
        // The same placement filing makes, so the suggestion never disagrees with what filing does.
        let placement = try placer.place(body.text, area: area)
        let prediction = placement.prediction
        let category = reference.categories[prediction.category]
        let language = PageKit.language(of: request)
        let rounded: (Double) -> Double = { $0.rounded(toPlaces: 3) }
        var suggestion = Suggestion(
            category: prediction.category,
            name: reference.categoryName(prediction.category, language),
            name_th: category?.nameTH ?? prediction.category, name_en: category?.nameEN ?? prediction.category,
            confidence: rounded(prediction.confidence),
            top: prediction.top.map { Candidate(category: $0.category, score: rounded($0.score)) },
            also: prediction.also.map { Candidate(category: $0.category, score: rounded($0.score)) })
        if body.area != nil {
            suggestion.agency = .some(
                placement.agencyCode.flatMap { code in
                    reference.agencies[code].map { AgencyName(code: code, name_th: $0.nameTH, name_en: $0.nameEN) }
                })
            suggestion.triage = placement.agencyCode == nil
        }
        return try JSONResponse.make(suggestion, headers: [.cacheControl: "no-store"])
    }
}
