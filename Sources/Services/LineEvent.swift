/// One event of a LINE webhook, as the conversation reads it (the web layer decodes LINE's JSON
/// into these after checking the signature).
public struct LineEvent: Sendable, Equatable {
    /// Where the event happened.
    public enum Source: Sendable, Equatable {
        /// A one-to-one chat with the LINE user whose id is given.
        case user(String)
        /// A group chat or a multi-person chat: never a place for anyone's complaint.
        case group
        case unknown
    }

    /// What happened.
    public enum Kind: Sendable, Equatable {
        case text(String)
        /// A location the citizen picked or shared, with LINE's address for it.
        case location(latitude: Double, longitude: Double, address: String?)
        /// A sticker, picture, video, sound or file: not taken.
        case otherMessage
        /// The user added the account as a friend (or unblocked it).
        case follow
        /// The user blocked the account.
        case unfollow
        /// The account was added to a group chat.
        case join
        /// Anything else (postbacks, reads, …): ignored.
        case other
    }

    /// LINE's `webhookEventId`: the same on every delivery of the event.
    public var id: String?
    public var isRedelivery: Bool
    public var replyToken: String?
    public var source: Source
    public var kind: Kind
    /// Whether the channel is on standby (another module answers the chat): Siang then says nothing.
    public var isStandby: Bool

    public init(
        id: String?, isRedelivery: Bool = false, replyToken: String?, source: Source, kind: Kind, isStandby: Bool = false
    ) {
        self.id = id
        self.isRedelivery = isRedelivery
        self.replyToken = replyToken
        self.source = source
        self.kind = kind
        self.isStandby = isStandby
    }
}
