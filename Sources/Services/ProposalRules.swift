public import Domain
public import Foundation

/// The configurable rules of proposals (`proposals.*` in `Config/siang.json`).
public struct ProposalRules: Sendable {
    /// Supports needed per scope, the support period and the answer deadline.
    public var thresholds: ProposalThresholds
    public var maximumTitleLength: Int
    /// More than this many supports of one proposal from one network within `burstWindow` are flagged
    /// for a moderator instead of counted (0: never).
    public var burstLimit: Int
    public var burstWindow: TimeInterval
    /// How long a person verified by a code may support proposals without a new code.
    public var supporterTokenLifetime: TimeInterval
    /// The server's secret for supporters' keyed hashes and tokens; nil keeps one made once in the
    /// database (`server_keys`), which is weaker: whoever reads the database reads the key too.
    public var supporterKey: [UInt8]?

    public init(
        thresholds: ProposalThresholds = .init(), maximumTitleLength: Int = 120, burstLimit: Int = 20,
        burstWindow: TimeInterval = 600, supporterTokenLifetime: TimeInterval = 7200, supporterKey: [UInt8]? = nil
    ) {
        self.thresholds = thresholds
        self.maximumTitleLength = maximumTitleLength
        self.burstLimit = burstLimit
        self.burstWindow = burstWindow
        self.supporterTokenLifetime = supporterTokenLifetime
        self.supporterKey = supporterKey
    }
}

/// A citizen's proposal as received from any channel, before it is checked.
public struct ProposalRequest: Sendable {
    public var title: String
    public var text: String
    /// `national`, `province` or `district`; when nil, the most specific area given decides.
    public var scope: ProposalScopeLevel?
    /// A province and district as DOPA codes or Thai names.
    public var province: String?
    public var district: String?
    /// The topic (a category code); when nil, the classifier's.
    public var category: String?
    public var estimatedCost: Int64?
    public var contact: FilingRequest.ContactInput?
    public var consent: FilingRequest.ConsentInput?
    /// Channels the proposer wants news by (`email`, `sms`, to the contact given).
    public var notify: [NotificationChannel]
    public var language: MessageLanguage

    public init(
        title: String, text: String, scope: ProposalScopeLevel? = nil, province: String? = nil, district: String? = nil,
        category: String? = nil, estimatedCost: Int64? = nil, contact: FilingRequest.ContactInput? = nil,
        consent: FilingRequest.ConsentInput? = nil, notify: [NotificationChannel] = [], language: MessageLanguage = .th
    ) {
        self.title = title
        self.text = text
        self.scope = scope
        self.province = province
        self.district = district
        self.category = category
        self.estimatedCost = estimatedCost
        self.contact = contact
        self.consent = consent
        self.notify = notify
        self.language = language
    }
}
