import Foundation
import Hummingbird
import Pages

/// `GET /api-reference`: the API reference, rendered by Siang from the OpenAPI document (no script, no CDN).
struct APIReference {
    let kit: PageKit
    let document: OpenAPIDocument

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("api-reference", use: page)
    }

    @Sendable func page(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        return try kit.page(
            Self.model(document, thai: view.language == .thai), title: view.text("api_title"), view: view, request: request,
            caching: .publicFor(seconds: 300))
    }

    /// The page's model: operations grouped by the document's tags, in the tags' order, then by path and method.
    static func model(_ document: OpenAPIDocument, thai: Bool) -> APIReferencePage {
        let root = document.root
        let base = root["servers"]?[0]?["url"]?.string ?? ""
        var operations: [(tag: String, operation: APIReferencePage.Operation)] = []
        for (path, item) in root["paths"]?.members ?? [] {
            for method in OpenAPIDocument.methods {
                guard let operation = item[method] else { continue }
                let listed = Self.operation(operation, method: method, path: base + path, document: document, thai: thai)
                operations.append((operation["tags"]?[0]?.string ?? "", listed))
            }
        }
        let sections = (root["tags"]?.items ?? []).compactMap { tag -> APIReferencePage.Section? in
            let name = tag["name"]?.string ?? ""
            let listed = operations.filter { $0.tag == name }.map(\.operation)
            guard !listed.isEmpty else { return nil }
            let title = thai ? tag["x-name-th"]?.string : tag["description"]?.string
            return APIReferencePage.Section(id: "tag-" + name, name: title ?? name, operations: listed)
        }
        let schemas = (root["components"]?["schemas"]?.members ?? []).map { name, schema in
            APIReferencePage.Schema(
                name: name, description: plain(schema["description"]), fields: fields(of: schema, document: document))
        }
        let intro = plain(thai ? root["info"]?["x-description-th"] : root["info"]?["description"])
        return APIReferencePage(intro: intro ?? "", sections: sections, schemas: schemas)
    }

    static func operation(
        _ operation: JSONTree, method: String, path: String, document: OpenAPIDocument, thai: Bool
    ) -> APIReferencePage.Operation {
        let parameters = (operation["parameters"]?.items ?? []).compactMap { document.resolve($0) }.map { parameter in
            APIReferencePage.Parameter(
                name: parameter["name"]?.string ?? "", location: parameter["in"]?.string ?? "",
                type: typeName(parameter["schema"], document: document), required: parameter["required"]?.bool ?? false,
                description: plain(parameter["description"]) ?? "")
        }
        let body = operation["requestBody"]?["content"]?["application/json"]?["schema"].map { schema in
            APIReferencePage.Body(
                type: typeName(schema, document: document), anchor: anchor(schema),
                fields: fields(of: document.resolve(schema) ?? schema, document: document))
        }
        let responses = (operation["responses"]?.members ?? []).map { status, response in
            let resolved = document.resolve(response)
            let schema = resolved?["content"]?.members.first?.value["schema"]
            return APIReferencePage.Reply(
                status: status, description: plain(resolved?["description"]) ?? "",
                type: schema.map { typeName($0, document: document) }, anchor: schema.flatMap(anchor))
        }
        let summary = thai ? operation["x-summary-th"]?.string : operation["summary"]?.string
        return APIReferencePage.Operation(
            id: operation["operationId"]?.string ?? "", method: method.uppercased(), path: path, summary: summary ?? "",
            description: plain(operation["description"]), staff: operation["security"] != nil, parameters: parameters,
            body: body, responses: responses)
    }

    /// A description as plain text: the document's Markdown code spans (`` `Error` ``) lose their backticks.
    static func plain(_ text: JSONTree?) -> String? {
        text?.string?.replacingOccurrences(of: "`", with: "")
    }

    /// An object schema's properties, required ones first.
    static func fields(of schema: JSONTree, document: OpenAPIDocument) -> [APIReferencePage.Field] {
        let required = Set((schema["required"]?.items ?? []).compactMap(\.string))
        return (schema["properties"]?.members ?? []).map { name, property in
            APIReferencePage.Field(
                name: name, type: typeName(property, document: document), required: required.contains(name),
                description: plain(property["description"]) ?? "")
        }.sorted { ($0.required ? 0 : 1, $0.name) < ($1.required ? 0 : 1, $1.name) }
    }

    /// The named schema a `$ref` points to, as the anchor of its entry on the page.
    static func anchor(_ schema: JSONTree) -> String? {
        (schema["$ref"]?.string ?? schema["items"]?["$ref"]?.string).flatMap { $0.split(separator: "/").last }.map { "schema-\($0)" }
    }

    /// A schema in a few words: `Case`, `[BudgetOutcome]`, `string (date-time)`, `string: a | b`.
    static func typeName(_ schema: JSONTree?, document: OpenAPIDocument) -> String {
        guard let schema else { return "" }
        if let reference = schema["$ref"]?.string { return String(reference.split(separator: "/").last ?? "") }
        if let choices = schema["oneOf"]?.items { return choices.map { typeName($0, document: document) }.joined(separator: " | ") }
        let type = schema["type"]?.string ?? "any"
        if type == "array" { return "[" + typeName(schema["items"], document: document) + "]" }
        if let values = schema["enum"]?.items.compactMap(\.string) { return type + ": " + values.joined(separator: " | ") }
        if let format = schema["format"]?.string { return "\(type) (\(format))" }
        return type
    }
}
