/// A labelled pair of texts of the evaluation set (`bench/similar/pairs.csv`).
public struct LabelledPair: Sendable, Hashable {
    public struct Side: Sendable, Hashable {
        public var text: String
        public var area: String
        public var latitude: Double?
        public var longitude: Double?

        public init(text: String, area: String, latitude: Double? = nil, longitude: Double? = nil) {
            self.text = text
            self.area = area
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    /// Whether the two texts report one problem at one place.
    public var same: Bool
    public var kind: String
    public var query: Side
    public var filed: Side

    public init(same: Bool, kind: String, query: Side, filed: Side) {
        self.same = same
        self.kind = kind
        self.query = query
        self.filed = filed
    }
}

/// How well "already reported?" finds the case a citizen is about to report again.
///
/// Every pair's second text is filed (indexed); every first text is then asked about, as at filing.
/// Precision@1: of the questions that got any answer, the share whose first answer is the text's labelled
/// partner (an answer to a question whose partner is another problem or place is wrong). Recall@5: of the
/// questions with a partner, the share that find it among the first five answers.
public struct PairEvaluation: Sendable, Hashable {
    public var questions: Int
    public var answered: Int
    public var correctFirst: Int
    public var positives: Int
    public var foundInFive: Int
    /// Questions answered wrongly, by pair kind.
    public var wrongByKind: [String: Int]

    public var precisionAtOne: Double { answered == 0 ? 0 : Double(correctFirst) / Double(answered) }
    public var recallAtFive: Double { positives == 0 ? 0 : Double(foundInFive) / Double(positives) }

    /// Runs the evaluation on a fresh index with `settings` and `limits`, its IDF primed with `background`
    /// texts as the server's is (`SimilarityIndex.addBackground`).
    public static func run(
        _ pairs: [LabelledPair], settings: SimilaritySettings = .standard, limits: SimilarityLimits = .standard,
        background: [String] = []
    ) throws -> PairEvaluation {
        let index = try SimilarityIndex(settings: settings, limits: limits)
        index.addBackground(background)
        for (offset, pair) in pairs.enumerated() {
            index.upsert(
                IndexedCase(
                    id: Int64(offset), area: pair.filed.area, latitude: pair.filed.latitude,
                    longitude: pair.filed.longitude, category: ""),
                text: pair.filed.text)
        }
        var result = PairEvaluation(
            questions: pairs.count, answered: 0, correctFirst: 0, positives: 0, foundInFive: 0, wrongByKind: [:])
        for (offset, pair) in pairs.enumerated() {
            let matches = index.search(
                text: pair.query.text, area: pair.query.area, latitude: pair.query.latitude,
                longitude: pair.query.longitude, limit: 5)
            if pair.same {
                result.positives += 1
                if matches.contains(where: { $0.id == Int64(offset) }) { result.foundInFive += 1 }
            }
            guard let first = matches.first else { continue }
            result.answered += 1
            if pair.same && first.id == Int64(offset) {
                result.correctFirst += 1
            } else {
                result.wrongByKind[pair.kind, default: 0] += 1
            }
        }
        return result
    }
}
