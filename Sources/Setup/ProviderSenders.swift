import AsyncHTTPClient
import Channels
import Domain
import Foundation
import Services

/// The senders of each channel, from the settings: webhooks always; SMS when a gateway is set.
/// A channel with no sender keeps its messages waiting (retried, then dead), never lost silently.
enum ProviderSenders {
    static func make(_ settings: NotificationSettings, clock: @escaping @Sendable () -> Date) -> [NotificationChannel: any MessageSender] {
        var senders: [NotificationChannel: any MessageSender] = [.webhook: WebhookSender(client: ProviderClient.shared, clock: clock)]
        if let url = settings.smsGatewayURL {
            var headers: [(String, String)] = []
            if let header = settings.smsGatewayHeader, let colon = header.firstIndex(of: ":") {
                headers.append((String(header[..<colon]), header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            senders[.sms] = SMSGatewaySender(
                client: ProviderClient.shared,
                configuration: .init(url: url, headers: headers, bodyTemplate: settings.smsBodyTemplate))
        }
        return senders
    }
}
