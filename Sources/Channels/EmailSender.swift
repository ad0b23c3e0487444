public import Foundation
public import Mail
public import Services
public import Store

/// E-mail through an SMTP server (`Mail`): one message, one connection. A 4xx reply or a
/// connection failure is retried by the outbox; a 5xx reply is a refusal.
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
        let mail = MailMessage(
            from: from, to: [MailAddress(message.recipient)], subject: message.subject ?? "", body: message.body,
            messageID: MailMessage.makeMessageID(domain: from.address.split(separator: "@").last.map(String.init) ?? "localhost"),
            date: clock())
        do {
            try await client.send(mail)
        } catch let error as SMTPError {
            // A reply lost after the message was handed over may mean it arrived: sending again could
            // duplicate it, which is better for a citizen than never hearing of their case.
            throw DeliveryFailure("smtp: \(error)", isTransient: error.isTransient)
        } catch {
            throw DeliveryFailure("smtp: \(error)", isTransient: true)
        }
    }
}
