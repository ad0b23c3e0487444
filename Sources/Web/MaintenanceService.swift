import Domain
import Foundation
import Logging
import ServiceLifecycle
import Services
import Statistics
import Store

/// Background upkeep, run in the application's service group, never inside a request: closes
/// resolved cases whose appeal window has passed and forgets old idempotency keys.
struct MaintenanceService: Service {
    let cases: CaseStore
    let rules: ServiceRules
    let clock: @Sendable () -> Date
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            await runOnce()
            // The wait ends early when the service group shuts down, so shutdown never waits an interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func runOnce() async {
        let now = clock()
        do {
            var closed = 0
            while true {
                let batch = try await cases.closeResolved(before: now.addingTimeInterval(-rules.lifecycle.reopenWindow), at: now)
                closed += batch
                if batch == 0 { break }
            }
            let purged = try await cases.purgeIdempotencyKeys(before: now.addingTimeInterval(-rules.idempotencyRetention))
            if closed + purged > 0 {
                logger.info("maintenance", metadata: ["closed": "\(closed)", "idempotency_keys_purged": "\(purged)"])
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
