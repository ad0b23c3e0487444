public import Domain
public import Foundation
public import Store

/// Why a message was not delivered, and whether trying again later may help.
public struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// A provider outage, a timeout, a 4xx SMTP reply or an HTTP 5xx: worth a retry. A refusal
    /// (an address that does not exist, an HTTP 4xx) is not.
    public var isTransient: Bool

    public init(_ message: String, isTransient: Bool) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}

/// Carries messages of one channel (e-mail, SMS, LINE, webhooks) to their recipients.
public protocol MessageSender: Sendable {
    func send(_ message: OutboxStore.Message) async throws(DeliveryFailure)
}

/// Sends what the outbox holds, after the changes that wrote it committed: claims due messages,
/// sends them concurrently, and records each outcome, retrying failures with back-off
/// (`RetryPolicy`) until they are sent or dead. Several instances may run at once (claims skip
/// what another holds).
public struct NotificationDelivery: Sendable {
    let outbox: OutboxStore
    let senders: [NotificationChannel: any MessageSender]
    let retry: RetryPolicy
    let clock: @Sendable () -> Date
    /// Messages claimed at a time.
    let batch: Int
    /// How long a claim holds before another instance may take the message (a sender that died).
    let lease: TimeInterval

    public init(
        outbox: OutboxStore, senders: [NotificationChannel: any MessageSender], retry: RetryPolicy = RetryPolicy(),
        clock: @escaping @Sendable () -> Date = { Date() }, batch: Int = 200, lease: TimeInterval = 120
    ) {
        self.outbox = outbox
        self.senders = senders
        self.retry = retry
        self.clock = clock
        self.batch = batch
        self.lease = lease
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var sent = 0
        public var retried = 0
        public var dead = 0
        public var total: Int { sent + retried + dead }

        public init(sent: Int = 0, retried: Int = 0, dead: Int = 0) {
            self.sent = sent
            self.retried = retried
            self.dead = dead
        }
    }

    /// Claims one batch of due messages (at most `limit`, else the configured batch), sends them
    /// and records the outcomes.
    public func deliverOnce(limit: Int? = nil) async throws -> Round {
        let messages = try await outbox.claim(limit: min(limit ?? batch, batch), at: clock(), lease: lease)
        guard !messages.isEmpty else { return Round() }
        let results = await withTaskGroup(of: (Int64, DeliveryFailure?).self) { group in
            for message in messages {
                group.addTask {
                    guard let sender = senders[message.channel] else {
                        return (message.id, DeliveryFailure("no sender for \(message.channel.rawValue) is configured", isTransient: true))
                    }
                    do throws(DeliveryFailure) {
                        try await sender.send(message)
                        return (message.id, nil)
                    } catch {
                        return (message.id, error)
                    }
                }
            }
            return await group.reduce(into: [Int64: DeliveryFailure?]()) { $0[$1.0] = $1.1 }
        }
        let now = clock()
        var round = Round()
        var outcomes: [(id: Int64, outcome: OutboxStore.Outcome)] = []
        for message in messages {
            guard case let failure?? = results[message.id] else {
                outcomes.append((message.id, .sent))
                round.sent += 1
                continue
            }
            if failure.isTransient,
                let next = retry.nextAttempt(after: message.attempts, createdAt: message.retryWindowFrom, now: now)
            {
                outcomes.append((message.id, .retry(at: next, error: failure.message)))
                round.retried += 1
            } else {
                outcomes.append((message.id, .dead(error: failure.message)))
                round.dead += 1
            }
        }
        try await outbox.record(outcomes, at: now)
        return round
    }

    /// Delivers rounds until nothing is due; returns what was done in all.
    public func deliverDue() async throws -> Round {
        var total = Round()
        while true {
            let round = try await deliverOnce()
            total.sent += round.sent
            total.retried += round.retried
            total.dead += round.dead
            if round.total < batch { return total }
        }
    }
}
