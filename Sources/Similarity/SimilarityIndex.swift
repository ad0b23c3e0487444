import Foundation
import Synchronization
import ThaiText

/// An open public case as the similarity index knows it: where it is and what it is about.
public struct IndexedCase: Sendable, Hashable {
    public var id: Int64
    public var area: String
    public var latitude: Double?
    public var longitude: Double?
    public var category: String
    /// The agency holding it (nil in triage), for agencies' clusters.
    public var agency: String?

    public init(
        id: Int64, area: String, latitude: Double? = nil, longitude: Double? = nil, category: String,
        agency: String? = nil
    ) {
        self.id = id
        self.area = area
        self.latitude = latitude
        self.longitude = longitude
        self.category = category
        self.agency = agency
    }
}

/// A case like the text asked about, with why: its cosine and the words both share.
public struct SimilarityMatch: Sendable, Hashable {
    public var id: Int64
    /// Cosine of the two TF-IDF vectors, 0 to 1.
    public var score: Float
    /// Words and word pairs both texts hold, the strongest first.
    public var sharedWords: [String]
}

/// Thresholds and limits of the search.
public struct SimilarityLimits: Sendable, Hashable {
    /// The least cosine shown as "maybe the same problem".
    public var minimumScore: Float
    /// The least cosine that puts two cases in one cluster for agencies (stricter: a merge follows).
    public var clusterScore: Float
    /// When both texts have coordinates, the farthest apart (metres) two reports of one problem can be.
    public var radiusMetres: Double
    /// Candidates scored exactly per query at most (rarest shared terms first), to bound the work of
    /// a query in a crowded area.
    public var maximumCandidates: Int
    /// What a candidate's score is multiplied by when the text asked about is not about its category at
    /// all (`CategoryBelief`); 1 turns categories off. Chosen on `bench/similar/pairs.csv` (README).
    public var otherCategoryFactor: Float

    public init(
        minimumScore: Float = 0.1, clusterScore: Float = 0.3, radiusMetres: Double = 400,
        maximumCandidates: Int = 4_000, otherCategoryFactor: Float = 0.25
    ) {
        self.minimumScore = minimumScore
        self.clusterScore = clusterScore
        self.radiusMetres = radiusMetres
        self.maximumCandidates = maximumCandidates
        self.otherCategoryFactor = otherCategoryFactor
    }

    public static let standard = SimilarityLimits()
}

/// The in-memory inverted index of open public cases, one posting list per term within each area
/// (a filing is compared only with its own area, so a query touches a few thousand cases at most).
///
/// Documents keep their term frequencies, not their weights: the IDF moves as cases come and go, and
/// each query weighs both sides with the current one, so the same index state always gives the same
/// answer. Terms are held by the index's own 4-byte numbers (`TermTable`), not their 8-byte hashes.
/// Safe from any task: ICU work runs outside the lock on a borrowed `TextFeatures`.
public final class SimilarityIndex: Sendable {
    public let settings: SimilaritySettings
    public let limits: SimilarityLimits
    /// `weights(characterWeight:)` for this index's settings.
    let countWeights: [Float]
    let state = Mutex(State())
    private let idle = Mutex<[FeaturesBox]>([])
    private let complete = Atomic(false)

    /// Whether it holds every open case: a full load or catch-up has completed (`markComplete`).
    /// Until then, "already reported?" may miss cases.
    public var isComplete: Bool { complete.load(ordering: .acquiring) }

    public func markComplete() {
        complete.store(true, ordering: .releasing)
    }

    final class FeaturesBox: @unchecked Sendable {
        let features: TextFeatures
        init(_ features: TextFeatures) { self.features = features }
    }

    struct Document {
        var info: IndexedCase
        /// Distinct terms of the problem, by their numbers in the index's `TermTable`, ascending.
        var terms: [UInt32]
        /// Per term, its count in the text (at most 127) and, in the high bit, whether it is a character
        /// n-gram: a byte where a weight took four, over a hundred terms a case (`countWeights`).
        var counts: [UInt8]
        /// Distinct terms naming the place, ascending, and theirs.
        var placeTerms: [UInt32]
        var placeCounts: [UInt8]

        /// Every distinct term number of the document (problem and place), ascending.
        var allTerms: [UInt32] { SimilarityIndex.mergedDistinct(terms, placeTerms) }
    }

    /// A text's distinct terms by hash, ascending, each with its count byte: what the index numbers.
    struct CountedTerms {
        var hashes: [UInt64] = []
        var counts: [UInt8] = []
    }

