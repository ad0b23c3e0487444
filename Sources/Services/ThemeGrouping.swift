public import Domain
import Foundation
import ThaiText

/// Groups a consultation's opinions into themes, deterministically and in a way staff can explain:
/// every theme is described by the words that set it apart from the other opinions, and quotes the
/// opinions nearest its centre.
///
/// The method: the opinions' content words (`OpinionVectors`: words only one opinion uses and those
/// most use left out) grouped by a Dirichlet multinomial mixture (`ThemeMixture`) started from more
/// groups than there are likely themes, from fixed seeds (so the same opinions always give the same
/// themes); groups too small to be a theme give their opinions to the nearest theme (by the cosine of
/// TF-IDF vectors weighted by coherence) if it is near enough, else to "other". Splitting a theme in two
/// is spherical k-means on those vectors, seeded by k-means++.
public struct ThemeGrouping: Sendable {
    /// One opinion as grouping sees it.
    public struct Item: Sendable {
        public var id: Int64
        public var words: [String]
        public var stance: OpinionStance
        /// The redacted text, for quotes.
        public var publicText: String

        public init(id: Int64, words: [String], stance: OpinionStance, publicText: String) {
            self.id = id
            self.words = words
            self.stance = stance
            self.publicText = publicText
        }
    }

    /// A theme found: its opinions, what characterises it, and its quotes.
    public struct Theme: Sendable, Equatable {
        public var memberIDs: [Int64]
        /// The words that set it apart, most telling first.
        public var words: [String]
        /// The opinions to quote, nearest the theme's centre first (distinct texts).
        public var quoteIDs: [Int64]
        public var stances: StanceCounts
        /// The opinions no theme took.
        public var isOther: Bool

        /// The label a theme has until staff rename it: its three most telling words.
        public var defaultLabel: String {
            isOther ? "อื่น ๆ" : words.prefix(3).joined(separator: " · ")
        }
    }

    /// The most groups the mixture starts from (groups empty themselves while it is sampled).
    public var maximumGroups = 40
    /// The mixture model that assigns opinions to groups.
    public var mixture = ThemeMixture()
    /// A theme's smallest size, as a share of the opinions (and never fewer than two).
    public var minimumShare = 0.01
    /// The cosine an opinion of a too-small group needs with a theme's centre to join it.
    public var attachThreshold = 0.1
    /// Words in more than this share of the opinions are left out (the topic itself).
    public var commonShare = 0.4
    /// How strongly words are weighted by their coherence (`OpinionVectors.reweight`); 0 for plain TF-IDF.
    public var coherence = 2.0

    /// The text grouping segments: personal data taken out (not labelled: a label shared by many
    /// opinions would pull them together), so words are never kept from an address or a name.
    public static func featureText(_ text: String) -> String {
        PersonalData.redact(text, label: { _ in " " })
    }

    public init() {}

    /// The themes of `items`, largest first, "other" (if any) last.
    public func group(_ items: [Item]) -> [Theme] {
        let items = items.sorted { $0.id < $1.id }
        let vectors = OpinionVectors(words: items.map(\.words), commonShare: commonShare, coherence: coherence)
        let usable = (0..<items.count).filter { !vectors.terms[$0].isEmpty }
        let start = min(maximumGroups, max(2, Int((Double(usable.count).squareRoot() * 1.5).rounded())))
        let assignment = mixture.assign(
            vectors.terms, among: usable, vocabularySize: vectors.vocabulary.count, groups: min(start, usable.count))
        let centres = self.centres(vectors, among: usable, assignment: assignment)
        let minimum = max(2, Int((Double(items.count) * minimumShare).rounded(.up)))
        var sizes = [Int](repeating: 0, count: centres.count)
        for doc in usable { sizes[assignment[doc]] += 1 }
        let kept = centres.indices.filter { sizes[$0] >= minimum || (sizes[$0] >= 2 && centres.count == 1) }
        var members: [[Int]] = Array(repeating: [], count: centres.count)
        var other: [Int] = (0..<items.count).filter { vectors.terms[$0].isEmpty }
        for doc in usable {
            var group = assignment[doc]
            if !kept.contains(group) {
                let best = kept.max { vectors.cosine(doc, centres[$0]) < vectors.cosine(doc, centres[$1]) }
                if let best, vectors.cosine(doc, centres[best]) >= attachThreshold { group = best } else {
                    other.append(doc)
                    continue
                }
            }
            members[group].append(doc)
        }
        var themes = kept.filter { !members[$0].isEmpty }.map { describe(members[$0], items: items, vectors: vectors) }
        themes.sort { ($0.memberIDs.count, -($0.memberIDs.first ?? 0)) > ($1.memberIDs.count, -($1.memberIDs.first ?? 0)) }
        if !other.isEmpty {
            var rest = describe(other.sorted(), items: items, vectors: vectors)
            rest.isOther = true
            rest.words = []
            themes.append(rest)
        }
        return themes
    }

