import Configuration
import Domain

/// The LINE Official Account Siang answers as (`line.*` in `Config/siang.json`, or better the
/// environment: `SIANG_LINE_CHANNEL_SECRET`, `SIANG_LINE_CHANNEL_ACCESS_TOKEN`). LINE is on only
/// when both the channel secret and the access token are set.
public struct LineSettings: Sendable {
    /// Signs LINE's webhook requests (`X-Line-Signature`): from the channel's "Basic settings".
    public var channelSecret: String
    /// Authorises replies and pushes: the long-lived channel access token ("Messaging API" tab).
    public var channelAccessToken: String
    /// Where LINE's API is (`https://api.line.me`; a fake one in tests).
    public var apiBaseURL: String

    public static let defaultAPIBaseURL = "https://api.line.me"

    /// The settings, or nil when LINE is not configured.
    static func read(_ config: ConfigReader) -> LineSettings? {
        guard let secret = config.string(forKey: "line.channel_secret", default: "").nonBlank,
            let token = config.string(forKey: "line.channel_access_token", default: "").nonBlank
        else { return nil }
        return LineSettings(
            channelSecret: secret, channelAccessToken: token,
            apiBaseURL: config.string(forKey: "line.api_base_url", default: defaultAPIBaseURL).nonBlank
                ?? defaultAPIBaseURL)
    }
}
