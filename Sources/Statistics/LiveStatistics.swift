import Synchronization

/// The facts of every case, kept in memory and current, for statistics queries to scan.
///
/// Queries take a snapshot (a copy of the columns, which shares their storage) and scan it
/// without holding any lock. Changes are posted as they commit and applied in batches by
/// `apply()` (the service calls it every second), so a filing pays only for appending to a
/// list. `replace(with:)` installs a full reload from the database, which the service does at
/// start and periodically, to pick up changes other processes made.
public final class LiveStatistics: Sendable {
    private struct State {
        var columns = FactColumns()
        var version = 0
    }

    private let state = Mutex(State())
    private let pending = Mutex<[CaseFacts]>([])

    public init(columns: FactColumns = FactColumns()) {
        state.withLock { $0.columns = columns }
    }

    /// The current facts and their version (which changes whenever they do).
    public func snapshot() -> (columns: FactColumns, version: Int) {
        state.withLock { ($0.columns, $0.version) }
    }

    /// Records a case's new facts; they count from the next `apply()`.
    public func post(_ facts: CaseFacts) {
        pending.withLock { $0.append(facts) }
    }

    /// Applies the posted facts; returns how many.
    @discardableResult
    public func apply() -> Int {
        let batch = pending.withLock { pending -> [CaseFacts] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return 0 }
        state.withLock { state in
            for facts in batch { state.columns.upsert(facts) }
            state.version += 1
        }
        return batch.count
    }

    /// Installs a complete reload, then re-applies what was posted meanwhile (it may be newer).
    public func replace(with columns: FactColumns) {
        state.withLock { state in
            state.columns = columns
            state.version += 1
        }
        apply()
    }
}
