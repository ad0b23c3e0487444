import Configuration
import Services
public import Domain
public import Foundation

/// How Siang sends notifications (`notifications.*`, `smtp.*`, `sms.*` in `Config/siang.json`).
public struct NotificationSettings: Sendable {
    /// Whether changes write messages at all (off: no outbox rows, no delivery).
    public var enabled: Bool
    /// The address citizens reach Siang at, for links in messages.
    public var publicURL: String
    /// How often the delivery service looks for due messages when it found none.
    public var deliveryInterval: Duration
    /// Requests in flight from which the server counts as busy: delivery then steps back to
    /// `busyMessagesPerSecond` (at most 200), so that sending never takes the capacity filings need.
    public var busyRequests: Int
    public var busyMessagesPerSecond: Int
    public var retry: RetryPolicy
    /// The SMS gateway's URL; nil: no SMS are sent (they wait, then die, as with any provider down).
    public var smsGatewayURL: String?
    /// A header the gateway wants (an API key), as "Name: value".
    public var smsGatewayHeader: String?
    public var smsBodyTemplate: String
    public var smtp: SMTPSettings?

    /// The SMTP server e-mail leaves through; nil when `smtp.host` is not set.
    public struct SMTPSettings: Sendable {
        public var host: String
        public var port: Int
        /// "starttls", "tls" or "none".
        public var security: String
        public var username: String?
        public var password: String?
        /// The sender's address and the name shown with it.
        public var from: String
        public var fromName: String
        /// A PEM file of the authorities to trust instead of the system's (a private mail relay).
        public var caFile: String?
        /// The name Siang gives itself in EHLO (its host name).
        public var heloName: String
    }

    static func read(_ config: ConfigReader) -> NotificationSettings {
        let smtpHost = config.string(forKey: "smtp.host", default: "")
        return NotificationSettings(
            enabled: config.bool(forKey: "notifications.enabled", default: true),
            publicURL: config.string(forKey: "notifications.public_url", default: "http://127.0.0.1:8080"),
            deliveryInterval: .milliseconds(config.int(forKey: "notifications.delivery_interval_ms", default: 500)),
            busyRequests: max(1, config.int(forKey: "notifications.busy_requests", default: 32)),
            // One batch a second, and a delivery round claims at most a batch.
            busyMessagesPerSecond: min(
                NotificationDelivery.defaultBatch,
                max(1, config.int(forKey: "notifications.busy_messages_per_second", default: 20))),
            retry: RetryPolicy(
                first: config.double(forKey: "notifications.retry_first_seconds", default: 5),
                longest: config.double(forKey: "notifications.retry_longest_seconds", default: 1800),
                giveUpAfter: config.double(forKey: "notifications.give_up_hours", default: 48) * 3600),
            smsGatewayURL: config.string(forKey: "sms.gateway_url", default: "").nonBlank,
            smsGatewayHeader: config.string(forKey: "sms.gateway_header", default: "").nonBlank,
            smsBodyTemplate: config.string(forKey: "sms.body_template", default: #"{"to": "{to}", "message": "{message}"}"#),
            smtp: smtpHost.isEmpty
                ? nil
                : SMTPSettings(
                    host: smtpHost, port: config.int(forKey: "smtp.port", default: 587),
                    security: config.string(forKey: "smtp.security", default: "starttls"),
                    username: config.string(forKey: "smtp.username", default: "").nonBlank,
                    password: config.string(forKey: "smtp.password", default: "").nonBlank,
                    from: config.string(forKey: "smtp.from", default: "no-reply@localhost"),
                    fromName: config.string(forKey: "smtp.from_name", default: "เสียง Siang"),
                    caFile: config.string(forKey: "smtp.ca_file", default: "").nonBlank,
                    heloName: config.string(forKey: "smtp.helo_name", default: "localhost")))
    }
}
