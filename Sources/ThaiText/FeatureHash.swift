/// Stable 64-bit hashes of tokens and token pairs, the keys of a model's features.
///
/// Models store these hashes, so the function may never change without bumping
/// `FeatureSettings.hashVersion`. 64 bits make collisions among a few hundred thousand
/// features vanishingly rare.
public enum FeatureHash {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a over UTF-16 code units.
    @inline(__always)
    public static func hash(_ units: UnsafeBufferPointer<UInt16>, _ range: Range<Int>, seed: UInt64 = 0) -> UInt64 {
        var hash = offsetBasis ^ seed
        for index in range {
            hash = (hash ^ UInt64(units[index])) &* prime
        }
        return hash
    }

    /// The hash of a string's UTF-16 form, equal to `hash(_:_:)` over the same units.
    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var hash = start(seed: seed)
        for unit in text.utf16 { hash = add(unit, to: hash) }
        return hash
    }

    /// The hash of nothing yet, for hashing units one at a time (`add`) without building a string.
    @inline(__always)
    public static func start(seed: UInt64 = 0) -> UInt64 { offsetBasis ^ seed }

    /// `hash` with one more UTF-16 unit.
    @inline(__always)
    public static func add(_ unit: UInt16, to hash: UInt64) -> UInt64 { (hash ^ UInt64(unit)) &* prime }

    /// An order-sensitive combination of two hashes (for bigrams), well mixed (SplitMix64's finaliser).
    @inline(__always)
    public static func combine(_ first: UInt64, _ second: UInt64) -> UInt64 {
        var z = (first &* 0x9E37_79B9_7F4A_7C15) ^ (second &+ 0x6A09_E667_F3BC_C909)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
