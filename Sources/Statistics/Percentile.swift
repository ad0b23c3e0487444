/// Exact percentiles of a set of durations, as PostgreSQL's `percentile_cont`.
enum Percentile {
    /// percentile_cont(`fraction`) of `values` (reordered in place), or nil when empty.
    ///
    /// Selection, not sorting: the value at each needed rank is found in linear time.
    static func continuous(_ fraction: Double, of values: inout UnsafeMutableBufferPointer<Int32>) -> Double? {
        guard !values.isEmpty else { return nil }
        return interpolated(at: fraction * Double(values.count - 1), in: &values)
    }

    /// percentile_cont(0.5) and percentile_cont(0.9) of `values` (reordered in place).
    ///
    /// The 90th percentile is selected only among the values above the median, which the first
    /// selection has already put there, so the second costs a fraction of the first.
    static func medianAndP90(of values: inout UnsafeMutableBufferPointer<Int32>) -> (Double?, Double?) {
        guard !values.isEmpty else { return (nil, nil) }
        if values.count >= countingThreshold { return countedMedianAndP90(of: UnsafeBufferPointer(values)) }
        let median = continuous(0.5, of: &values)
        let half = Int((0.5 * Double(values.count - 1)).rounded(.down)) + 1
        guard half < values.count else { return (median, median) }
        // Ranks are shifted by `half` in the upper part; percentile_cont's position stays the same.
        var upper = UnsafeMutableBufferPointer(rebasing: values[half...])
        let position = 0.9 * Double(values.count - 1) - Double(half)
        guard position >= 0 else { return (median, continuous(0.9, of: &values)) }
        return (median, interpolated(at: position, in: &upper))
    }

    /// From this many values on, `countedMedianAndP90` (two counting passes) beats selection, which
    /// moves values about and mispredicts its branches: an all-time question at ten million cases has
    /// three sets of millions of durations.
    static let countingThreshold = 1 << 16

    /// `medianAndP90` by counting instead of selecting: the values at the four ranks that percentile_cont
    /// needs are found by a histogram of the values' high 16 bits, then one of the low 16 bits of the
    /// values in the buckets holding those ranks. Exact, and leaves `values` as they are.
    static func countedMedianAndP90(of values: UnsafeBufferPointer<Int32>) -> (Double?, Double?) {
        guard !values.isEmpty else { return (nil, nil) }
        let last = Double(values.count - 1)
        let positions = [0.5 * last, 0.9 * last]
        var ranks: [Int] = []
        for position in positions {
            let lower = Int(position.rounded(.down))
            ranks.append(lower)
            ranks.append(min(lower + 1, values.count - 1))
        }
        let found = valuesAt(ranks: ranks, in: values)
        let results = positions.enumerated().map { index, position -> Double in
            let low = found[2 * index]
            let high = found[2 * index + 1]
            let fraction = position - position.rounded(.down)
            return fraction > 0 ? Double(low) + fraction * (Double(high) - Double(low)) : Double(low)
        }
        return (results[0], results[1])
    }

    /// The values of ranks `ranks` (0-based, each less than the count, in any order), by two counting passes.
    static func valuesAt(ranks: [Int], in values: UnsafeBufferPointer<Int32>) -> [Int32] {
        // Order-preserving as unsigned: the sign bit flipped.
        @inline(__always) func key(_ value: Int32) -> UInt32 { UInt32(bitPattern: value) ^ 0x8000_0000 }
        // 4-byte counts: the 65,536 of a histogram stay in the core's cache.
        var high = [UInt32](repeating: 0, count: 1 << 16)
        high.withUnsafeMutableBufferPointer { high in
            for value in values { high[Int(key(value) >> 16)] &+= 1 }
        }
        // Each rank's bucket and its rank within the bucket.
        let buckets = ranks.map { rank -> (bucket: Int, rank: Int) in
            var below = 0
            var bucket = 0
            while below + Int(high[bucket]) <= rank {
                below += Int(high[bucket])
                bucket += 1
            }
            return (bucket, rank - below)
        }
        // One more pass counts the low 16 bits of the values in the buckets wanted (at most four).
        let wanted = Array(Set(buckets.map(\.bucket))).sorted()
        var slotOf = [Int8](repeating: -1, count: 1 << 16)
        for (slot, bucket) in wanted.enumerated() { slotOf[bucket] = Int8(slot) }
        var low = [UInt32](repeating: 0, count: wanted.count << 16)
        low.withUnsafeMutableBufferPointer { low in
            slotOf.withUnsafeBufferPointer { slotOf in
                for value in values {
                    let k = key(value)
                    let slot = slotOf[Int(k >> 16)]
                    if slot >= 0 { low[Int(slot) << 16 | Int(k & 0xFFFF)] &+= 1 }
                }
            }
        }
        return buckets.map { bucket, rank in
            let base = wanted.firstIndex(of: bucket)! << 16
            var seen = 0
            var digit = 0
            while seen + Int(low[base + digit]) <= rank {
                seen += Int(low[base + digit])
                digit += 1
            }
            return Int32(bitPattern: (UInt32(bucket) << 16 | UInt32(digit)) ^ 0x8000_0000)
        }
    }

    /// The value at fractional rank `position` (0-based) of `values`, linear between neighbours.
    static func interpolated(at position: Double, in values: inout UnsafeMutableBufferPointer<Int32>) -> Double {
        let lower = Int(position.rounded(.down))
        let low = select(lower, in: &values)
        guard position > Double(lower), lower + 1 < values.count else { return Double(low) }
        // After selecting `lower`, everything above it is in the upper part: the next value is its minimum.
        var high = Int32.max
        for index in (lower + 1)..<values.count where values[index] < high { high = values[index] }
        return Double(low) + (position - Double(lower)) * Double(high - low)
    }

    /// The value of rank `k` (0-based) in ascending order; leaves values below it before and above after.
    static func select(_ k: Int, in values: inout UnsafeMutableBufferPointer<Int32>) -> Int32 {
        var low = 0
        var high = values.count - 1
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while low < high {
            // A pseudo-random pivot: adversarial inputs cannot force quadratic time.
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pivot = values[low + Int((seed >> 33) % UInt64(high - low + 1))]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return values[k]
            }
        }
        return values[k]
    }
}
