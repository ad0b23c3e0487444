extension NotificationChannel {
    /// Whether a citizen subscribed on this channel is sent the message of the filing itself
    /// (`case.filed`). A citizen who filed in a LINE chat was told the tracking code and the agency
    /// in the chat's reply; a push saying the same a moment later would only repeat it (and LINE
    /// counts pushes against the account's quota, replies not).
    public var carriesFilingMessage: Bool { self != .line }

    /// The citizen channels that carry the filing's message, for the filing statement's filter.
    public static let filingMessageChannels: [NotificationChannel] = citizenChannels.filter(\.carriesFilingMessage)
}
