import Synchronization

/// Token buckets by key (a client address, a tracking code, a staff token): each holds up to `capacity`
/// tokens and regains `perSecond` of them a second. A key is remembered only while its bucket is not
/// full, so memory follows the clients active lately, not all ever seen: a full bucket is forgotten when
/// its key is next touched, and a sweep at most every `sweepInterval` forgets those refilled since.
/// Past `maximumKeys`, the buckets owing least are forgotten first, so a flood of new keys costs memory
/// once and never wipes out what the busiest clients owe.
final class TokenBuckets: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    let capacity: Double
    let perSecond: Double
    let maximumKeys: Int
    let sweepInterval: Duration
    private let state = Mutex(State(lastSweep: .now))

    /// `capacity` tokens, all regained every `period`.
    convenience init(capacity: Int, per period: Duration, maximumKeys: Int = 50_000) {
        self.init(capacity: capacity, perSecond: Double(capacity) / max(Self.seconds(period), 1e-9), maximumKeys: maximumKeys)
    }

    /// A burst of `capacity` tokens, regained at `perSecond`.
    init(capacity: Int, perSecond: Double, maximumKeys: Int = 50_000, sweepInterval: Duration = .seconds(60)) {
        self.capacity = Double(max(capacity, 1))
        self.perSecond = max(perSecond, 1e-9)
        self.maximumKeys = max(maximumKeys, 1)
        self.sweepInterval = sweepInterval
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// How many keys are remembered now (tests of the memory bound).
    var count: Int { state.withLock { $0.buckets.count } }

    /// `bucket` refilled up to `now`.
    private func refilled(_ bucket: Bucket?, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket else { return Bucket(tokens: capacity, updated: now) }
        bucket.tokens = min(capacity, bucket.tokens + max(0, Self.seconds(now - bucket.updated)) * perSecond)
        bucket.updated = now
        return bucket
    }

    private func save(_ bucket: Bucket, for key: String, now: ContinuousClock.Instant, in state: inout State) {
        if bucket.tokens >= capacity {
            state.buckets[key] = nil
            return
        }
        if now - state.lastSweep >= sweepInterval {
            state.lastSweep = now
            state.buckets = state.buckets.filter { refilled($0.value, now: now).tokens < capacity }
        }
        if state.buckets[key] == nil, state.buckets.count >= maximumKeys {
            // Forget the quarter owing least (those closest to full, or refilled by now).
            let owing = state.buckets.map { ($0.key, refilled($0.value, now: now).tokens) }.sorted { $0.1 < $1.1 }
            state.buckets = Dictionary(
                uniqueKeysWithValues: owing.prefix(maximumKeys * 3 / 4).filter { $0.1 < capacity }.map { ($0.0, state.buckets[$0.0]!) })
        }
        state.buckets[key] = bucket
    }

    /// Takes a token if there is one; returns whether there was.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            var bucket = refilled(state.buckets[key], now: now)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            save(bucket, for: key, now: now, in: &state)
            return true
        }
    }

    /// Takes a token if there is one; else says in how many seconds there will be (one lock, for the hot path).
    func takeOrWait(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            var bucket = refilled(state.buckets[key], now: now)
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
            bucket.tokens -= 1
            save(bucket, for: key, now: now, in: &state)
            return nil
        }
    }

    /// Gives back a token taken for something that turned out not to count.
    func refund(_ key: String, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            var bucket = refilled(state.buckets[key], now: now)
            bucket.tokens = min(capacity, bucket.tokens + 1)
            save(bucket, for: key, now: now, in: &state)
        }
    }

    /// Seconds until the key has a token again (0 when it has one now).
    func secondsUntilToken(_ key: String, now: ContinuousClock.Instant = .now) -> Int {
        state.withLock { state in
            let bucket = refilled(state.buckets[key], now: now)
            return bucket.tokens >= 1 ? 0 : max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Whether the key's bucket is full: nothing was taken from it lately.
    func isFull(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in refilled(state.buckets[key], now: now).tokens >= capacity - 1e-9 }
    }

    /// Whether the key's bucket has at least one token.
    func hasToken(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in refilled(state.buckets[key], now: now).tokens >= 1 }
    }
}
