/// A labelled text the classifier learns from: a seed example, a row of a CSV file, or an
/// agency officer's correction of a case's category.
public struct TrainingExample: Sendable, Hashable {
    public var text: String
    public var category: String
    /// How much the example counts; corrections by officers may count more than seeds.
    public var weight: Double

    public init(text: String, category: String, weight: Double = 1) {
        self.text = text
        self.category = category
        self.weight = weight
    }
}

/// A weighted phrase that points to a category: "หลุมบ่อ" → road, weight 3.
public struct KeywordRule: Sendable, Hashable, Codable {
    public var category: String
    public var phrase: String
    public var weight: Double

    public init(category: String, phrase: String, weight: Double) {
        self.category = category
        self.phrase = phrase
        self.weight = weight
    }
}

/// The categories a model chooses between, in a fixed order, and the version of the
/// taxonomy they come from.
public struct Taxonomy: Sendable, Hashable, Codable {
    public var version: String
    public var categories: [String]

    public init(version: String, categories: [String]) {
        self.version = version
        self.categories = categories
    }
}

extension Taxonomy {
    /// The taxonomy with only the categories that occur in `labels`, in the same order.
    ///
    /// A model trained on a file alone should not choose between categories it never saw an
    /// example of: it could only reach them through keywords, uncalibrated.
    public func restricted(to labels: some Sequence<String>) -> Taxonomy {
        let present = Set(labels)
        return Taxonomy(version: version, categories: categories.filter(present.contains))
    }
}
