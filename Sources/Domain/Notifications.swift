public import Foundation

/// A way a message reaches someone. The raw values are stored.
public enum NotificationChannel: String, Sendable, CaseIterable, Codable {
    /// E-mail to the address the citizen gave.
    case email
    /// A text message to the phone number the citizen gave.
    case sms
    /// A LINE push message to the LINE user who filed by chat.
    case line
    /// An agency's registered URL, which receives a signed JSON event.
    case webhook

    /// The channels a citizen may ask to be notified by.
    public static let citizenChannels: [NotificationChannel] = [.email, .sms, .line]
}

/// The language a citizen reads messages in: the one they filed in.
public enum MessageLanguage: String, Sendable, CaseIterable, Codable {
    case th
    case en
}

/// What a message reports. The raw values are stored and are the `type` of webhook events.
public enum NotificationEvent: String, Sendable, CaseIterable, Codable {
    case caseFiled = "case.filed"
    case caseAssigned = "case.assigned"
    case caseAccepted = "case.accepted"
    case caseStarted = "case.started"
    case caseAnswered = "case.answered"
    case caseResolved = "case.resolved"
    case caseRejected = "case.rejected"
    case caseTransferred = "case.transferred"
    case caseRecategorised = "case.recategorised"
    case caseMerged = "case.merged"
    case caseReopened = "case.reopened"
    case caseWithdrawn = "case.withdrawn"
    case caseClosed = "case.closed"
    case caseRated = "case.rated"
    /// A one-time code to prove an address (proposals, consultations).
    case oneTimeCode = "one_time_code"
    /// A proposal was published by a moderator (to its proposer).
    case proposalPublished = "proposal.published"
    /// A proposal was not published (to its proposer).
    case proposalRejected = "proposal.rejected"
    /// A proposal reached its threshold and went to an agency (proposer, agency webhooks).
    case proposalThresholdReached = "proposal.threshold_reached"
    /// The agency answered a proposal (proposer, supporters who asked, agency webhooks).
    case proposalAnswered = "proposal.answered"
    /// Progress on an adopted proposal, or its completion.
    case proposalProgress = "proposal.progress"

    /// The event a timeline entry is, for the agency handling the case (its webhooks hear of every change).
    public static func forAgency(_ entry: TimelineEntry) -> NotificationEvent? {
        switch entry.kind {
        case .filed: return .caseFiled
        case .placed: return .caseAssigned
        case .accepted: return .caseAccepted
        case .started: return .caseStarted
        case .commented: return .caseAnswered
        case .resolved: return .caseResolved
        case .rejected: return .caseRejected
        case .transferred: return .caseTransferred
        case .recategorised: return .caseRecategorised
        case .merged: return .caseMerged
        case .reopened: return .caseReopened
        case .withdrawn: return .caseWithdrawn
        case .closed: return .caseClosed
        case .feedback: return .caseRated
        case .contactErased: return nil
        }
    }

    /// The event a timeline entry is for the citizen who filed the case, or nil when it is not news
    /// to them: what staff note for themselves, what the citizen did, and changes of category.
    public static func forCitizen(_ entry: TimelineEntry) -> NotificationEvent? {
        guard !entry.isInternal else { return nil }
        switch entry.kind {
        case .filed, .placed, .accepted, .commented, .resolved, .rejected, .transferred, .reopened, .merged, .closed:
            return forAgency(entry)
        case .started, .recategorised, .withdrawn, .feedback, .contactErased:
            return nil
        }
    }
}

/// A message's words: a subject (e-mail only) and a short body.
public struct MessageText: Sendable, Equatable {
    public var subject: String
    public var body: String

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }
}

/// What a change to a case should tell whom, written into the outbox in the change's own
/// transaction: the citizen (in the language of each subscription) and the agencies' webhooks.
public struct CaseNotices: Sendable, Equatable {
    /// The citizen's message in both languages; nil when the change is not news to them.
    public var citizen: (event: NotificationEvent, th: MessageText, en: MessageText)?
    /// The webhook event: its type and JSON payload; nil when no agency hears of it.
    public var agencyEvent: (event: NotificationEvent, payload: String)?
    /// The agencies whose webhooks receive the event (the handling agency, and the one a transfer left).
    public var agencies: [String]

