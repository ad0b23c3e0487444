import AsyncHTTPClient
import Channels
import Domain
import Foundation
import Services

/// The senders of each channel, from the settings: webhooks always; SMS when a gateway is set;
/// LINE pushes when LINE is configured.
/// A channel with no sender keeps its messages waiting (retried, then dead), never lost silently.
enum ProviderSenders {
    static func make(
        _ settings: NotificationSettings, line: LineSettings? = nil, clock: @escaping @Sendable () -> Date
    ) -> [NotificationChannel: any MessageSender] {
        var senders: [NotificationChannel: any MessageSender] = [.webhook: WebhookSender(client: .shared, clock: clock)]
        if let line { senders[.line] = LineSender(api: SiangRuntime.lineAPI(line)) }
        if let url = settings.smsGatewayURL {
            var headers: [(String, String)] = []
            if let header = settings.smsGatewayHeader, let colon = header.firstIndex(of: ":") {
                headers.append((String(header[..<colon]), header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            senders[.sms] = SMSGatewaySender(
                client: .shared,
                configuration: .init(url: url, headers: headers, bodyTemplate: settings.smsBodyTemplate))
        }
        return senders
    }
}