    /// A text's terms counted, the problem's and the place's apart.
    struct CountedText {
        var problem: CountedTerms
        var place: CountedTerms
        /// Every distinct hash of the text, ascending.
        var allHashes: [UInt64] { SimilarityIndex.mergedDistinct(problem.hashes, place.hashes) }
    }

    /// The index's content. Cases sit in slots (numbers reused when a case leaves), and posting
    /// lists hold slots: four bytes an entry where a case id took eight, a hundred entries a case.
    struct State {
        var documents: [Document?] = []
        var slots: [Int64: UInt32] = [:]
        var freeSlots: [UInt32] = []
        /// Per area, per term number, the slots of the cases holding it.
        var postings: [String: [UInt32: [UInt32]]] = [:]
        var terms = TermTable()
        /// Agency codes, each kept once: a code longer than 15 bytes is a heap string, and a million
        /// cases would each hold a copy of one of a few thousand.
        var agencies: Set<String> = []
        /// Texts of words and word pairs seen, to explain matches (n-grams are not shown).
        var labels: [UInt64: String] = [:]
        /// While a catch-up runs (`beginCatchUp`): the cases changed live meanwhile, which are newer
        /// than the catch-up's snapshot and must not be overwritten or forgotten by it.
        var touchedDuringCatchUp: Set<Int64>?

        func document(_ id: Int64) -> Document? { slots[id].flatMap { documents[Int($0)] } }

        var allDocuments: some Sequence<Document> { documents.lazy.compactMap { $0 } }

        var count: Int { slots.count }

        /// A slot for a new case: a free one, or a new one at the end.
        mutating func place(_ document: Document) -> UInt32 {
            let slot: UInt32
            if let free = freeSlots.popLast() {
                slot = free
                documents[Int(slot)] = document
            } else {
                slot = UInt32(documents.count)
                documents.append(document)
            }
            slots[document.info.id] = slot
            return slot
        }
    }

    /// (1 + ln tf) for tf 0…127, as a document's weight was computed when it was kept as a Float.
    static let sublinear: [Float] = (0..<128).map { $0 == 0 ? 0 : 1 + Float(log(Double($0))) }

    /// The term frequency weight each count byte stands for, (1 + ln tf) × the kind's weight: the same
    /// product the weight kept per term was, made once per index instead of once per term and query.
    static func weights(characterWeight: Float) -> [Float] {
        (0..<256).map { byte in byte & 0x80 != 0 ? sublinear[byte & 0x7F] * characterWeight : sublinear[byte & 0x7F] }
    }

    /// - Throws: `WordSegmenter.Unavailable` when ICU's data is missing (checked once, here).
    public init(settings: SimilaritySettings = .standard, limits: SimilarityLimits = .standard) throws {
        self.settings = settings
        self.limits = limits
        countWeights = Self.weights(characterWeight: settings.characterWeight)
        let first = try TextFeatures(settings: settings)
        idle.withLock { $0.append(FeaturesBox(first)) }
    }

    /// Runs `body` with a `TextFeatures` no other task is using.
    public func withFeatures<T>(_ body: (TextFeatures) throws -> T) rethrows -> T {
        let box = idle.withLock { $0.popLast() } ?? FeaturesBox(try! TextFeatures(settings: settings))
        defer { idle.withLock { $0.append(box) } }
        return try body(box.features)
    }

    // MARK: Updating

    /// Adds a case, or replaces what the index knew of it (its text, place or agency changed).
    public func upsert(_ info: IndexedCase, text: String) {
        upsert(info, text: text, fromSnapshot: false)
    }

    /// `upsert` for a catch-up: skipped when the case changed live since the catch-up began.
    public func upsertFromSnapshot(_ info: IndexedCase, text: String) {
        upsert(info, text: text, fromSnapshot: true)
    }

    private func upsert(_ info: IndexedCase, text: String, fromSnapshot: Bool) {
        let terms = withFeatures { $0.terms(of: text) }
        let counted = Self.counted(terms)
        var info = info
        state.withLock { state in
            if fromSnapshot {
                if state.touchedDuringCatchUp?.contains(info.id) == true { return }
            } else {
                state.touchedDuringCatchUp?.insert(info.id)
            }
            Self.remove(info.id, from: &state)
            for term in terms where term.kind != .characters && state.labels[term.hash] == nil {
                state.labels[term.hash] = term.text
            }
            if let agency = info.agency { info.agency = state.agencies.insert(agency).memberAfterInsert }
            let document = Self.document(info, counted: counted, numbering: &state.terms)
            let slot = state.place(document)
            // In place: a copy of the area's postings taken out and put back would be copied whole on
            // the first write (it is shared with the state), once per filing.
            for term in document.terms { state.postings[info.area, default: [:]][term, default: []].append(slot) }
        }
    }

