/// How likely a text about to be filed is to be about each category: the classifier's calibrated
/// probabilities, with the category chosen on the form (if any) as likely as the likeliest.
///
/// Words alone cannot tell "the same place, another problem" from a duplicate when a place name is half
/// the text; the category can. A candidate of a category the text is unlikely to be about is weighed
/// down (`SimilarityLimits.otherCategoryFactor`), never ruled out: the classifier is sometimes wrong.
public struct CategoryBelief: Sendable, Hashable {
    /// Probability by category code; categories not named count as 0.
    public var probabilities: [String: Float]

    public init(_ probabilities: [String: Float]) {
        self.probabilities = probabilities
    }

    /// The same belief with `category` (a person's choice) as likely as the likeliest, the others as they were.
    public func choosing(_ category: String) -> CategoryBelief {
        var chosen = probabilities
        chosen[category] = max(probabilities.values.max() ?? 1, Float.leastNonzeroMagnitude)
        return CategoryBelief(chosen)
    }

    /// `category`'s probability as a share of the likeliest category's, 0 to 1 (1 for the likeliest).
    public func agreement(with category: String) -> Float {
        guard let top = probabilities.values.max(), top > 0 else { return 1 }
        return min(1, (probabilities[category] ?? 0) / top)
    }

    /// The factor a candidate of `category` has its score multiplied by: 1 for the likeliest category,
    /// falling with the square root of the agreement to `floor` for a category the text is not about.
    /// An empty category (not known) is not weighed down.
    func factor(for category: String, floor: Float) -> Float {
        guard !category.isEmpty else { return 1 }
        return floor + (1 - floor) * agreement(with: category).squareRoot()
    }
}
