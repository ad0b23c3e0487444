import Synchronization

/// Token buckets by key (a client address, a tracking code): each holds up to `capacity` tokens and
/// regains `capacity` of them every `period`. A key is remembered only while its bucket is not full;
/// when more than `maximumKeys` are remembered, full ones are forgotten first, so a flood of new keys
/// costs memory once and never wipes out what others owe.
final class TokenBuckets: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let capacity: Double
    let perSecond: Double
    let maximumKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(capacity: Int, per period: Duration, maximumKeys: Int = 50_000) {
        self.capacity = Double(capacity)
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        self.perSecond = Double(capacity) / max(seconds, 1e-9)
        self.maximumKeys = maximumKeys
    }

    /// The key's bucket refilled up to `now` (not saved).
    private func refilled(_ key: String, now: ContinuousClock.Instant, in buckets: [String: Bucket]) -> Bucket {
        guard var bucket = buckets[key] else { return Bucket(tokens: capacity, updated: now) }
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(capacity, bucket.tokens + max(0, seconds) * perSecond)
        bucket.updated = now
        return bucket
    }

    private func save(_ bucket: Bucket, for key: String, now: ContinuousClock.Instant, in buckets: inout [String: Bucket]) {
        if bucket.tokens >= capacity {
            buckets[key] = nil
            return
        }
        if buckets[key] == nil, buckets.count >= maximumKeys {
            buckets = buckets.filter { refilled($0.key, now: now, in: buckets).tokens < capacity }
            if buckets.count >= maximumKeys { buckets.removeAll(keepingCapacity: true) }
        }
        buckets[key] = bucket
    }

    /// Takes a token if there is one; returns whether there was.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            var bucket = refilled(key, now: now, in: buckets)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            save(bucket, for: key, now: now, in: &buckets)
            return true
        }
    }

    /// Gives back a token taken for something that turned out not to count.
    func refund(_ key: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            var bucket = refilled(key, now: now, in: buckets)
            bucket.tokens = min(capacity, bucket.tokens + 1)
            save(bucket, for: key, now: now, in: &buckets)
        }
    }

    /// Seconds until the key has a token again (0 when it has one now).
    func secondsUntilToken(_ key: String, now: ContinuousClock.Instant = .now) -> Int {
        buckets.withLock { buckets in
            let bucket = refilled(key, now: now, in: buckets)
            return bucket.tokens >= 1 ? 0 : max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Whether the key's bucket is full: nothing was taken from it lately.
    func isFull(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in refilled(key, now: now, in: buckets).tokens >= capacity - 1e-9 }
    }
}
