import Synchronization

/// The facts of every case, kept in memory and current, for statistics queries to scan.
///
/// Queries take a snapshot (a copy of the columns, which shares their storage) and scan it without
/// holding any lock (`read`). Changes are posted as they commit and applied in batches: when a
/// question begins reading with no other reader, and by `applyUnlessRead()` (the service calls it
/// every second, and when the change feed brings some), which waits while a question reads. A change
/// applied while a reader shares the columns copies every column it writes (0.9 GB at ten million
/// cases), so they are applied in place between questions. A filing pays only for appending to a list.
/// `replace(with:)` installs a full reload from the database, which the service does at start and
/// when changes may have gone unseen.
public final class LiveStatistics: Sendable {
    private struct State {
        var columns = FactColumns()
        /// Reloads under way, and the facts applied since the first began (to apply again over the
        /// reload, whose snapshot may predate them).
        var reloads = 0
        var appliedDuringReload: [CaseFacts] = []
        /// Questions reading the columns now (`read`), and since when changes have waited for them.
        var readers = 0
        var heldBackSince: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let pending = Mutex<[CaseFacts]>([])

    public init(columns: FactColumns = FactColumns()) {
        state.withLock { $0.columns = columns }
    }

    /// Runs `body` over the current facts. While it runs, `applyUnlessRead` holds changes back: a change
    /// applied while a reader shares the columns copies every column it writes (0.9 GB at ten million
    /// cases, for one case closed during a question).
    public func read<T>(_ body: (FactColumns) throws -> T) rethrows -> T {
        let columns = state.withLock { state in
            // Between questions nobody shares the columns: what waits is applied in place.
            if state.readers == 0 { _ = Self.applyPending(to: &state, from: pending) }
            state.readers += 1
            return state.columns
        }
        defer { state.withLock { $0.readers -= 1 } }
        return try body(columns)
    }

    /// `apply()`, unless a question is reading the facts (`read`) and changes have waited less than
    /// `patience`: then they wait for the next call (the upkeep calls every second), so that applying
    /// them does not copy the columns the question shares. Returns how many were applied.
    @discardableResult
    public func applyUnlessRead(patience: Duration = .seconds(5)) -> Int {
        let now = ContinuousClock.now
        // One lock for the decision and the applying, so no question begins reading in between.
        // Lock order as in `apply`: state, then pending.
        return state.withLock { state in
            // The patience runs from when changes first waited, not from when reading began.
            if state.readers > 0, pending.withLock({ !$0.isEmpty }) {
                let since = state.heldBackSince ?? now
                state.heldBackSince = since
                if now - since < patience { return 0 }
            }
            return Self.applyPending(to: &state, from: pending)
        }
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
        state.withLock { Self.applyPending(to: &$0, from: pending) }
    }

    private static func applyPending(to state: inout State, from pending: borrowing Mutex<[CaseFacts]>) -> Int {
        let batch = pending.withLock { pending -> [CaseFacts] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        state.heldBackSince = nil
        guard !batch.isEmpty else { return 0 }
        for facts in batch { state.columns.upsert(facts) }
        if state.reloads > 0 { state.appliedDuringReload.append(contentsOf: batch) }
        return batch.count
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
    /// The caller's `columns` are left empty: shared with it, the changes re-applied would copy them.
    public func replace(with columns: inout FactColumns) {
        state.withLock { state in
            state.columns = columns
            columns = FactColumns()
            for facts in state.appliedDuringReload { state.columns.upsert(facts) }
            state.reloads = max(0, state.reloads - 1)
            if state.reloads == 0 { state.appliedDuringReload = [] }
        }
        apply()
    }
}
