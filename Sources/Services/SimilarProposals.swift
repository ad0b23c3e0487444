public import Domain
public import Store

/// "Similar proposals" shown before a citizen posts, so they can support one instead: the published
/// proposals sharing the most content words (ICU segmentation, stop words left out) with the draft.
/// A plain word overlap, kept behind this one type so a better engine can replace it.
public struct SimilarProposals: Sendable {
    let analyzer: TextAnalyzer
    let store: ProposalStore

    public init(analyzer: TextAnalyzer, store: ProposalStore) {
        self.analyzer = analyzer
        self.store = store
    }

    /// The words a proposal is indexed by (stored with it) and a draft is compared by.
    public func words(title: String, text: String) -> [String] {
        Array(analyzer.contentWords(title + "\n" + text).prefix(200))
    }

    /// Up to `limit` public proposals like the draft, most shared words first; a proposal sharing fewer
    /// than two words (or a third of a short draft's) is not "similar".
    public func find(title: String, text: String, limit: Int = 5) async throws -> [ProposalRecord] {
        let words = words(title: title, text: text)
        guard !words.isEmpty else { return [] }
        let needed = min(2, max(1, words.count / 3))
        return try await store.similar(words: words, limit: limit).filter { $0.shared >= needed }.map(\.record)
    }
}
