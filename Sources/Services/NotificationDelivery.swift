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

    /// Sends several messages of this channel, each one's failure (nil: sent) in the same order. A
    /// sender that can share a connection between them (e-mail) does; by default each goes on its
    /// own, all at once.
    func send(_ messages: [OutboxStore.Message]) async -> [DeliveryFailure?]
}

extension MessageSender {
    public func send(_ messages: [OutboxStore.Message]) async -> [DeliveryFailure?] {
        await withTaskGroup(of: (Int, DeliveryFailure?).self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    do throws(DeliveryFailure) {
                        try await send(message)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var failures = [DeliveryFailure?](repeating: nil, count: messages.count)
            for await (index, failure) in group { failures[index] = failure }
            return failures
        }
    }
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
    /// The batch unless one is given; also the most a busy server sends a second (one batch a second).
    public static let defaultBatch = 200
    /// How long a claim holds before another instance may take the message (a sender that died). Long
    /// enough for a whole group of `perSend` e-mails over one slow connection: a claim that ran out
    /// mid-group would let another instance send the rest again.
    let lease: TimeInterval
    /// Messages of one channel handed to its sender at once (for e-mail: sent over one connection).
    let perSend: Int

    public init(
        outbox: OutboxStore, senders: [NotificationChannel: any MessageSender], retry: RetryPolicy = RetryPolicy(),
        clock: @escaping @Sendable () -> Date = { Date() }, batch: Int = defaultBatch, lease: TimeInterval = 600,
        perSend: Int = 25
    ) {
        self.outbox = outbox
        self.senders = senders
        self.retry = retry
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.perSend = max(1, perSend)
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

    /// Claims one batch of due messages (at most `limit` besides one-time codes, else the configured
    /// batch; the codes are always claimed, up to a batch of them: `limit: 0` claims codes alone),
    /// sends them and records the outcomes.
    public func deliverOnce(limit: Int? = nil) async throws -> Round {
        let claimed = try await outbox.claim(
            limit: min(limit ?? batch, batch), urgentLimit: batch, at: clock(), lease: lease)
        guard !claimed.isEmpty else { return Round() }
        // Codes first in their channel's groups: an e-mail group goes over one connection, in order.
        let messages = claimed.filter { $0.event == .oneTimeCode } + claimed.filter { $0.event != .oneTimeCode }
        // Each channel's messages in groups of `perSend`, all groups at once.
        let groups = Dictionary(grouping: messages, by: \.channel).flatMap { channel, messages in
            stride(from: 0, to: messages.count, by: perSend).map { (channel, Array(messages[$0..<min($0 + perSend, messages.count)])) }
        }
        let results = await withTaskGroup(of: [(Int64, DeliveryFailure?)].self) { group in
            for (channel, messages) in groups {
                group.addTask {
                    guard let sender = senders[channel] else {
                        let failure = DeliveryFailure("no sender for \(channel.rawValue) is configured", isTransient: true)
                        return messages.map { ($0.id, failure) }
                    }
                    let outcomes = await sender.send(messages)
                    // A sender that answers for fewer messages than it was given has not sent the rest.
                    let unanswered = DeliveryFailure("the \(channel.rawValue) sender gave no outcome", isTransient: true)
                    return messages.enumerated().map { index, message in
                        (message.id, index < outcomes.count ? outcomes[index] : .some(unanswered))
                    }
                }
            }
            return await group.reduce(into: [Int64: DeliveryFailure?]()) { results, sent in
                for (id, failure) in sent { results[id] = failure }
            }
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
