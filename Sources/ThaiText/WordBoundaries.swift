/// Where the tokens of one normalised text start and end, as `ThaiTokenizer` splits it.
///
/// Segmenting with ICU is the costliest step of reading a text; the classifier segments every
/// text anyway, so it records the boundaries here and the place finder reads them instead of
/// segmenting the text again. Reuse one value for many texts: `reset` keeps its storage.
public struct WordBoundaries: Sendable {
    private static let start: UInt8 = 1
    private static let end: UInt8 = 2

    /// Per UTF-16 offset (0...count): whether a token starts and/or ends there.
    private var flags: [UInt8] = []

    public init() {}

    /// The boundaries of `text`'s tokens.
    public init(of text: UnsafeBufferPointer<UInt16>, tokenizer: ThaiTokenizer) {
        reset(count: text.count)
        tokenizer.forEachToken(in: text) { range, _, _ in add(range) }
    }

    /// Forgets every boundary, ready for a text of `count` UTF-16 units.
    public mutating func reset(count: Int) {
        flags.removeAll(keepingCapacity: true)
        flags.append(contentsOf: repeatElement(0, count: count + 1))
    }

    /// Records a token's range.
    @inline(__always)
    public mutating func add(_ token: Range<Int>) {
        flags[token.lowerBound] |= Self.start
        flags[token.upperBound] |= Self.end
    }

    /// Whether a token starts at `offset`.
    @inline(__always)
    public func isStart(_ offset: Int) -> Bool {
        offset < flags.count && flags[offset] & Self.start != 0
    }

    /// Whether a token ends at `offset`.
    @inline(__always)
    public func isEnd(_ offset: Int) -> Bool {
        offset < flags.count && flags[offset] & Self.end != 0
    }
}
