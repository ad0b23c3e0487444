public import Domain
public import Logging
public import Store
import Statistics

/// Keeps this process in step with cases filed and changed by any Siang on the same database: it
/// follows `CaseChangeFeed`, re-reads the changed cases from the primary (so live figures are never
/// behind a replica) and hands each to what follows changes here (statistics, the similarity index),
/// and drops their cached tracking reads.
///
/// A process sees its own changes on the feed too (not its filings, which the feed skips: they were
/// applied as they committed); counting a case again is harmless (its facts are replaced, by id).
/// Whenever the feed (re)starts listening (the first load of a start, or after changes went unseen),
/// and only then, the statistics are reloaded whole, in the same sequence as the changes, so a reload
/// never overwrites a newer change read before it.
public final class CaseChangeFollower: Sendable {
    let feed: CaseChangeFeed
    let store: CaseStore
    let statistics: StatisticsService
    let changed: @Sendable (CaseRecord) -> Void
    /// Catches up what follows changes one by one (the similarity index) after changes went unseen.
    let caughtUp: @Sendable () async throws -> Void

    /// Cases re-read per query.
    static let batch = 1000

    init(
        feed: CaseChangeFeed, store: CaseStore, statistics: StatisticsService,
        changed: @escaping @Sendable (CaseRecord) -> Void, caughtUp: @escaping @Sendable () async throws -> Void
    ) {
        self.caughtUp = caughtUp
        self.feed = feed
        self.store = store
        self.statistics = statistics
        self.changed = changed
    }

    private enum Step: Sendable {
        case feed(CaseChangeFeed.Event)
        case retryDue
    }

    /// How long after a failed reload it is tried again if no change comes first.
    static let retryDelay = Duration.seconds(5)

    /// Follows the feed until `stop()`.
    public func run(logger: Logger) async {
        let (steps, input) = AsyncStream.makeStream(of: Step.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [feed] in
                for await event in feed.events { input.yield(.feed(event)) }
                input.finish()
            }
            feed.start()
            var missed = Set<Int64>()
            // A reload that failed (the database away) is tried again with the next change, or in a few
            // seconds if none comes: a quiet service must not stay unready.
            var reloadOwed = false
            func owe(_ owed: Bool) {
                if owed, !reloadOwed {
                    group.addTask {
                        try? await Task.sleep(for: Self.retryDelay)
                        if !Task.isCancelled { input.yield(.retryDue) }
                    }
                }
                reloadOwed = owed
            }
            for await step in steps {
                switch step {
                case .feed(.resync):
                    missed = []
                    store.forgetAllCached()
                    owe(!(await reload(logger: logger, reason: "change feed listening")))
                case .retryDue:
                    if reloadOwed {
                        reloadOwed = false
                        owe(!(await reload(logger: logger, reason: "retry")))
                    }
                case .feed(.lost(let reason)):
                    logger.warning("case change feed lost; reconnecting", metadata: ["error": "\(reason)"])
                case .feed(.changed(let ids)):
                    if reloadOwed {
                        reloadOwed = false
                        owe(!(await reload(logger: logger, reason: "retry")))
                    }
                    // Cases a failed re-read left behind go with the next ones.
                    let wanted = ids.union(missed)
                    do {
                        try await apply(wanted)
                        missed = []
                    } catch {
                        missed = wanted
                        logger.warning(
                            "changed cases could not be re-read; will retry",
                            metadata: ["cases": "\(wanted.count)", "error": "\(error)"])
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Stops following; `run` returns soon after.
    public func stop() {
        feed.stop()
    }

    /// Re-reads the cases `ids` and applies them now.
    func apply(_ ids: Set<Int64>) async throws {
        let ordered = ids.sorted()
        for start in stride(from: 0, to: ordered.count, by: Self.batch) {
            let records = try await store.records(ids: Array(ordered[start..<min(start + Self.batch, ordered.count)]))
            for record in records { changed(record) }
            store.forgetCached(records.map(\.code))
        }
        statistics.live.applyUnlessRead()
    }

    /// Reloads the statistics whole and catches up the rest; whether that worked.
    private func reload(logger: Logger, reason: String) async -> Bool {
        do {
            var metadata = try await statistics.reload().metadata
            try await caughtUp()
            metadata["reason"] = "\(reason)"
            logger.notice("statistics loaded", metadata: metadata)
            return true
        } catch {
            logger.warning("statistics reload failed; will retry", metadata: ["error": "\(error)", "reason": "\(reason)"])
            return false
        }
    }
}
