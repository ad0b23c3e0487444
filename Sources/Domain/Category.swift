/// A category of the taxonomy (docs/taxonomy.md): what a case is about.
public struct Category: Sendable, Hashable, Codable {
    /// Stable code, e.g. `road`.
    public var code: String
    public var nameTH: String
    public var nameEN: String
    public var descriptionTH: String
    public var descriptionEN: String

    public init(code: String, nameTH: String, nameEN: String, descriptionTH: String = "", descriptionEN: String = "") {
        self.code = code
        self.nameTH = nameTH
        self.nameEN = nameEN
        self.descriptionTH = descriptionTH
        self.descriptionEN = descriptionEN
    }

    /// The catch-all category, also the fallback for routing.
    public static let otherCode = "other"
}
