import Foundation
import Logging
import ServiceLifecycle
import Services
import Statistics

/// Runs `CaseUpkeep` in the application's service group every `interval`, never inside a request.
struct MaintenanceService: Service {
    let upkeep: CaseUpkeep
    let interval: Duration
    let logger: Logger
    /// Expires proposals whose support period ended, and erases proposers' contacts past retention.
    var proposals: ProposalService? = nil

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
        do {
            let round = try await upkeep.runOnce(purgingContacts: purgingContacts)
            if !round.isEmpty {
                logger.info(
                    "maintenance",
                    metadata: [
                        "closed": "\(round.closed)", "idempotency_keys_purged": "\(round.idempotencyKeysPurged)",
                        "contacts_erased": "\(round.contactsErased)", "line_drafts_dropped": "\(round.lineDraftsDropped)",
                    ])
            }
        } catch {
            logger.warning("maintenance failed; will retry", metadata: ["error": "\(error)"])
        }
        guard let proposals else { return }
        do {
            let round = try await proposals.upkeep(purgingContacts: purgingContacts)
            if round.expired + round.contactsErased > 0 {
                logger.info(
                    "proposal maintenance",
                    metadata: ["expired": "\(round.expired)", "contacts_erased": "\(round.contactsErased)"])
            }
        } catch {
            logger.warning("proposal maintenance failed; will retry", metadata: ["error": "\(error)"])
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

/// Sends the outbox's messages as they become due (`NotificationDelivery`): round after round
/// while there is work, else every `interval`.
struct DeliveryService: Service {
    let delivery: NotificationDelivery
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            var busy = false
            do {
                let round = try await delivery.deliverDue()
                busy = round.total > 0
                if round.retried + round.dead > 0 {
                    logger.notice(
                        "notifications not delivered",
                        metadata: ["sent": "\(round.sent)", "retrying": "\(round.retried)", "dead": "\(round.dead)"])
                }
            } catch {
                logger.warning("notification delivery failed; will retry", metadata: ["error": "\(error)"])
            }
            if !busy { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } }
        }
    }
}
