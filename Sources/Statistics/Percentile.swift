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
        let median = continuous(0.5, of: &values)
        let half = Int((0.5 * Double(values.count - 1)).rounded(.down)) + 1
        guard half < values.count else { return (median, median) }
        // Ranks are shifted by `half` in the upper part; percentile_cont's position stays the same.
        var upper = UnsafeMutableBufferPointer(rebasing: values[half...])
        let position = 0.9 * Double(values.count - 1) - Double(half)
        guard position >= 0 else { return (median, continuous(0.9, of: &values)) }
        return (median, interpolated(at: position, in: &upper))
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
