import Foundation

/// Opinions as TF-IDF weighted term vectors over their content words, unit length, for grouping.
///
/// The vocabulary keeps words at least two opinions share (a word one person used, or misspelt,
/// tells nothing about a group) and drops those in more than `commonShare` of them (the topic itself:
/// in a footpath consultation nearly everyone writes "ทางเท้า").
struct OpinionVectors {
    /// Per opinion, its terms (vocabulary indexes, ascending) and their weights.
    var terms: [[Int32]]
    var weights: [[Double]]
    var vocabulary: [String]
    /// How many opinions use each vocabulary word.
    var documentFrequency: [Int]

    /// - Parameter coherence: how strongly words are weighted by their coherence (0: plain TF-IDF).
    init(words: [[String]], commonShare: Double = 0.4, coherence: Double = 2) {
        var counts: [String: Int] = [:]
        for list in words {
            for word in Set(list) { counts[word, default: 0] += 1 }
        }
        let limit = max(2, Int((Double(words.count) * commonShare).rounded(.up)))
        // Sorted, so that indexes (and every tie broken by them) do not depend on hashing.
        vocabulary = counts.filter { $0.value >= 2 && ($0.value <= limit || words.count < 5) }.keys.sorted()
        var index: [String: Int32] = [:]
        for (position, word) in vocabulary.enumerated() { index[word] = Int32(position) }
        documentFrequency = vocabulary.map { counts[$0]! }
        let total = Double(max(words.count, 1))
        let idf = documentFrequency.map { log(1 + total / Double($0)) }
        terms = []
        weights = []
        terms.reserveCapacity(words.count)
        weights.reserveCapacity(words.count)
        for list in words {
            let ids = Set(list.compactMap { index[$0] }).sorted()
            var values = ids.map { idf[Int($0)] }
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { values = values.map { $0 / norm } }
            terms.append(ids)
            weights.append(values)
        }
        // Whether opinions using a word are alike can only be told from enough of them.
        if coherence > 0, words.count >= 200 { reweight(scale: coherence) }
    }

    /// Weighs each word by how alike the opinions using it are in their other words, against how
    /// alike opinions are overall: a theme's words keep their weight, while the phrases people put
    /// around any opinion ("ขอบคุณครับ", "ฝากพิจารณาด้วย", a signature) count for little, because the
    /// opinions that share them have nothing else in common. The factor is r² / (r² + scale²), r being
    /// the mean cosine (the word itself left out) of the opinions using the word over that of all.
    mutating func reweight(scale: Double) {
        let dimensions = vocabulary.count
        guard count > 2, dimensions > 0 else { return }
        var postings = [[Int]](repeating: [], count: dimensions)
        for doc in 0..<count { for term in terms[doc] { postings[Int(term)].append(doc) } }
        var all = [Double](repeating: 0, count: dimensions)
        for doc in 0..<count { add(doc, into: &all) }
        let n = Double(count)
        let overall = max(1e-6, (all.reduce(0) { $0 + $1 * $1 } - n) / (n * (n - 1)))
        var scratch = [Double](repeating: 0, count: dimensions)
        var squaresOf = [Double](repeating: 0, count: dimensions)
        var uses = [Int](repeating: 0, count: dimensions)
        var factor = [Double](repeating: 1, count: dimensions)
        for term in 0..<dimensions where postings[term].count >= 2 {
            var touched: [Int] = []
            for doc in postings[term] {
                let ids = terms[doc], values = weights[doc]
                for position in ids.indices where Int(ids[position]) != term {
                    let index = Int(ids[position])
                    if uses[index] == 0 { touched.append(index) }
                    scratch[index] += values[position]
                    squaresOf[index] += values[position] * values[position]
                    uses[index] += 1
                }
            }
            let m = Double(postings[term].count)
            var squares = 0.0, selfSquares = 0.0
            for index in touched {
                // Words that come with this one in most of its opinions are its own phrase ("คนใน ชุมชน
                // คุย กัน"), not evidence that the opinions agree on anything else.
                if Double(uses[index]) <= 0.5 * m {
                    squares += scratch[index] * scratch[index]
                    selfSquares += squaresOf[index]
                }
                scratch[index] = 0
                squaresOf[index] = 0
                uses[index] = 0
            }
            let alike = max(0, (squares - selfSquares) / (m * (m - 1)))
            let ratio = alike / overall
            factor[term] = ratio * ratio / (ratio * ratio + scale * scale)
        }
        // Not scaled back to unit length: an opinion that is mostly such phrases keeps a short vector,
        // so it goes where its few telling words point without moving any theme's centre much.
        for doc in 0..<count {
            for position in weights[doc].indices { weights[doc][position] *= factor[Int(terms[doc][position])] }
        }
    }

    var count: Int { terms.count }

    /// The cosine of opinion `doc` with a unit-length dense vector.
    func cosine(_ doc: Int, _ dense: [Double]) -> Double {
        var sum = 0.0
        let ids = terms[doc], values = weights[doc]
        for position in ids.indices { sum += values[position] * dense[Int(ids[position])] }
        return sum
    }

    /// Adds opinion `doc` into a dense sum.
    func add(_ doc: Int, into dense: inout [Double], scale: Double = 1) {
        let ids = terms[doc], values = weights[doc]
        for position in ids.indices { dense[Int(ids[position])] += scale * values[position] }
    }
}

/// A dense vector scaled to unit length (left as it is when all zero).
func normalised(_ vector: [Double]) -> [Double] {
    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? vector.map { $0 / norm } : vector
}
