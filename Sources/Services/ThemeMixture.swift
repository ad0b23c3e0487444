import Foundation

/// Groups short texts by a Dirichlet multinomial mixture, sampled by collapsed Gibbs sampling (Yin and
/// Wang's GSDMM, KDD 2014): each opinion belongs to one group, a group is a distribution over words,
/// and an opinion moves to a group in proportion to how many opinions the group has (`alpha`) and how
/// well the group's words explain all of the opinion's words (`beta` smooths words the group lacks).
///
/// Unlike k-means on cosines, a short opinion is judged by every word it has against the group's whole
/// vocabulary, so a group does not hold together on one shared word; and groups empty themselves as
/// the sampling goes, so the number of themes comes from the opinions (the start is only a ceiling).
/// Sampling can settle in a worse grouping, so several chains run and the one the model finds most
/// probable is kept, after merging the groups whose union the model finds more probable than the two
/// apart (a theme left in two halves). Deterministic: opinions are visited in order and draws come
/// from fixed seeds.
public struct ThemeMixture: Sendable {
    /// How readily an opinion joins a small group rather than a large one.
    public var alpha = 0.1
    /// How much a group's missing words are forgiven: higher gives fewer, broader groups. 0.4–0.5 gave
    /// the purest themes on `bench/consultation` (0.1, the paper's, splits each theme in three).
    public var beta = 0.5
    /// Passes of sampling, then at most `settlingPasses` of settling (each opinion to its likeliest
    /// group; they stop early once none moves).
    public var samplingPasses = 30
    public var settlingPasses = 5
    /// Chains sampled from different seeds; the most probable grouping is kept.
    public var chains = 4
    public var seed: UInt64 = 0x5E_A4_C0_15

    public init() {}

    /// The group of each opinion in `docs` (indexes into `terms`, each a set of vocabulary indexes),
    /// from `groups` at most; by doc index (docs outside `docs` get 0), groups numbered from 0 without
    /// gaps, in the order of their first opinion.
    func assign(_ terms: [[Int32]], among docs: [Int], vocabularySize: Int, groups: Int) -> [Int] {
        precondition(alpha > 0 && beta > 0, "the mixture's alpha and beta must be positive")
        guard !docs.isEmpty, groups > 0, vocabularySize > 0 else { return [Int](repeating: 0, count: terms.count) }
        var best: (assignment: [Int], probability: Double)?
        for chain in 0..<max(1, chains) {
            var state = Chain(terms: terms, docs: docs, groups: groups, vocabularySize: vocabularySize, model: self)
            state.sample(seed: seed &+ UInt64(chain))
            state.mergeWhileMoreProbable()
            let probability = state.logProbability()
            if best == nil || probability > best!.probability { best = (state.assignment, probability) }
        }
        var renumber: [Int: Int] = [:]
        var groupOf = [Int](repeating: 0, count: terms.count)
        for doc in docs {
            let group = best!.assignment[doc]
            if renumber[group] == nil { renumber[group] = renumber.count }
            groupOf[doc] = renumber[group]!
        }
        return groupOf
    }

    /// One chain's counts: opinions and words in each group, and each word's opinions in each group.
    struct Chain {
        let terms: [[Int32]]
        let docs: [Int]
        let k: Int
        let v: Int
        let model: ThemeMixture
        var assignment: [Int]
        var docsIn: [Int]
        var wordsIn: [Int]
        /// `wordCount[group * v + word]`: the group's opinions using the word.
        var wordCount: [Int32]

        init(terms: [[Int32]], docs: [Int], groups: Int, vocabularySize: Int, model: ThemeMixture) {
            self.terms = terms
            self.docs = docs
            k = groups
            v = vocabularySize
            self.model = model
            assignment = [Int](repeating: 0, count: terms.count)
            docsIn = [Int](repeating: 0, count: groups)
            wordsIn = [Int](repeating: 0, count: groups)
            wordCount = [Int32](repeating: 0, count: groups * vocabularySize)
        }

        mutating func move(_ doc: Int, to group: Int, by step: Int) {
            docsIn[group] += step
            wordsIn[group] += step * terms[doc].count
            let base = group * v
            for term in terms[doc] { wordCount[base + Int(term)] += Int32(step) }
        }

