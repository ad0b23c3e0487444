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
/// processes changed) unless that is nil (the change feed reloads them: `CaseChangeService`).
/// With `loadAtStart`, it first loads every case (`SiangServices.loadCases`), retrying every few seconds
/// until that has worked: until then the statistics answer 503 and `/readyz` says so. Once the cases are
/// loaded (by it or by the change feed), it calls `whenLoaded` once.
struct StatisticsUpkeep: Service {
    let statistics: StatisticsService
    var loadAtStart: (@Sendable () async throws -> StatisticsService.Load?)?
    var reloadInterval: Duration?
    /// Starts the figures that read whole tables in SQL (seconds each at ten million cases), so the
    /// statistics page's first visitor finds them ready. After the load, not beside it: they would
    /// slow it down.
    var whenLoaded: (@Sendable () -> Void)?
    let logger: Logger

    init(statistics: StatisticsService, reloadInterval: Duration?, logger: Logger) {
        self.statistics = statistics
        self.reloadInterval = reloadInterval
        self.logger = logger
    }

    func run() async throws {
        while let loadAtStart, !Task.isCancelledOrShuttingDown {
            do {
                if let load = try await loadAtStart() { logger.notice("statistics loaded", metadata: load.metadata) }
                break
            } catch {
                logger.warning("statistics could not be loaded; will retry", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3)) }
            }
        }
        var sinceReload = Duration.zero
        var loaded = false
        while !Task.isCancelledOrShuttingDown {
            if !loaded, statistics.isLoaded {
                loaded = true
                whenLoaded?()
            }
            statistics.live.applyUnlessRead()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            sinceReload += .seconds(1)
            if let reloadInterval, sinceReload >= reloadInterval, !Task.isCancelledOrShuttingDown {
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

/// Sends the outbox's messages as they become due (`NotificationDelivery`): one batch after another
/// while there is work, else every `interval`. It asks after every batch whether the service is
/// shutting down, so a long backlog (a provider that was down) never holds a stopping server: what is
/// left stays in the outbox for the next start or another instance.
///
/// Sending is background work: while the server is busy answering requests (`busyRequests` or more
/// in flight) it sends at most `busyMessagesPerSecond` progress messages, one batch a second, and
/// catches up at full speed when the load falls. A message is then late by seconds, never lost, and a
/// filing never waits for a notification. One-time codes are not held back: while busy, the tenths of
/// a second between those batches claim codes alone (`NotificationDelivery.deliverOnce(limit: 0)`).
///
/// One batch a second rather than smaller ones more often: claiming other messages walks the due
/// messages' index from its start, past the entries of messages already sent until vacuum removes
/// them (after a backlog was sent, hundreds of thousands: milliseconds of PostgreSQL's time a claim).
/// A claim of codes alone reads their own small index.
struct DeliveryService: Service {
    let delivery: NotificationDelivery
    let interval: Duration
    let load: RequestLoad
    let busyRequests: Int
    let busyMessagesPerSecond: Int
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        var lastBusyBatch: ContinuousClock.Instant?
        var lastSeenBusy: ContinuousClock.Instant?
        while !Task.isCancelledOrShuttingDown {
            let now = clock.now
            // Busy for a second after it was last seen so: under load the count of requests in flight
            // dips for moments, and each dip seen would send a whole batch at full speed.
            if load.current >= busyRequests { lastSeenBusy = now }
            let busy = lastSeenBusy.map { now - $0 < .seconds(1) } ?? false
            var limit: Int?
            if busy {
                if let last = lastBusyBatch, now - last < .seconds(1) {
                    limit = 0
                } else {
                    limit = busyMessagesPerSecond
                    lastBusyBatch = now
                }
            }
            var delivered = 0
            do {
                let round = try await delivery.deliverOnce(limit: limit)
                delivered = round.total
                if round.retried + round.dead > 0 {
                    logger.notice(
                        "notifications not delivered",
                        metadata: ["sent": "\(round.sent)", "retrying": "\(round.retried)", "dead": "\(round.dead)"])
                }
            } catch {
                logger.warning("notification delivery failed; will retry", metadata: ["error": "\(error)"])
            }
            let pause: Duration? = busy ? .milliseconds(100) : (delivered == 0 ? interval : nil)
            if let pause { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } }
        }
    }
}

// ServiceLifecycle names each service by `"\(service)"`; without a description that prints every
// stored property, the whole reference data and statistics included (seconds at national size).
extension MaintenanceService: CustomStringConvertible {
    var description: String { "MaintenanceService" }
}

extension StatisticsUpkeep: CustomStringConvertible {
    var description: String { "StatisticsUpkeep" }
}

extension DeliveryService: CustomStringConvertible {
    var description: String { "DeliveryService" }
}
