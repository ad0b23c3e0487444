import Classification
import Domain
import Foundation
import Hummingbird
import NIOCore
import Pages
import Services

/// The stylesheet and script, served from memory. Their URLs carry a hash of the content, so
/// browsers may keep them for a year and still get a new file the day it changes.
struct PageAssets {
    let renderer: PageRenderer

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("assets/{name}", use: asset)
    }

    @Sendable func asset(_ request: Request, context: SiangRequestContext) async throws -> Response {
        guard let name = context.parameters.get("name"), let asset = renderer.assets[name] else { throw PageError.notFound }
        let current = request.uri.queryParameters.get("v") == asset.version
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .xContentTypeOptions: "nosniff",
                .cacheControl: current ? "public, max-age=31536000, immutable" : "public, max-age=300",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

/// `POST /api/v1/category-suggestion` `{"text": "…"}`: the category the classifier would give
/// the text, for the filing form to suggest while the citizen types. Nothing is stored; the
/// text travels in the body so it never lands in an access log.
struct CategorySuggestionController {
    let analyzer: TextAnalyzer
    let reference: Reference
    let rules: ServiceRules

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("category-suggestion", use: suggest)
    }

    struct Body: Decodable {
        var text: String
    }

    struct Candidate: Encodable {
        var category: String
        var score: Double
    }

    struct Suggestion: Encodable {
        var category: String
        var name: String
        var name_th: String
        var name_en: String
        var confidence: Double
        var top: [Candidate]
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
        let prediction = analyzer.analyze(body.text).prediction
        let category = reference.categories[prediction.category]
        let language = PageKit.language(of: request)
        let rounded: (Double) -> Double = { ($0 * 1000).rounded() / 1000 }
        return try JSONResponse.make(
            Suggestion(
                category: prediction.category,
                name: reference.categoryName(prediction.category, language),
                name_th: category?.nameTH ?? prediction.category, name_en: category?.nameEN ?? prediction.category,
                confidence: rounded(prediction.confidence),
                top: prediction.top.map { Candidate(category: $0.category, score: rounded($0.score)) }),
            headers: [.cacheControl: "no-store"])
    }
}