    /// Describes given groups of `items` (by id) as themes: after staff merge or move opinions, the
    /// words and quotes are worked out again against all the consultation's opinions.
    public func describe(groups: [[Int64]], items: [Item]) -> [Theme] {
        let items = items.sorted { $0.id < $1.id }
        let vectors = OpinionVectors(words: items.map(\.words), commonShare: commonShare, coherence: coherence)
        var position: [Int64: Int] = [:]
        for (index, item) in items.enumerated() { position[item.id] = index }
        return groups.map { describe($0.compactMap { position[$0] }.sorted(), items: items, vectors: vectors) }
    }

    /// Splits the opinions `memberIDs` of a theme in two by the same method (nil when they do not
    /// fall apart: too few, or all alike).
    public func split(_ memberIDs: [Int64], items: [Item]) -> (Theme, Theme)? {
        let items = items.sorted { $0.id < $1.id }
        let vectors = OpinionVectors(words: items.map(\.words), commonShare: commonShare, coherence: coherence)
        let wanted = Set(memberIDs)
        let members = (0..<items.count).filter { wanted.contains(items[$0].id) }
        let usable = members.filter { !vectors.terms[$0].isEmpty }
        guard usable.count >= 2 else { return nil }
        var centres = seeds(vectors, among: usable, count: 2)
        guard centres.count == 2 else { return nil }
        let assignment = kMeans(vectors, among: usable, centres: &centres, iterations: 15)
        var halves: [[Int]] = [[], []]
        for doc in members { halves[vectors.terms[doc].isEmpty ? 0 : assignment[doc]].append(doc) }
        guard !halves[0].isEmpty, !halves[1].isEmpty else { return nil }
        let first = describe(halves[0], items: items, vectors: vectors)
        let second = describe(halves[1], items: items, vectors: vectors)
        return first.memberIDs.count >= second.memberIDs.count ? (first, second) : (second, first)
    }

    // MARK: The steps

    /// k-means++ seeds from a fixed seed: the first is the opinion nearest the centre of all, each next
    /// one drawn with odds growing with its distance from the seeds so far.
    func seeds(_ vectors: OpinionVectors, among docs: [Int], count: Int) -> [[Double]] {
        guard count > 0, !docs.isEmpty else { return [] }
        let dimensions = vectors.vocabulary.count
        var all = [Double](repeating: 0, count: dimensions)
        for doc in docs { vectors.add(doc, into: &all) }
        all = normalised(all)
        let first = docs.max { vectors.cosine($0, all) < vectors.cosine($1, all) || (vectors.cosine($0, all) == vectors.cosine($1, all) && $0 > $1) }!
        var centres = [unit(first, vectors)]
        var distance = docs.map { max(0, 1 - vectors.cosine($0, centres[0])) }
        var random = SplitMix64(seed: 0x5E_A4_C0_15)
        while centres.count < count {
            let total = distance.reduce(0, +)
            guard total > 1e-9 else { break }
            var target = random.nextUnit() * total
            var chosen = docs.count - 1
            for (index, value) in distance.enumerated() {
                target -= value
                if target <= 0, value > 0 {
                    chosen = index
                    break
                }
            }
            let centre = unit(docs[chosen], vectors)
            centres.append(centre)
            for (index, doc) in docs.enumerated() { distance[index] = min(distance[index], max(0, 1 - vectors.cosine(doc, centre))) }
        }
        return centres
    }

