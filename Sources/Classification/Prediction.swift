/// Where the classifier would place a text, and how sure it is.
public struct Prediction: Sendable, Hashable {
    /// A category with its calibrated probability.
    public struct Candidate: Sendable, Hashable {
        public var category: String
        public var score: Double
    }

    /// The most likely category.
    public var category: String { top[0].category }
    /// The calibrated probability of `category`, in [0, 1].
    public var confidence: Double { top[0].score }
    /// The best categories, most likely first (three unless the taxonomy is smaller).
    public var top: [Candidate]
    /// Other problems the text names besides `category`: the runner-up categories whose calibrated
    /// probability reaches the model's secondary threshold, most likely first (at most two).
    /// Empty for most texts, which name one problem.
    public var also: [Candidate]

    public init(top: [Candidate], also: [Candidate] = []) {
        self.top = top
        self.also = also
    }
}
