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
    /// Each question answered wrongly or missing its partner among the first five, in the file's order.
    public var mistakes: [Mistake] = []

    /// A question the engine got wrong: what it answered first, and where the partner came (if at all).
    public struct Mistake: Sendable, Hashable {
        /// The pair's row (0 = the first after the header).
        public var pair: Int
        public var first: SimilarityMatch?
        /// The labelled partner's answer when it was among the first five (positive pairs only).
        public var partner: SimilarityMatch?
    }

    public var precisionAtOne: Double { answered == 0 ? 0 : Double(correctFirst) / Double(answered) }
    public var recallAtFive: Double { positives == 0 ? 0 : Double(foundInFive) / Double(positives) }

    /// Runs the evaluation on a fresh index with `settings` and `limits`, its IDF primed with `background`
    /// texts as the server's is (`SimilarityIndex.addBackground`).
    /// - Parameter categorize: the classifier, as filing uses it: each filed text is indexed with its likeliest
    ///   category and each question asked with its probabilities (nil: categories play no part).
    public static func run(
        _ pairs: [LabelledPair], settings: SimilaritySettings = .standard, limits: SimilarityLimits = .standard,
        background: [String] = [], categorize: ((String) -> CategoryBelief)? = nil
    ) throws -> PairEvaluation {
        // A filed case has the category the classifier chose for it, as at filing.
        func category(_ text: String) -> String {
            guard let categorize else { return "" }
            return categorize(text).probabilities.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? ""
        }
        let index = try SimilarityIndex(settings: settings, limits: limits)
        index.addBackground(background)
        for (offset, pair) in pairs.enumerated() {
            index.upsert(
                IndexedCase(
                    id: Int64(offset), area: pair.filed.area, latitude: pair.filed.latitude,
                    longitude: pair.filed.longitude, category: category(pair.filed.text)),
                text: pair.filed.text)
        }
        var result = PairEvaluation(
            questions: pairs.count, answered: 0, correctFirst: 0, positives: 0, foundInFive: 0, wrongByKind: [:])
        func mistake(_ offset: Int, _ matches: [SimilarityMatch]) -> Mistake {
            Mistake(pair: offset, first: matches.first, partner: matches.first { $0.id == Int64(offset) })
        }
        for (offset, pair) in pairs.enumerated() {
            let matches = index.search(
                text: pair.query.text, area: pair.query.area, latitude: pair.query.latitude,
                longitude: pair.query.longitude, category: categorize?(pair.query.text), limit: 5)
            if pair.same {
                result.positives += 1
                if matches.contains(where: { $0.id == Int64(offset) }) { result.foundInFive += 1 }
            }
            guard let first = matches.first else {
                if pair.same { result.mistakes.append(mistake(offset, matches)) }
                continue
            }
            result.answered += 1
            if pair.same && first.id == Int64(offset) {
                result.correctFirst += 1
            } else {
                result.wrongByKind[pair.kind, default: 0] += 1
                result.mistakes.append(mistake(offset, matches))
            }
        }
        return result
    }
}
