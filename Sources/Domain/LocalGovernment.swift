/// A local government (เทศบาล, อบต., เมืองพัทยา) that takes a province's local problems in the
/// subdistricts it covers, instead of the district office.
public struct LocalGovernment: Sendable, Hashable {
    /// The agency itself (kind `municipality`, `sao` or `city`).
    public var agency: Agency
    /// The subdistricts (DOPA codes) it covers.
    public var subdistricts: [String]
    /// The categories it takes there; empty means `defaultCategories`.
    public var categories: [String]

    public init(agency: Agency, subdistricts: [String], categories: [String] = []) {
        self.agency = agency
        self.subdistricts = subdistricts
        self.categories = categories
    }

    /// The local problems a local government answers for by law (roads, lights, rubbish, drains,
    /// stray animals and the like), when its row names none.
    public static let defaultCategories = [
        "road", "sidewalk", "lighting", "cleanliness", "drainage", "flooding", "stray_animals", "trees", "obstruction",
        "street_vendors", "public_toilets", "damaged_facilities", "signage", "canal", "bridge",
    ]

    /// The kinds a local government may have.
    public static let kinds: Set<String> = ["municipality", "sao", "city"]

    /// The categories it takes: its own list, else the default one.
    public var effectiveCategories: [String] { categories.isEmpty ? Self.defaultCategories : categories }

    /// The routing rules its coverage stands for: each category in each subdistrict, the most
    /// specific rules there are, so they beat the district office's.
    public static func routingRules(coverage: [(agency: String, subdistrict: String, categories: [String])]) -> [RoutingRule] {
        coverage.flatMap { row in
            row.categories.map { RoutingRule(categoryCode: $0, areaCode: row.subdistrict, agency: row.agency) }
        }
    }
}

/// What an import of local governments changed; all zero when the file was imported before.
public struct LocalGovernmentImport: Sendable, Equatable {
    public var agenciesAdded = 0
    public var agenciesUpdated = 0
    public var coverageAdded = 0
    public var coverageUpdated = 0
    public var coverageRemoved = 0

    public init() {}

    public var changedNothing: Bool { self == LocalGovernmentImport() }
}
