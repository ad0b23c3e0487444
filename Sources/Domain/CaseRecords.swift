public import Foundation

/// What a case is filed with and keeps whatever happens to it later: the citizen's words and
/// their redacted public copy, where, and what the classifier made of them. A stored case
/// (`CaseRecord`) and one about to be stored (`NewCase`) share it, so the list is written once.
public struct CaseFiling: Sendable, Equatable {
    public var kind: CaseKind
    public var channel: String
    public var title: String?
    public var text: String
    public var publicTitle: String?
    public var publicText: String
    /// Whether the citizen agreed to publication (asked for it, and was told so at filing); whether
    /// the public sees the case now also depends on its category (`CaseVisibility`).
    public var publicRequested: Bool
    public var anonymous: Bool
    public var area: CaseArea
    public var areaSource: AreaSource
    public var latitude: Double?
    public var longitude: Double?
    public var address: String?
    public var predictedCategory: String?
    public var predictedConfidence: Double?
    /// The classifier model version that made the prediction (nil: the default model).
    public var modelVersion: Int64?
    public var filedAt: Date

    public init(
        kind: CaseKind, channel: String, title: String?, text: String, publicTitle: String?, publicText: String,
        publicRequested: Bool, anonymous: Bool, area: CaseArea, areaSource: AreaSource, latitude: Double?,
        longitude: Double?, address: String?, predictedCategory: String?, predictedConfidence: Double?, filedAt: Date,
        modelVersion: Int64? = nil
    ) {
        self.kind = kind
        self.channel = channel
        self.title = title
        self.text = text
        self.publicTitle = publicTitle
        self.publicText = publicText
        self.publicRequested = publicRequested
        self.anonymous = anonymous
        self.area = area
        self.areaSource = areaSource
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
        self.predictedCategory = predictedCategory
        self.predictedConfidence = predictedConfidence
        self.modelVersion = modelVersion
        self.filedAt = filedAt
    }
}

/// A case as stored: what it was filed with, where it stands, and its deadlines. The filing's
/// fields read as the record's own (`record.text`).
@dynamicMemberLookup
public struct CaseRecord: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var filing: CaseFiling
    /// Whether the public sees the case now (`CaseVisibility`).
    public var isPublic: Bool
    public var state: CaseState
    public var due: DueDates
    public var updatedAt: Date
    /// How many citizens follow the case instead of filing it again ("me too"; public).
    public var meTooCount = 0

    public init(
        id: Int64, code: String, filing: CaseFiling, isPublic: Bool, state: CaseState, due: DueDates, updatedAt: Date
    ) {
        self.id = id
        self.code = code
        self.filing = filing
        self.isPublic = isPublic
        self.state = state
        self.due = due
        self.updatedAt = updatedAt
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CaseFiling, Value>) -> Value {
        get { filing[keyPath: keyPath] }
        set { filing[keyPath: keyPath] = newValue }
    }

    /// Whether a deadline the case has not met has passed.
    public func isOverdue(at now: Date) -> Bool {
        due.isOverdue(
            status: state.status, acknowledgedAt: state.acknowledgedAt, firstAnsweredAt: state.firstAnsweredAt, at: now)
    }
}

/// One entry of a case's timeline as stored: what happened (`TimelineEntry`, whose fields read
/// as the event's own, `event.kind`), when, and who did it.
@dynamicMemberLookup
public struct CaseEvent: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var entry: TimelineEntry
    public var actorKind: ActorKind
    public var actorID: Int64?
    public var actorAgency: String?

    public init(id: Int64, at: Date, entry: TimelineEntry, actorKind: ActorKind, actorID: Int64?, actorAgency: String?) {
        self.id = id
        self.at = at
        self.entry = entry
        self.actorKind = actorKind
        self.actorID = actorID
        self.actorAgency = actorAgency
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<TimelineEntry, Value>) -> Value {
        get { entry[keyPath: keyPath] }
        set { entry[keyPath: keyPath] = newValue }
    }
}

/// Which cases a staff list shows, and which page of them.
public struct CaseListFilter: Sendable {
    /// Only cases of this agency (an officer's own); nil for the triage desk and administrators.
    public var agencyCode: String?
    public var statuses: [CaseStatus]?
    public var categories: [String]?
    /// A province, district or subdistrict code.
    public var areaCode: String?
    public var filedFrom: Date?
    public var filedBefore: Date?
    public var overdue: Bool?
    /// Keyset cursor: the (filed_at, id) of the last case of the previous page.
    public var after: (filedAt: Date, id: Int64)?
    public var limit: Int
    /// Only these tracking codes.
    public var codes: [String]?
    /// Only cases the public may see (Open311's reads).
    public var publicOnly: Bool

    public init(
        agencyCode: String?, statuses: [CaseStatus]? = nil, categories: [String]? = nil, areaCode: String? = nil,
        filedFrom: Date? = nil, filedBefore: Date? = nil, overdue: Bool? = nil, after: (filedAt: Date, id: Int64)? = nil,
        limit: Int = 50, codes: [String]? = nil, publicOnly: Bool = false
    ) {
        self.codes = codes
        self.publicOnly = publicOnly
        self.agencyCode = agencyCode
        self.statuses = statuses
        self.categories = categories
        self.areaCode = areaCode
        self.filedFrom = filedFrom
        self.filedBefore = filedBefore
        self.overdue = overdue
        self.after = after
        self.limit = limit
    }
}

