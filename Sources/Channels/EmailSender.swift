public import Foundation
public import Mail
public import Services
public import Store

/// E-mail through an SMTP server (`Mail`): one message, one connection, or several due at once over
/// one connection. A 4xx reply or a connection failure is retried by the outbox; a 5xx reply is a
/// refusal.
public struct EmailSender: MessageSender {
    let client: SMTPClient
    let from: MailAddress
    let clock: @Sendable () -> Date

    public init(client: SMTPClient, from: MailAddress, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.from = from
        self.clock = clock
    }

    public func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        do {
            try await client.send(mail(message))
        } catch {
            throw Self.failure(error)
        }
    }

    public func send(_ messages: [OutboxStore.Message]) async -> [DeliveryFailure?] {
        await client.send(messages.map(mail)).map { outcome in
            if case .failure(let error) = outcome { Self.failure(error) } else { nil }
        }
    }

    private func mail(_ message: OutboxStore.Message) -> MailMessage {
        MailMessage(
            from: from, to: [MailAddress(message.recipient)], subject: message.subject ?? "", body: message.body,
            messageID: MailMessage.makeMessageID(domain: from.address.split(separator: "@").last.map(String.init) ?? "localhost"),
            date: clock())
    }

    /// A reply lost after the message was handed over may mean it arrived: sending again could
    /// duplicate it, which is better for a citizen than never hearing of their case.
    private static func failure(_ error: any Error) -> DeliveryFailure {
        DeliveryFailure("smtp: \(error)", isTransient: (error as? SMTPError)?.isTransient ?? true)
    }
}