        mutating func sample(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            for doc in docs {
                assignment[doc] = Int(random.next() % UInt64(k))
                move(doc, to: assignment[doc], by: 1)
            }
            let (alpha, beta) = (model.alpha, model.beta)
            // log(n + β) for every count n a word can have in a group.
            let logCount = (0...docs.count).map { log(Double($0) + beta) }
            let vBeta = Double(v) * beta
            var odds = [Double](repeating: 0, count: k)
            for pass in 0..<(model.samplingPasses + model.settlingPasses) {
                // The last passes take each opinion's likeliest group instead of drawing one, so the
                // draws' noise does not stay in the grouping.
                let settling = pass >= model.samplingPasses
                var moved = false
                for doc in docs {
                    let old = assignment[doc], words = terms[doc]
                    move(doc, to: old, by: -1)
                    var highest = -Double.infinity
                    for group in 0..<k {
                        // An empty group stays possible (a new theme), weighed by alpha alone.
                        var score = log(Double(docsIn[group]) + alpha)
                        let base = group * v
                        for term in words { score += logCount[Int(wordCount[base + Int(term)])] }
                        let total = Double(wordsIn[group]) + vBeta
                        score -= logGamma(total + Double(words.count)) - logGamma(total)
                        odds[group] = score
                        highest = max(highest, score)
                    }
                    var chosen = 0
                    if settling {
                        for group in 1..<k where odds[group] > odds[chosen] { chosen = group }
                    } else {
                        var sum = 0.0
                        for group in 0..<k {
                            odds[group] = exp(odds[group] - highest)
                            sum += odds[group]
                        }
                        var target = random.nextUnit() * sum
                        chosen = k - 1
                        for group in 0..<k {
                            target -= odds[group]
                            if target <= 0 {
                                chosen = group
                                break
                            }
                        }
                    }
                    if chosen != old { moved = true }
                    assignment[doc] = chosen
                    move(doc, to: chosen, by: 1)
                }
                if settling, !moved { break }
            }
        }

        /// A group's share of the log-probability, from its opinions `m`, its words `n` and each word's
        /// count in it.
        func groupTerm(docs m: Int, words n: Int, counts: (Int) -> Int32) -> Double {
            let (alpha, beta) = (model.alpha, model.beta)
            let vBeta = Double(v) * beta
            var sum = logGamma(Double(m) + alpha) - logGamma(alpha) - (logGamma(Double(n) + vBeta) - logGamma(vBeta))
            for word in 0..<v {
                let count = counts(word)
                if count > 0 { sum += logGamma(Double(count) + beta) - logGamma(beta) }
            }
            return sum
        }

        /// Merges the two groups whose union the model finds most probable, while any union is more
        /// probable than the two apart. Sampling moves one opinion at a time, so a theme that settled as
        /// two groups of similar size stays split: taking either group's opinions one by one into the
        /// other is improbable at every step, though the whole move is not.
        mutating func mergeWhileMoreProbable() {
            while true {
                let alive = (0..<k).filter { docsIn[$0] > 0 }
                var own = [Double](repeating: 0, count: k)
                for a in alive { own[a] = groupTerm(docs: docsIn[a], words: wordsIn[a]) { wordCount[a * v + $0] } }
                var best: (Int, Int, Double)?
                for (i, a) in alive.enumerated() {
                    for b in alive[(i + 1)...] {
                        let separate = own[a] + own[b]
                        let together = groupTerm(docs: docsIn[a] + docsIn[b], words: wordsIn[a] + wordsIn[b]) {
                            wordCount[a * v + $0] + wordCount[b * v + $0]
                        }
                        let gain = together - separate
                        if gain > 0, best == nil || gain > best!.2 { best = (a, b, gain) }
                    }
                }
                guard let (a, b, _) = best else { return }
                for doc in docs where assignment[doc] == b {
                    move(doc, to: b, by: -1)
                    assignment[doc] = a
                    move(doc, to: a, by: 1)
                }
            }
        }

        /// The log-probability of the opinions and this grouping under the model (terms that are
        /// the same for every grouping left out).
        func logProbability() -> Double {
            (0..<k).filter { docsIn[$0] > 0 }.reduce(0) { sum, group in
                sum + groupTerm(docs: docsIn[group], words: wordsIn[group]) { wordCount[group * v + $0] }
            }
        }
    }
}

/// ln Γ(x), by glibc's reentrant variant: `lgamma` itself sets a process-wide sign variable, which
/// groupings running at once would race on.
private func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}