    /// The mean direction of each group's opinions.
    func centres(_ vectors: OpinionVectors, among docs: [Int], assignment: [Int]) -> [[Double]] {
        let count = (docs.map { assignment[$0] }.max() ?? -1) + 1
        var sums = [[Double]](repeating: [Double](repeating: 0, count: vectors.vocabulary.count), count: count)
        for doc in docs { vectors.add(doc, into: &sums[assignment[doc]]) }
        return sums.map(normalised)
    }

    func unit(_ doc: Int, _ vectors: OpinionVectors) -> [Double] {
        var dense = [Double](repeating: 0, count: vectors.vocabulary.count)
        vectors.add(doc, into: &dense)
        return dense
    }

    /// Spherical k-means: each opinion to the centre it is most like (ties to the earlier), centres
    /// moved to their opinions' mean direction, until nothing moves. Returns the assignment by doc
    /// index (docs outside `among` keep 0).
    func kMeans(_ vectors: OpinionVectors, among docs: [Int], centres: inout [[Double]], iterations: Int) -> [Int] {
        var assignment = [Int](repeating: -1, count: vectors.count)
        for _ in 0..<iterations {
            var moved = false
            for doc in docs {
                var best = 0
                var bestScore = -Double.infinity
                for (index, centre) in centres.enumerated() {
                    let score = vectors.cosine(doc, centre)
                    if score > bestScore {
                        bestScore = score
                        best = index
                    }
                }
                if assignment[doc] != best {
                    assignment[doc] = best
                    moved = true
                }
            }
            if !moved { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: vectors.vocabulary.count), count: centres.count)
            var sizes = [Int](repeating: 0, count: centres.count)
            for doc in docs {
                vectors.add(doc, into: &sums[assignment[doc]])
                sizes[assignment[doc]] += 1
            }
            // An emptied group keeps its centre (`split` then finds no two halves).
            for index in centres.indices where sizes[index] > 0 { centres[index] = normalised(sums[index]) }
        }
        return assignment.map { max($0, 0) }
    }

    /// A theme of the opinions at `docs`: the words more common in it than overall (weighted by how
    /// common in it), and the opinions nearest its centre as quotes.
    func describe(_ docs: [Int], items: [Item], vectors: OpinionVectors) -> Theme {
        var stances = StanceCounts()
        for doc in docs { stances.add(items[doc].stance) }
        var sum = [Double](repeating: 0, count: vectors.vocabulary.count)
        var inTheme: [Int32: Int] = [:]
        for doc in docs {
            vectors.add(doc, into: &sum)
            for term in vectors.terms[doc] { inTheme[term, default: 0] += 1 }
        }
        let centre = normalised(sum)
        let size = Double(docs.count), total = Double(max(vectors.count, 1))
        let telling = inTheme.compactMap { term, count -> (String, Double)? in
            let inside = Double(count) / size
            let overall = Double(vectors.documentFrequency[Int(term)]) / total
            guard inside >= 0.1, inside > overall else { return nil }
            return (vectors.vocabulary[Int(term)], inside * log(inside / overall))
        }
        .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let nearest = docs.sorted {
            let (a, b) = (vectors.cosine($0, centre), vectors.cosine($1, centre))
            return a != b ? a > b : $0 < $1
        }
        var quotes: [Int64] = []
        var seen = Set<String>()
        for doc in nearest where quotes.count < 3 && seen.insert(items[doc].publicText).inserted { quotes.append(items[doc].id) }
        return Theme(
            memberIDs: docs.map { items[$0].id }, words: telling.prefix(6).map(\.0), quoteIDs: quotes, stances: stances,
            isOther: false)
    }
}

/// A small fixed-seed generator (SplitMix64), so that seeding is the same on every machine and run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
