import Pages

/// `api.mustache`: the API reference, read from the OpenAPI document (`APIReference` builds it).
struct APIReferencePage: PageModel {
    static let template = "api"

    /// The document's own description, in the page's language.
    var intro: String
    var sections: [Section]
    var schemas: [Schema]

    /// The operations of one tag.
    struct Section: Sendable {
        var id: String
        var name: String
        var operations: [Operation]
    }

    struct Operation: Sendable {
        /// The operation's id, the anchor of its heading.
        var id: String
        var method: String
        var path: String
        var summary: String
        var description: String?
        /// Whether the route needs a staff token.
        var staff: Bool
        var parameters: [Parameter]
        var body: Body?
        var responses: [Reply]
    }

    struct Parameter: Sendable {
        var name: String
        /// `path`, `query` or `header`.
        var location: String
        var type: String
        var required: Bool
        var description: String
    }

    struct Body: Sendable {
        var type: String
        /// The schema's anchor when it is a named schema.
        var anchor: String?
        var fields: [Field]
    }

    struct Field: Sendable {
        var name: String
        var type: String
        var required: Bool
        var description: String
    }

    struct Reply: Sendable {
        var status: String
        var description: String
        var type: String?
        var anchor: String?
    }

    /// A named schema, with its fields.
    struct Schema: Sendable {
        var name: String
        var description: String?
        var fields: [Field]
    }
}
