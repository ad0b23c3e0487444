import ThaiText

/// Scores texts by the weighted keyword phrases they contain, per category.
struct KeywordScorer: Sendable {
    let matcher: PhraseMatcher
    let rules: [KeywordRule]
    /// For each rule, the index of its category.
    let ruleCategories: [Int]
    let categoryCount: Int

    init(rules: [KeywordRule], categories: [String]) {
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        let usable = rules.filter { index[$0.category] != nil }
        self.rules = usable
        self.ruleCategories = usable.map { index[$0.category]! }
        self.matcher = PhraseMatcher(phrases: usable.map(\.phrase))
        self.categoryCount = categories.count
    }

    /// Per category, the summed weight of the distinct phrases found in normalised `text`.
    /// `seen` is scratch space of one flag per rule, reused between calls to avoid allocating.
    func scores(normalized text: UnsafeBufferPointer<UInt16>, seen: inout [Bool]) -> [Double] {
        var scores = [Double](repeating: 0, count: categoryCount)
        guard !rules.isEmpty else { return scores }
        if seen.count != rules.count { seen = Array(repeating: false, count: rules.count) }
        for index in seen.indices { seen[index] = false }
        matcher.forEachMatch(in: text) { rule, _ in
            guard !seen[rule] else { return }
            seen[rule] = true
            scores[ruleCategories[rule]] += rules[rule].weight
        }
        return scores
    }
}
