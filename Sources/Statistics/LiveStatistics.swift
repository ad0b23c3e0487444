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
        /// Reloads under way, and the facts applied since the first began (to apply again over the
        /// reload, whose snapshot may predate them).
        var reloads = 0
        var appliedDuringReload: [CaseFacts] = []
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
        // The batch is taken under the state's lock, so two callers (the upkeep's tick and the change
        // feed) apply their batches in the order they were posted, never an older one over a newer.
        // Lock order: state, then pending; `post` takes only pending.
        state.withLock { state in
            let batch = pending.withLock { pending -> [CaseFacts] in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            guard !batch.isEmpty else { return 0 }
            for facts in batch { state.columns.upsert(facts) }
            if state.reloads > 0 { state.appliedDuringReload.append(contentsOf: batch) }
            state.version += 1
            return batch.count
        }
    }

    /// Says a reload is starting: what is applied from now on is applied again over it by `replace(with:)`.
    public func beginReload() {
        state.withLock { $0.reloads += 1 }
    }

    /// Says a reload begun with `beginReload()` failed.
    public func abandonReload() {
        state.withLock { state in
            state.reloads = max(0, state.reloads - 1)
            if state.reloads == 0 { state.appliedDuringReload = [] }
        }
    }

    /// Installs a complete reload, then re-applies what was applied and posted since it began (it
    /// may be newer than the reload's snapshot).
    public func replace(with columns: FactColumns) {
        state.withLock { state in
            state.columns = columns
            for facts in state.appliedDuringReload { state.columns.upsert(facts) }
            state.reloads = max(0, state.reloads - 1)
            if state.reloads == 0 { state.appliedDuringReload = [] }
            state.version += 1
        }
        apply()
    }
}