    /// Counts `texts` in the document frequencies only (they are never found): a prior for IDF from a
    /// corpus written for the purpose, so that with few open cases ("มาก", "เต็ม") a common word still
    /// weighs little. Call before the cases are loaded.
    public func addBackground(_ texts: [String]) {
        let documents = withFeatures { features in texts.map { Set(features.terms(of: $0).map(\.hash)).sorted() } }
        state.withLock { state in
            for hashes in documents { _ = state.terms.add(hashes) }
        }
    }

    /// Forgets a case (closed, made private, merged). Unknown ids are ignored.
    public func remove(id: Int64) {
        state.withLock { state in
            state.touchedDuringCatchUp?.insert(id)
            Self.remove(id, from: &state)
        }
    }

    /// Starts a catch-up from a snapshot of the open cases: from now on, cases changed live are
    /// remembered, and the catch-up leaves them as they are.
    public func beginCatchUp() {
        state.withLock { $0.touchedDuringCatchUp = [] }
    }

    /// Ends a catch-up: forgets every case the snapshot did not hold (closed or made private while
    /// changes were not followed), except those changed live since it began.
    public func endCatchUp(keeping ids: Set<Int64>) {
        state.withLock { state in
            let touched = state.touchedDuringCatchUp ?? []
            state.touchedDuringCatchUp = nil
            let leaving = state.slots.keys.filter { !ids.contains($0) && !touched.contains($0) }
            for id in leaving { Self.remove(id, from: &state) }
        }
    }

    /// Ends a catch-up that failed half-way, forgetting nothing.
    public func abandonCatchUp() {
        state.withLock { $0.touchedDuringCatchUp = nil }
    }

    /// What the index knows of a case's place, category and agency (nil: not indexed).
    public func info(of id: Int64) -> IndexedCase? { state.withLock { $0.document(id)?.info } }

    /// Replaces the whole content at once (start-up), in the order given.
    public func load(_ cases: [(IndexedCase, String)]) {
        for (info, text) in cases { upsert(info, text: text) }
    }

    static func counted(_ terms: [Term]) -> CountedText {
        func counted(_ terms: [Term]) -> CountedTerms {
            var counts: [UInt64: (count: Int, kind: Term.Kind)] = [:]
            for term in terms { counts[term.hash, default: (0, term.kind)].count += 1 }
            let sorted = counts.keys.sorted()
            return CountedTerms(
                hashes: sorted,
                counts: sorted.map { hash in
                    let entry = counts[hash]!
                    // A term found more than 127 times in one text weighs as if found 127 times (1 + ln:
                    // 5.84, not more): the only place the byte changes a score, for a long or pasted text.
                    return UInt8(min(entry.count, 127)) | (entry.kind == .characters ? 0x80 : 0)
                }
            )
        }
        return CountedText(problem: counted(terms.filter { !$0.isPlace }), place: counted(terms.filter(\.isPlace)))
    }

    /// The document of a text entering the index: its terms counted in `numbering` and held by number.
    private static func document(_ info: IndexedCase, counted: CountedText, numbering: inout TermTable) -> Document {
        let hashes = counted.allHashes
        let numbers = numbering.add(hashes)
        func numbered(_ terms: CountedTerms) -> (terms: [UInt32], counts: [UInt8]) {
            // Both lists are ascending by hash: one walk finds each term's number.
            var next = 0
            let pairs = zip(terms.hashes, terms.counts).map { hash, count in
                while hashes[next] != hash { next += 1 }
                return (number: numbers[next], count: count)
            }.sorted { $0.number < $1.number }
            return (pairs.map(\.number), pairs.map(\.count))
        }
        let problem = numbered(counted.problem)
        let place = numbered(counted.place)
        return Document(info: info, terms: problem.terms, counts: problem.counts, placeTerms: place.terms, placeCounts: place.counts)
    }

