import AsyncHTTPClient
import Channels
import Domain
import Foundation
import Logging
import Mail
import Services
import Store

/// The senders of each channel, from the settings: webhooks always; SMS when a gateway is set;
/// LINE pushes when LINE is configured.
/// A channel with no sender keeps its messages waiting (retried, then dead), never lost silently.
enum ProviderSenders {
    /// - Parameter trialLog: where e-mail and SMS go when no provider is set for them (a local trial).
    static func make(
        _ settings: NotificationSettings, line: LineSettings? = nil, clock: @escaping @Sendable () -> Date,
        trialLog: Logger? = nil
    ) -> [NotificationChannel: any MessageSender] {
        var senders: [NotificationChannel: any MessageSender] = [.webhook: WebhookSender(client: ProviderClient.shared, clock: clock)]
        if let line { senders[.line] = LineSender(api: SiangRuntime.lineAPI(line)) }
        if let url = settings.smsGatewayURL {
            var headers: [(String, String)] = []
            if let header = settings.smsGatewayHeader, let colon = header.firstIndex(of: ":") {
                headers.append((String(header[..<colon]), header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            senders[.sms] = SMSGatewaySender(
                client: ProviderClient.shared,
                configuration: .init(url: url, headers: headers, bodyTemplate: settings.smsBodyTemplate))
        }
        if let smtp = settings.smtp {
            let security: SMTPConfiguration.Security =
                switch smtp.security {
                case "tls": .tls
                case "none": .none
                default: .startTLS
                }
            let configuration = SMTPConfiguration(
                host: smtp.host, port: smtp.port, security: security,
                credentials: smtp.username.map { .init(username: $0, password: smtp.password ?? "") },
                heloName: smtp.heloName, certificateTrust: smtp.caFile.map { .certificateAuthorities(pemFile: $0) } ?? .system)
            do {
                senders[.email] = EmailSender(
                    client: try SMTPClient(configuration: configuration),
                    from: MailAddress(smtp.from, displayName: smtp.fromName), clock: clock)
            } catch {
                // A setting that cannot work (an unreadable CA file) leaves e-mail waiting, as if the
                // server were down, and says so at every attempt; serving goes on.
                senders[.email] = UnusableSender(reason: "smtp settings: \(error)")
            }
        }
        if let trialLog {
            for channel in [NotificationChannel.email, .sms] where senders[channel] == nil {
                senders[channel] = TrialLogSender(logger: trialLog)
            }
        }
        return senders
    }
}

/// Writes a message to the server's log instead of sending it: for someone trying Siang on their own
/// machine with no mail server or SMS gateway, who can then read the one-time code there. Never used
/// with a production database (`DATABASE_URL`), where messages without a provider wait instead.
struct TrialLogSender: MessageSender {
    let logger: Logger

    func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        logger.notice(
            "local trial: message written here, not sent (no provider is set for its channel)",
            metadata: [
                "channel": "\(message.channel.rawValue)", "to": "\(message.recipient)",
                "subject": "\(message.subject ?? "")", "body": "\(message.body)",
            ])
    }
}

/// Stands for a provider whose settings cannot work: every message waits and says why.
struct UnusableSender: MessageSender {
    let reason: String

    func send(_ message: OutboxStore.Message) async throws(DeliveryFailure) {
        throw DeliveryFailure(reason, isTransient: true)
    }
}
