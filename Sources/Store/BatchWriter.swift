import Postgres
import Synchronization

/// Writes items in batches: items that arrive while a batch is being written wait for the next
/// one, and each batch is written by one `write` call (one statement, one commit, however many
/// items). Each caller still learns the outcome of its own item only after the batch that holds it
/// has committed.
///
/// Why: per statement and per commit PostgreSQL's costs (parsing, planning, locks, WAL flush, round
/// trips) dwarf what one more row costs, so under load many small writes are several times dearer
/// than the same rows in a few statements (`bench/load.sh`, `bench/proposals.sh`).
///
/// A batch that fails as a whole with a `PostgresError` (a reused key, a bad value) is written again
/// item by item, so one item's problem is reported to that item alone; a lost connection or an
/// exhausted pool is every item's outcome.
final class BatchWriter<Item: Sendable, Output: Sendable>: Sendable {
    /// Writes `items` (in one transaction or statement) and returns each item's outcome, in order.
    typealias Write = @Sendable ([Item]) async throws -> [Result<Output, any Error>]

    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var writing = 0
    }

    private let write: Write
    private let maximumBatch: Int
    private let concurrentBatches: Int
    private let state = Mutex(State())

    init(maximumBatch: Int = 64, concurrentBatches: Int = 3, write: @escaping Write) {
        self.maximumBatch = maximumBatch
        self.concurrentBatches = concurrentBatches
        self.write = write
    }

    /// Writes `item` with the next batch; returns its outcome once that batch has committed.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let batch = state.withLock { state -> [Waiting]? in
                state.queue.append(Waiting(item: item, continuation: continuation))
                return takeBatch(&state)
            }
            if let batch { startWriting(batch) }
        }
    }

    /// The next batch to write, if a writer is free (and counts it as writing).
    private func takeBatch(_ state: inout State) -> [Waiting]? {
        guard state.writing < concurrentBatches, !state.queue.isEmpty else { return nil }
        state.writing += 1
        let count = min(maximumBatch, state.queue.count)
        let batch = Array(state.queue.prefix(count))
        state.queue.removeFirst(count)
        return batch
    }

    private func startWriting(_ batch: [Waiting]) {
        Task {
            await run(batch)
            // Items that queued meanwhile form the next batch.
            let next = state.withLock { state -> [Waiting]? in
                state.writing -= 1
                return takeBatch(&state)
            }
            if let next { startWriting(next) }
        }
    }

    private func run(_ batch: [Waiting]) async {
        do {
            let outcomes = try await write(batch.map(\.item))
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
            return
        } catch let error as PostgresError where batch.count > 1 && error.kind != .connectionLost && error.kind != .poolTimeout {
            // Someone's item broke the batch: write each alone so only that one hears of it.
        } catch {
            for waiting in batch { waiting.continuation.resume(throwing: error) }
            return
        }
        for waiting in batch {
            do {
                let outcome = try await write([waiting.item])
                waiting.continuation.resume(with: outcome[0])
            } catch {
                waiting.continuation.resume(throwing: error)
            }
        }
    }
}
