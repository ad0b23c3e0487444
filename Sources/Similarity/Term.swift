/// One feature of a text that similarity compares: a word, a pair of adjacent words, or a
/// character n-gram inside a Thai word.
public struct Term: Sendable, Hashable {
    /// What a term is made of.
    public enum Kind: Sendable, Hashable {
        case word, bigram, characters
    }

    /// The term's key (`FeatureHash` of its normalised text, seeded by kind), what vectors hold.
    public var hash: UInt64
    public var kind: Kind
    /// The normalised text (a pair as "word word"), shown as the words two texts share; empty for
    /// character n-grams, which are never shown.
    public var text: String
    /// Whether the term names a place (a soi, a market, a number) rather than the problem.
    public var isPlace: Bool

    public init(hash: UInt64, kind: Kind, text: String, isPlace: Bool = false) {
        self.hash = hash
        self.kind = kind
        self.text = text
        self.isPlace = isPlace
    }
}
