import Testing
@testable import Statistics

@Suite("Exact percentiles")
struct PercentileTests {
    /// percentile_cont as PostgreSQL defines it, computed the slow way: sort, then interpolate.
    func reference(_ fraction: Double, _ values: [Int32]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        guard lower + 1 < sorted.count else { return Double(sorted[lower]) }
        return Double(sorted[lower]) + (position - Double(lower)) * Double(sorted[lower + 1] - sorted[lower])
    }

    @Test("median and 90th percentile by selection equal sorting's, for every size up to 200 and many repeats")
    func matchesSorting() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...200 {
            for spread in [Int32(3), 1_000, 5_000_000] {
                let values = (0..<count).map { _ in Int32.random(in: 0...spread, using: &generator) }
                var copy = values
                let (median, p90) = copy.withUnsafeMutableBufferPointer { buffer in Percentile.medianAndP90(of: &buffer) }
                #expect(median == reference(0.5, values), "median of \(values)")
                #expect(p90 == reference(0.9, values), "p90 of \(values)")
                #expect(copy.sorted() == values.sorted(), "selection only reorders")
            }
        }
    }

    @Test("by counting, the median and 90th percentile equal sorting's, negative and repeated values included")
    func countingMatchesSorting() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 10, 999, Percentile.countingThreshold - 1, Percentile.countingThreshold, 200_001] {
            for range in [Int32(0)...3, 0...1_000, 0...5_000_000, -70_000...70_000, -1_000_000_000...1_000_000_000] {
                let values = (0..<count).map { _ in Int32.random(in: range, using: &generator) }
                let (median, p90) = values.withUnsafeBufferPointer { Percentile.countedMedianAndP90(of: $0) }
                #expect(median == reference(0.5, values), "median of \(count) values in \(range)")
                #expect(p90 == reference(0.9, values), "p90 of \(count) values in \(range)")
            }
        }
        // Every value in one bucket of the high 16 bits, and the two ranks of each percentile in two buckets.
        for values: [Int32] in [Array(repeating: 42, count: 100_000), (0..<100_000).map { Int32($0) * 7 }] {
            let (median, p90) = values.withUnsafeBufferPointer { Percentile.countedMedianAndP90(of: $0) }
            #expect(median == reference(0.5, values) && p90 == reference(0.9, values))
        }
    }

    @Test("known values: one value, two values, PostgreSQL's interpolation")
    func knownValues() {
        func both(_ values: [Int32]) -> (Double?, Double?) {
            var copy = values
            return copy.withUnsafeMutableBufferPointer { Percentile.medianAndP90(of: &$0) }
        }
        #expect(both([]) == (nil, nil))
        #expect(both([7]) == (7, 7))
        #expect(both([10, 20]) == (15, 19))
        // SELECT percentile_cont(array[0.5, 0.9]) WITHIN GROUP (ORDER BY v) FROM unnest('{1,2,3,4,100}') v → {3, 61.6}
        let (median, p90) = both([100, 3, 1, 4, 2])
        #expect(median == 3)
        #expect(abs(p90! - 61.6) < 1e-9)
    }
}
