import Dispatch
import Foundation

/// The matching rows of a question cut into contiguous chunks, counted at once on Dispatch's threads,
/// one per core: a question over a few rows stays one chunk on the caller's thread.
struct Chunks: Sendable {
    /// Rows below this stay in one chunk: starting workers costs more than they would save.
    static let rowsPerChunk = 250_000
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    let ranges: [Range<Int>]

    /// Each chunk has its own counters for every group (`bytesPerGroup`): chunks are as many as fit in
    /// this budget, one past it (a question by day and agency has hundreds of thousands of groups).
    static let counterBudget = 16 << 20

    init(count: Int, groups: Int, bytesPerGroup: Int, rowsPerChunk: Int = Chunks.rowsPerChunk, cores: Int = Chunks.cores) {
        let affordable = Self.counterBudget / max(1, groups * bytesPerGroup)
        let chunks = max(1, min(cores, count / max(1, rowsPerChunk), affordable))
        // Balanced bounds: sizes differ by one row at most, and none is empty unless there are no rows.
        ranges = (0..<chunks).map { chunk in (chunk * count / chunks)..<((chunk + 1) * count / chunks) }
    }

    var count: Int { ranges.count }

    /// Runs `body` for every chunk, at once when there are several, and returns when all are done.
    func forEach(_ body: @Sendable (Int, Range<Int>) -> Void) {
        if ranges.count == 1 {
            body(0, ranges[0])
            return
        }
        let ranges = self.ranges
        DispatchQueue.concurrentPerform(iterations: ranges.count) { chunk in body(chunk, ranges[chunk]) }
    }
}

/// Pointers (or anything else) handed to `Chunks.forEach`'s workers, which write disjoint parts of
/// them and are all done before the caller goes on.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
