/// A fixed map from 64-bit keys to 32-bit values, built once and then only read.
///
/// Lookups are on the hot path of classification (a few hundred per text), where
/// `Dictionary`'s seeded SipHash costs more than the rest of the work. The keys here are
/// already well-mixed hashes, so open addressing with linear probing and a cheap
/// multiplicative index is enough.
public struct FrozenHashTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var occupied: [Bool]
    private let mask: Int
    public let count: Int

    /// Builds a table of `pairs`; a later pair with a repeated key wins.
    public init<Pairs: Sequence>(_ pairs: Pairs, expectedCount: Int) where Pairs.Element == (UInt64, Int32) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        mask = capacity - 1
        var count = 0
        for (key, value) in pairs {
            var slot = Self.slot(key, mask)
            while occupied[slot], keys[slot] != key { slot = (slot + 1) & mask }
            if !occupied[slot] { count += 1 }
            occupied[slot] = true
            keys[slot] = key
            values[slot] = value
        }
        self.count = count
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value stored for `key`, if any.
    @inline(__always)
    public subscript(key: UInt64) -> Int32? {
        var slot = Self.slot(key, mask)
        while occupied[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
