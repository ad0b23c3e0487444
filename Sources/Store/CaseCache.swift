import Crypto
import Domain
import Foundation
import Synchronization

/// A short-lived cache of cases as tracking reads them (record, timeline, secret hash).
///
/// Citizens and their apps poll their cases; a read that finds a fresh entry skips the
/// database. Entries live `lifetime` at most, and every change this process makes to a case
/// (filing, actions, closing) replaces or drops its entry after the change commits, so a
/// single Siang never serves a stale case; with several Siang processes, one may see another's
/// change up to `lifetime` late. A lifetime of zero turns the cache off.
final class CaseCache: Sendable {
    struct Entry: Sendable {
        var record: CaseRecord
        var events: [CaseEvent]
        var secretHash: [UInt8]
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
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
        return entries.withLock { entries in
            guard let entry = entries[code] else { return nil }
            if entry.expires < now {
                entries[code] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ record: CaseRecord, events: [CaseEvent], secretHash: [UInt8]) {
        guard isEnabled else { return }
        let entry = Entry(record: record, events: events, secretHash: secretHash, expires: .now + lifetime)
        entries.withLock { entries in
            if entries.count >= capacity {
                // Full: drop what has expired, and if that is not enough, everything (it refills).
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expires >= now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[record.code] = entry
        }
    }

    func drop(_ codes: some Sequence<String>) {
        guard isEnabled else { return }
        entries.withLock { entries in
            for code in codes { entries[code] = nil }
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
