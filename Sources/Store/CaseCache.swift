import Crypto
import Domain
import Foundation
import Synchronization

/// A short-lived cache of cases as tracking reads them (record, timeline, secret hash).
///
/// Citizens and their apps poll their cases; a read that finds a fresh entry skips the
/// database. Entries live `lifetime` at most, and every change this process makes to a case
/// (filing, actions, closing) replaces or drops its entry after the change commits, so a
/// single Siang never serves a stale case; with several Siang processes, the change feed drops the
/// entries of cases another one changed (`CaseChangeFeed`), so one may see another's change a few
/// milliseconds late (up to `lifetime` while the feed is down). A lifetime of zero turns the cache off.
final class CaseCache: Sendable {
    struct Entry: Sendable {
        var record: CaseRecord
        var events: [CaseEvent]
        var secretHash: [UInt8]
        var expires: ContinuousClock.Instant
    }

    /// The entries, and what was dropped lately: a read that began before a drop must not store the
    /// case as it was then, after the drop (it would serve the old case for a whole lifetime).
    private struct State {
        var entries: [String: Entry] = [:]
        /// Counts drops; a read notes it before it starts (`generation`).
        var generation: UInt64 = 0
        /// Codes dropped within the last lifetime, with the generation of their drop.
        var dropped: [String: (generation: UInt64, until: ContinuousClock.Instant)] = [:]
        /// The generation of the last `dropAll`.
        var droppedAll: UInt64 = 0
    }

    private let state = Mutex(State())
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var isEnabled: Bool { lifetime > .zero }

    /// The fresh entry for `code`, if any.
    func entry(_ code: String) -> Entry? {
        guard isEnabled else { return nil }
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[code] else { return nil }
            if entry.expires < now {
                state.entries[code] = nil
                return nil
            }
            return entry
        }
    }

    /// Taken before reading a case from the database, and handed to `store` with what was read.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps a case as read by a read that began at `generation`, unless it was dropped since.
    func store(_ record: CaseRecord, events: [CaseEvent], secretHash: [UInt8], readAt generation: UInt64) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        let entry = Entry(record: record, events: events, secretHash: secretHash, expires: now + lifetime)
        state.withLock { state in
            if generation < state.droppedAll { return }
            if let drop = state.dropped[record.code], drop.generation > generation, drop.until >= now { return }
            if state.entries.count >= capacity {
                // Full: drop what has expired, and if that is not enough, everything (it refills).
                state.entries = state.entries.filter { $0.value.expires >= now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[record.code] = entry
        }
    }

    func dropAll() {
        guard isEnabled else { return }
        state.withLock { state in
            state.generation += 1
            state.droppedAll = state.generation
            state.entries.removeAll(keepingCapacity: true)
            state.dropped.removeAll(keepingCapacity: true)
        }
    }

    func drop(_ codes: some Sequence<String>) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            state.generation += 1
            if state.dropped.count >= capacity { state.dropped = state.dropped.filter { $0.value.until >= now } }
            for code in codes {
                state.entries[code] = nil
                // Past capacity a read begun before this drop may store its case: the feed's next
                // change or the lifetime corrects it, as before this bookkeeping.
                if state.dropped.count < capacity { state.dropped[code] = (state.generation, now + lifetime) }
            }
        }
    }

    /// Whether `secret` is the one whose hash is `hash` (constant time in the hash).
    static func matches(_ secret: String?, hash: [UInt8]) -> Bool {
        guard let secret else { return false }
        let digest = Array(SHA256.hash(data: Data(secret.utf8)))
        guard digest.count == hash.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(digest, hash) { difference |= left ^ right }
        return difference == 0
    }
}