    /// The distinct elements of two ascending lists, ascending.
    static func mergedDistinct<T: Comparable>(_ a: [T], _ b: [T]) -> [T] {
        guard !b.isEmpty else { return a }
        guard !a.isEmpty else { return b }
        var merged: [T] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            let next: T
            if j == b.count || (i < a.count && a[i] < b[j]) {
                next = a[i]
                i += 1
            } else if i == a.count || b[j] < a[i] {
                next = b[j]
                j += 1
            } else {
                next = a[i]
                i += 1
                j += 1
            }
            merged.append(next)
        }
        return merged
    }

    private static func remove(_ id: Int64, from state: inout State) {
        guard let slot = state.slots.removeValue(forKey: id), let old = state.documents[Int(slot)] else { return }
        state.documents[Int(slot)] = nil
        state.freeSlots.append(slot)
        let area = old.info.area
        // In place, as in `upsert`.
        for term in old.terms {
            guard let index = state.postings[area]?[term]?.firstIndex(of: slot) else { continue }
            state.postings[area]?[term]?.remove(at: index)
            if state.postings[area]?[term]?.isEmpty == true { state.postings[area]?[term] = nil }
        }
        if state.postings[area]?.isEmpty == true { state.postings[area] = nil }
        // After the postings: a number no document holds any more may go to another term.
        state.terms.remove(old.allTerms)
    }

    // MARK: Reading

    /// Cases indexed.
    public var count: Int { state.withLock { $0.count } }

    /// Whether a case is in the index (open and public).
    public func contains(id: Int64) -> Bool { state.withLock { $0.slots[id] != nil } }

    /// The indexed cases most like `text` in `area` (and within `limits.radiusMetres` when both sides
    /// have coordinates), best first (ties: older case first), at least `limits.minimumScore`.
    /// - Parameter category: what the text is likely about; a case of another category is weighed down.
    public func search(
        text: String, area: String, latitude: Double? = nil, longitude: Double? = nil, category: CategoryBelief? = nil,
        excluding: Set<Int64> = [], limit: Int = 5, minimumScore: Float? = nil
    ) -> [SimilarityMatch] {
        let terms = withFeatures { $0.terms(of: text) }
        let counted = Self.counted(terms)
        return state.withLock { state in
            let countWeights = self.countWeights
            func vector(_ terms: CountedTerms) -> IndexVector {
                // Terms no case holds share nothing, but they weigh in the query's length all the same.
                var known: [(number: UInt32, count: UInt8)] = []
                var unknownSquares: Double = 0
                for (hash, count) in zip(terms.hashes, terms.counts) {
                    if let number = state.terms.number(of: hash) {
                        known.append((number, count))
                    } else {
                        let weight = Double(countWeights[Int(count)] * state.terms.unseenIDF)
                        unknownSquares += weight * weight
                    }
                }
                known.sort { $0.number < $1.number }
                return Self.vector(
                    terms: known.map(\.number), counts: known.map(\.count), countWeights: countWeights,
                    terms: state.terms, extraSquares: unknownSquares)
            }
            var query = Query(
                vector: vector(counted.problem), place: vector(counted.place), namesPlace: !counted.place.hashes.isEmpty,
                hasTerms: !counted.problem.hashes.isEmpty, area: area, latitude: latitude, longitude: longitude,
                excluding: excluding)
            query.category = category
            let labels = Dictionary(
                terms.filter { $0.kind != .characters }.map { ($0.hash, $0.text) }, uniquingKeysWith: { a, _ in a })
            return search(query, in: state, limit: limit, minimumScore: minimumScore ?? limits.minimumScore, labels: labels)
        }
    }

    /// The indexed cases most like the indexed case `id` (not itself), as `search`, categories aside: two
    /// cases of one problem filed under two categories (one of them misfiled) are what staff look for.
    public func similar(to id: Int64, limit: Int = 5, minimumScore: Float? = nil) -> [SimilarityMatch] {
        state.withLock { state in
            guard let document = state.document(id) else { return [] }
            let query = Query(
                vector: vector(document.terms, document.counts, in: state),
                place: vector(document.placeTerms, document.placeCounts, in: state),
                namesPlace: !document.placeTerms.isEmpty, hasTerms: !document.terms.isEmpty, area: document.info.area,
                latitude: document.info.latitude, longitude: document.info.longitude, excluding: [id])
            return search(query, in: state, limit: limit, minimumScore: minimumScore ?? limits.minimumScore, labels: state.labels)
        }
    }

    /// The weighted terms of a text, by the index's term numbers.
    typealias IndexVector = WeightedTerms<UInt32>

    struct Query {
        var vector: IndexVector
        var place: IndexVector
        /// Whether the text names a place at all (its place terms may all be new to the index).
        var namesPlace: Bool
        var hasTerms: Bool
        var area: String
        var latitude: Double?
        var longitude: Double?
        var category: CategoryBelief?
        var excluding: Set<Int64>
    }

    private func vector(_ terms: [UInt32], _ counts: [UInt8], in state: State) -> IndexVector {
        Self.vector(terms: terms, counts: counts, countWeights: countWeights, terms: state.terms, extraSquares: 0)
    }

    private func search(
        _ query: Query, in state: State, limit: Int, minimumScore: Float, labels: [UInt64: String]
    ) -> [SimilarityMatch] {
        guard limit > 0, query.hasTerms, let postings = state.postings[query.area] else { return [] }
        // Rarest terms first, so a capped candidate set keeps the most telling ones.
        let ordered = query.vector.terms.compactMap { term in postings[term].map { (term, $0) } }
            .sorted { $0.1.count != $1.1.count ? $0.1.count < $1.1.count : state.terms.hash(of: $0.0) < state.terms.hash(of: $1.0) }
        var candidates = Set<UInt32>()
        for (_, list) in ordered {
            if candidates.count >= limits.maximumCandidates { break }
            candidates.formUnion(list.prefix(limits.maximumCandidates - candidates.count))
        }
        var matches: [(id: Int64, score: Float, vector: IndexVector)] = []
        for slot in candidates {
            guard let document = state.documents[Int(slot)], !query.excluding.contains(document.info.id) else { continue }
            let id = document.info.id
            var located = false
            if let lat = query.latitude, let lon = query.longitude, let otherLat = document.info.latitude,
                let otherLon = document.info.longitude
            {
                if Self.metres(lat, lon, otherLat, otherLon) > limits.radiusMetres { continue }
                located = true
            }
            let candidate = vector(document.terms, document.counts, in: state)
            var score = query.vector.cosine(with: candidate)
            // Near each other by coordinates, the place is settled; otherwise the places the two texts
            // name must agree too, or the same complaint about another soi would pass for this one.
            if !located, query.namesPlace, !document.placeTerms.isEmpty {
                let place = vector(document.placeTerms, document.placeCounts, in: state)
                score *= query.place.cosine(with: place)
            }
            if score > 0, let category = query.category {
                score *= category.factor(for: document.info.category, floor: limits.otherCategoryFactor)
            }
            if score >= minimumScore { matches.append((id, score, candidate)) }
        }
        matches.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        // Shared terms by their hashes, so that ties fall the same way whatever numbers the terms got.
        func shared(_ a: IndexVector, _ b: IndexVector, first count: Int) -> [UInt64] {
            a.sharedTerms(with: b).map { (hash: state.terms.hash(of: $0.term), contribution: $0.contribution) }
                .sorted { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.hash < $1.hash }
                .prefix(count).map(\.hash)
        }
        return matches.prefix(limit).map { match in
            var hashes = shared(query.vector, match.vector, first: 6)
            if let document = state.document(match.id) {
                hashes += shared(query.place, vector(document.placeTerms, document.placeCounts, in: state), first: 3)
            }
            let words = hashes.compactMap { labels[$0] ?? state.labels[$0] }
            return SimilarityMatch(id: match.id, score: match.score, sharedWords: words)
        }
    }

    /// TF-IDF weights of numbered terms, scaled to unit length; `extraSquares` is the sum of the squared
    /// weights of terms left out (a query's terms no case holds), which count in the length.
    static func vector(
        terms numbers: [UInt32], counts: [UInt8], countWeights: [Float], terms: TermTable, extraSquares: Double
    ) -> IndexVector {
        var weights = [Float](repeating: 0, count: numbers.count)
        // In Double: the sum then practically never depends on the order the numbers put the terms in,
        // which is the index's history, so an index built afresh gives the same scores.
        var squares = extraSquares
        for index in numbers.indices {
            let weight = countWeights[Int(counts[index])] * terms.idf(numbers[index])
            weights[index] = weight
            squares += Double(weight) * Double(weight)
        }
        let norm = Float(squares.squareRoot())
        guard norm > 0 else { return .empty }
        for index in weights.indices { weights[index] /= norm }
        return IndexVector(sortedTerms: numbers, weights: weights)
    }

    /// Great-circle distance in metres (haversine; a few metres off at most over a district).
    static func metres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6_371_000 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}
