import Synchronization

/// Answers by key, reused for `lifetime` after they were computed; one computation per key at a
/// time (a caller who comes while it runs waits for it, unless it has run longer than `patience`).
/// A zero lifetime computes every time.
///
/// Why a fixed lifetime rather than "until the facts change": with filings arriving every
/// second the facts always change, and every popular question would be recomputed every second
/// over millions of cases. Published figures at most `lifetime` old are what HTTP caches in
/// front would serve anyway (the answers say `max-age` the same).
public final class TimedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Entry {
        var created: ContinuousClock.Instant
        /// When the computation ended; nil while it runs.
        var finished: ContinuousClock.Instant?
        var task: Task<Value, any Error>

        /// Whether callers should take this entry's answer: it ended less than `lifetime` ago (or, with a
        /// `busyShare`, less than its computation's time divided by that share), or its computation still
        /// runs (a second one would only repeat it) and has not run for longer than `patience` (one that
        /// hangs must not hold every caller for good).
        func isFresh(at now: ContinuousClock.Instant, lifetime: Duration, patience: Duration, busyShare: Double?) -> Bool {
            if let finished {
                let spaced = busyShare.map { (finished - created) * (1 / $0) } ?? .zero
                return now - finished < max(lifetime, spaced)
            }
            return now - created < patience
        }
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// With `keepsLast`, the last value computed for each key however old (for `recent` and `latest`),
    /// with when its computation started: a computation started earlier never replaces it.
    private let lastValues = Mutex<[Key: (value: Value, started: ContinuousClock.Instant)]>([:])
    /// Whether the last values are kept; off for caches of many keys (every statistics question asked),
    /// where keeping a stale answer for each would only take memory.
    let keepsLast: Bool
    public let lifetime: Duration
    /// How long a computation still running is waited for before a caller starts another.
    let patience: Duration
    let capacity = 500

    /// At most this share of the time is spent computing a key's value: a computation that took a minute
    /// is not started again for ten at a share of 0.1, whatever the lifetime. For figures whose cost grows
    /// with the data (a search per open case), so that asking for them often never keeps a core busy.
    let busyShare: Double?

    /// - Parameter keepsLast: keep each key's last value for `recent` and `latest` (without it they are
    ///   `value` and nothing).
    public init(
        lifetime: Duration = .seconds(10), patience: Duration = .seconds(900), busyShare: Double? = nil,
        keepsLast: Bool = false
    ) {
        self.lifetime = lifetime
        self.patience = patience
        self.busyShare = busyShare.map { min(1, max(0.001, $0)) }
        self.keepsLast = keepsLast
    }

    /// The value for `key`: a recent one, or one computed now.
    public func value(key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard lifetime > .zero else { return try await compute() }
        return try await entry(key, compute: compute).value
    }

    /// The value for `key` without waiting once one was ever computed: the last one, however old, while
    /// a new one is computed in the background when it is no longer recent. Only the first caller (and
    /// those who come while the first computation runs) waits. For figures that read whole tables
    /// (seconds at ten million cases), which a visitor should not wait for every `lifetime`.
    public func recent(key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard lifetime > .zero else { return try await compute() }
        let task = entry(key, compute: compute)
        if let last = lastValues.withLock({ $0[key]?.value }) { return last }
        return try await task.value
    }

    /// The last value computed for `key`, however old, without ever waiting: nil until the first
    /// computation ends. Starts one in the background when the last is no longer recent (for a page that
    /// shows figures which take minutes to compute).
    public func latest(key: Key, compute: @escaping @Sendable () async throws -> Value) -> Value? {
        _ = entry(key, compute: compute)
        return lastValues.withLock { $0[key]?.value }
    }

    /// Starts computing the value for `key` in the background unless a recent one is there or on its
    /// way; returns at once (for a page that shows what was last computed and must not wait). With a
    /// zero lifetime, one computation at a time.
    public func refresh(key: Key, compute: @escaping @Sendable () async throws -> Value) {
        _ = entry(key, compute: compute)
    }

    private func entry(_ key: Key, compute: @escaping @Sendable () async throws -> Value) -> Task<Value, any Error> {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            if let entry = entries[key], entry.isFresh(at: now, lifetime: lifetime, patience: patience, busyShare: busyShare) { return entry.task }
            if entries.count >= capacity {
                entries = entries.filter { $0.value.isFresh(at: now, lifetime: lifetime, patience: patience, busyShare: busyShare) }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            let task = Task { [self] in
                do {
                    let value = try await compute()
                    self.entries.withLock { entries in
                        // The last value first, so that no caller finds this entry finished and the last older.
                        if self.keepsLast {
                            self.lastValues.withLock { last in
                                if let kept = last[key], kept.started > now { return }
                                if last.count >= self.capacity, last[key] == nil { last.removeAll(keepingCapacity: true) }
                                last[key] = (value, now)
                            }
                        }
                        if entries[key]?.created == now { entries[key]?.finished = ContinuousClock.now }
                    }
                    return value
                } catch {
                    // A failure is not remembered: the next caller tries again.
                    self.entries.withLock { entries in
                        if entries[key]?.created == now { entries[key] = nil }
                    }
                    throw error
                }
            }
            entries[key] = Entry(created: now, task: task)
            return task
        }
    }
}