    public init(
        citizen: (event: NotificationEvent, th: MessageText, en: MessageText)? = nil,
        agencyEvent: (event: NotificationEvent, payload: String)? = nil, agencies: [String] = []
    ) {
        self.citizen = citizen
        self.agencyEvent = agencyEvent
        self.agencies = agencies
    }

    public static let none = CaseNotices()

    public static func == (lhs: CaseNotices, rhs: CaseNotices) -> Bool {
        lhs.citizen?.event == rhs.citizen?.event && lhs.citizen?.th == rhs.citizen?.th
            && lhs.citizen?.en == rhs.citizen?.en && lhs.agencyEvent?.event == rhs.agencyEvent?.event
            && lhs.agencyEvent?.payload == rhs.agencyEvent?.payload && lhs.agencies == rhs.agencies
    }
}

/// Where a citizen asked to be told of progress, with the address for each channel.
public struct NotificationSubscription: Sendable, Equatable {
    public var channel: NotificationChannel
    /// An e-mail address, a phone number or a LINE user id: personal data, kept and erased with the contact.
    public var address: String
    public var language: MessageLanguage

    public init(channel: NotificationChannel, address: String, language: MessageLanguage) {
        self.channel = channel
        self.address = address
        self.language = language
    }
}

/// The state of a message in the outbox. The raw values are stored.
public enum DeliveryStatus: String, Sendable, CaseIterable, Codable {
    /// Waiting for its (next) attempt.
    case pending
    case sent
    /// Given up after its retry period, or refused for good by the provider; staff may retry it.
    case dead
    /// Withdrawn before it was sent (the citizen's contact details were erased).
    case cancelled
}

/// One message of the outbox as staff see it: never its address or words, only what, how and whether.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: Int64
    public var event: NotificationEvent
    public var channel: NotificationChannel
    public var createdAt: Date
    public var status: DeliveryStatus
    public var attempts: Int
    public var sentAt: Date?
    public var lastError: String?
    public var agencyCode: String?
    public var caseCode: String?

    public init(
        id: Int64, event: NotificationEvent, channel: NotificationChannel, createdAt: Date, status: DeliveryStatus,
        attempts: Int, sentAt: Date?, lastError: String?, agencyCode: String?, caseCode: String?
    ) {
        self.id = id
        self.event = event
        self.channel = channel
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.sentAt = sentAt
        self.lastError = lastError
        self.agencyCode = agencyCode
        self.caseCode = caseCode
    }
}

/// When a failed message is tried again: doubling waits from `first` up to `longest`, with no
/// attempt after `giveUpAfter` from its creation (it is then dead).
public struct RetryPolicy: Sendable, Equatable {
    public var first: TimeInterval
    public var longest: TimeInterval
    public var giveUpAfter: TimeInterval

    public init(first: TimeInterval = 5, longest: TimeInterval = 1800, giveUpAfter: TimeInterval = 48 * 3600) {
        self.first = first
        self.longest = longest
        self.giveUpAfter = giveUpAfter
    }

    /// When to try again after the `attempts`-th failed attempt at `now`, or nil to give up.
    public func nextAttempt(after attempts: Int, createdAt: Date, now: Date) -> Date? {
        let wait = min(longest, first * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(wait)
        return next.timeIntervalSince(createdAt) > giveUpAfter ? nil : next
    }
}

/// An agency's webhook as staff see it (never its signing secret).
public struct AgencyWebhook: Sendable, Equatable {
    public var id: Int64
    public var agencyCode: String
    public var url: String
    public var active: Bool
    public var createdAt: Date

    public init(id: Int64, agencyCode: String, url: String, active: Bool, createdAt: Date) {
        self.id = id
        self.agencyCode = agencyCode
        self.url = url
        self.active = active
        self.createdAt = createdAt
    }
}