/// A citizen's contact details, kept apart from the case.
public struct CaseContact: Sendable, Equatable {
    public var name: String?
    public var phone: String?
    public var email: String?
    public var consentVersion: String
    public var consentAt: Date

    public init(name: String?, phone: String?, email: String?, consentVersion: String, consentAt: Date) {
        self.name = name
        self.phone = phone
        self.email = email
        self.consentVersion = consentVersion
        self.consentAt = consentAt
    }
}

/// A case about to be filed, already classified, routed and given its deadlines.
@dynamicMemberLookup
public struct NewCase: Sendable {
    public var filing: CaseFiling
    public var isPublic: Bool
    public var categoryCode: String
    public var agencyCode: String?
    public var status: CaseStatus
    public var due: DueDates
    public var contact: CaseContact?
    /// The note of the filing's timeline entry (why the case went to triage, say).
    public var filingNote: String?
    /// The language the citizen filed in, which their messages are written in.
    public var language: MessageLanguage
    /// Where the citizen asked to be told of progress.
    public var subscriptions: [NotificationSubscription]
    /// What the filing tells the citizen and the agency, written to the outbox with the case.
    public var notices: CaseNotices

    public init(
        filing: CaseFiling, isPublic: Bool, categoryCode: String, agencyCode: String?, status: CaseStatus, due: DueDates,
        contact: CaseContact?, filingNote: String?, language: MessageLanguage = .th,
        subscriptions: [NotificationSubscription] = [], notices: CaseNotices = .none
    ) {
        self.filing = filing
        self.isPublic = isPublic
        self.categoryCode = categoryCode
        self.agencyCode = agencyCode
        self.status = status
        self.due = due
        self.contact = contact
        self.filingNote = filingNote
        self.language = language
        self.subscriptions = subscriptions
        self.notices = notices
    }

    /// The address the citizen gave for `channel`, if they asked to be notified by it.
    public func subscriptionAddress(for channel: NotificationChannel) -> String? {
        subscriptions.first { $0.channel == channel }?.address
    }

    /// The filing's message to the citizen, in the language they filed in.
    public var citizenMessage: MessageText? {
        notices.citizen.map { language == .en ? $0.en : $0.th }
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CaseFiling, Value>) -> Value {
        get { filing[keyPath: keyPath] }
        set { filing[keyPath: keyPath] = newValue }
    }

    /// The record of this case once stored with `id` and `code`.
    public func record(id: Int64, code: String) -> CaseRecord {
        CaseRecord(
            id: id, code: code, filing: filing, isPublic: isPublic,
            state: CaseState(status: status, agencyCode: agencyCode, categoryCode: categoryCode), due: due,
            updatedAt: filing.filedAt)
    }
}

/// What filing produced: the case, and the secret to show the citizen once.
public struct FiledCase: Sendable {
    public var record: CaseRecord
    public var secret: String
    /// True when an earlier request with the same idempotency key created the case.
    public var isReplay: Bool

    public init(record: CaseRecord, secret: String, isReplay: Bool) {
        self.record = record
        self.secret = secret
        self.isReplay = isReplay
    }
}

/// An idempotency key and the fingerprint of the request that first used it.
public struct IdempotencyKey: Sendable {
    public var key: String
    public var requestFingerprint: String

    public init(key: String, requestFingerprint: String) {
        self.key = key
        self.requestFingerprint = requestFingerprint
    }
}

/// What a citizen may learn about the use of their contact details (PDPA): whether they are
/// still held, and every reading and erasure, oldest first. Never who the reader was by name.
public struct ContactAccessLog: Sendable, Equatable {
    /// One reading or erasure.
    public struct Entry: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// Staff read the contact details (the reading was logged with a reason).
            case read
            /// The citizen had them erased.
            case erasedOnRequest = "erased_on_request"
            /// Siang erased them when their retention period ended.
            case erasedByRetention = "erased_by_retention"
        }

        public var kind: Kind
        public var at: Date
        /// The reader's agency at the time of reading; nil for staff of no agency and for erasures.
        public var agencyCode: String?
        /// The reader's role at the time of reading; nil for erasures.
        public var role: StaffRole?
        /// Why the reader said they read the contact details.
        public var reason: String?

        public init(kind: Kind, at: Date, agencyCode: String? = nil, role: StaffRole? = nil, reason: String? = nil) {
            self.kind = kind
            self.at = at
            self.agencyCode = agencyCode
            self.role = role
            self.reason = reason
        }
    }

    /// Contact details still held: when and under which consent text they were given.
    public struct Held: Sendable, Equatable {
        public var consentVersion: String
        public var givenAt: Date

        public init(consentVersion: String, givenAt: Date) {
            self.consentVersion = consentVersion
            self.givenAt = givenAt
        }
    }

    /// The contact details still held; nil when none were given or they were erased.
    public var held: Held?
    public var entries: [Entry]

    /// When the contact details were erased, if they were.
    public var erasedAt: Date? { entries.last { $0.kind != .read }?.at }

    /// Whether an erasure asked for now would erase something (`ContactErasure`).
    public func canErase(in status: CaseStatus) -> Bool { held != nil && ContactErasure.isAllowed(in: status) }

    public init(held: Held?, entries: [Entry]) {
        self.held = held
        self.entries = entries
    }
}

/// What a citizen's request to erase their contact details did.
public enum ContactErasureOutcome: String, Sendable, Equatable {
    /// The contact details were erased now.
    case erased
    /// They had been erased before (a repeated request changes nothing).
    case alreadyErased = "already_erased"
    /// None were given with the case.
    case nothingToErase = "nothing_to_erase"
}
