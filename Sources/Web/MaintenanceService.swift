import Domain
import Foundation
import Logging
import ServiceLifecycle
import Services
import Statistics
import Store

/// Background upkeep, run in the application's service group, never inside a request: closes
/// resolved cases whose appeal window has passed, forgets old idempotency keys, and erases the
/// contact details of cases finished longer ago than their retention period.
struct MaintenanceService: Service {
    let cases: CaseStore
    let rules: ServiceRules
    let clock: @Sendable () -> Date
    let interval: Duration
    let logger: Logger

    /// How often contact details past their retention are looked for: they are kept for years,
    /// so an hour late is nothing, and the search reads every contact still held.
    static let contactPurgeInterval: Duration = .seconds(3600)

    func run() async throws {
        var nextContactPurge = ContinuousClock.now
        while !Task.isCancelledOrShuttingDown {
            let purgeContacts = ContinuousClock.now >= nextContactPurge
            await runOnce(purgingContacts: purgeContacts)
            if purgeContacts { nextContactPurge = .now + Self.contactPurgeInterval }
            // The wait ends early when the service group shuts down, so shutdown never waits an interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One round of upkeep; contact details are erased only when `purgingContacts`.
    func runOnce(purgingContacts: Bool = true) async {
        let now = clock()
        do {
            var closed = 0
            while true {
                let batch = try await cases.closeResolved(before: now.addingTimeInterval(-rules.lifecycle.reopenWindow), at: now)
                closed += batch
                if batch == 0 { break }
            }
            let purged = try await cases.purgeIdempotencyKeys(before: now.addingTimeInterval(-rules.idempotencyRetention))
            var erased = 0
            if purgingContacts, let retention = rules.contactRetention {
                while true {
                    let cutoff = now.addingTimeInterval(-retention)
                    let batch = try await cases.purgeContacts(finishedBefore: cutoff, at: now)
                    erased += batch
                    if batch == 0 { break }
                }
            }
            if closed + purged + erased > 0 {
                logger.info(
                    "maintenance",
                    metadata: [
                        "closed": "\(closed)", "idempotency_keys_purged": "\(purged)", "contacts_erased": "\(erased)",
                    ])
            }
        } catch {
            logger.warning("maintenance failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the task was cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool {
        isCancelled || isShuttingDownGracefully
    }
}

/// Keeps the in-memory statistics current: applies the changes posted by requests every
/// second, and reloads every case from the database every `reloadInterval` (to see what other
/// processes changed).
struct StatisticsUpkeep: Service {
    let statistics: StatisticsService
    let reloadInterval: Duration
    let logger: Logger

    func run() async throws {
        var sinceReload = Duration.zero
        while !Task.isCancelledOrShuttingDown {
            statistics.live.apply()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            sinceReload += .seconds(1)
            if sinceReload >= reloadInterval, !Task.isCancelledOrShuttingDown {
                sinceReload = .zero
                do {
                    try await statistics.reload()
                } catch {
                    logger.warning("statistics reload failed; will retry", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
