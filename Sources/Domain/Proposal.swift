public import Foundation

/// Where a proposal (ข้อเสนอ) applies: the whole country, a province or a district. The level decides
/// the support threshold; the area (DOPA codes) decides, with the topic, which agency must answer.
public enum ProposalScopeLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// ทั้งประเทศ
    case national
    /// จังหวัด
    case province
    /// อำเภอ / เขต
    case district
}

/// The scope of one proposal: its level and, below national, the area's codes.
public struct ProposalScope: Sendable, Hashable {
    public var level: ProposalScopeLevel
    public var provinceCode: String?
    public var districtCode: String?

    public init(level: ProposalScopeLevel, provinceCode: String? = nil, districtCode: String? = nil) {
        self.level = level
        self.provinceCode = provinceCode
        self.districtCode = districtCode
    }

    /// The area routing reads: nothing for national, the province, or the district within it.
    public var area: CaseArea {
        CaseArea(provinceCode: provinceCode, districtCode: districtCode)
    }

    /// The most specific code of the scope, or nil for national (filters and open data name it).
    public var areaCode: String? { districtCode ?? provinceCode }
}

/// Where a proposal stands. The raw values are stored.
///
/// `pending` → `published` (or `rejected`) by a moderator; `published` → `routed` once its supports
/// reach the threshold, or `expired` when the support period ends first; `routed` → `answered`
/// by the agency; an adopted one → `implemented` with its last progress update.
public enum ProposalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// รอตรวจสอบ: waiting for a moderator; only the proposer and moderators see it.
    case pending
    /// เปิดรับการสนับสนุน
    case published
    /// ไม่ผ่านการตรวจสอบ
    case rejected
    /// หมดเวลา: the support period ended under the threshold.
    case expired
    /// ถึงเกณฑ์ รอหน่วยงานตอบ
    case routed
    /// หน่วยงานตอบแล้ว
    case answered
    /// ดำเนินการแล้วเสร็จ
    case implemented

    /// Whether the public sees proposals in this status (list, page, open data).
    public var isPublic: Bool { self != .pending && self != .rejected }

    /// The statuses the public sees, for SQL filters.
    public static let publicStatuses: [ProposalStatus] = allCases.filter(\.isPublic)

    /// Whether a support may be given or withdrawn in this status (and, for `published`, before the
    /// support period ends): after the answer the count is history.
    public var acceptsSupports: Bool { self == .published || self == .routed }
}

/// Why a moderator refused to publish a proposal. The raw values are stored and are the API's codes.
public enum ProposalRejection: String, Sendable, Hashable, Codable, CaseIterable {
    /// ซ้ำกับข้อเสนออื่น: linked to the proposal it repeats.
    case duplicate
    /// โจมตีบุคคล
    case personalAttack = "personal_attack"
    /// ผิดกฎหมาย
    case illegal
    /// ไม่ใช่เรื่องสาธารณะ
    case notPublicMatter = "not_public_matter"
    /// เป็นเรื่องร้องเรียนส่วนตัว: turned into a case, keeping the text and contact.
    case privateComplaint = "private_complaint"
}

/// An agency's public answer to a proposal that reached its threshold. The raw values are stored.
public enum ProposalAnswer: String, Sendable, Hashable, Codable, CaseIterable {
    /// รับไปดำเนินการ
    case adopted
    /// รับไปดำเนินการบางส่วน
    case adoptedInPart = "adopted_in_part"
    /// อยู่ระหว่างศึกษา (until a date, then answered again)
    case underStudy = "under_study"
    /// ไม่รับ (with reasons)
    case declined

    /// Whether the agency owes progress updates until it is implemented.
    public var isAdoption: Bool { self == .adopted || self == .adoptedInPart }
}

/// What can happen to a proposal, for its timeline. The raw values are stored.
public enum ProposalEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case proposed, published, rejected, converted, thresholdReached = "threshold_reached", answered, progress,
        implemented, expired
}

/// One entry of a proposal's timeline: what, when, and the words the public reads.
public struct ProposalEvent: Sendable, Equatable {
    public var kind: ProposalEventKind
    public var at: Date
    public var note: String?
    public var agencyCode: String?

    public init(kind: ProposalEventKind, at: Date, note: String? = nil, agencyCode: String? = nil) {
        self.kind = kind
        self.at = at
        self.note = note
        self.agencyCode = agencyCode
    }
}

/// A proposal as stored, without its contact (kept apart, as for cases).
public struct ProposalRecord: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var title: String
    public var text: String
    /// The title and text with personal data replaced by labels: what the public reads.
    public var publicTitle: String
    public var publicText: String
    public var scope: ProposalScope
    public var categoryCode: String
    /// The proposer's estimate of the cost, in baht.
    public var estimatedCost: Int64?
    public var status: ProposalStatus
    public var createdAt: Date
    public var publishedAt: Date?
    /// When the support period ends (set at publication).
    public var closesAt: Date?
    /// The supports needed (set at publication from the scope's threshold).
    public var threshold: Int?
    /// Supports counted (flagged ones wait for a moderator).
    public var supports: Int
    /// Supports flagged as part of a burst, not counted until a moderator confirms them.
    public var flaggedSupports: Int
    public var rejection: ProposalRejection?
    public var rejectionNote: String?
    /// The proposal this one repeats (a `duplicate` rejection).
    public var duplicateOfCode: String?
    /// The case a private complaint became.
    public var caseCode: String?
    public var routedAt: Date?
    public var agencyCode: String?
    /// The first answer's deadline, from the threshold's crossing.
    public var answerDue: Date?
    public var answer: ProposalAnswer?
    public var answerText: String?
    public var answeredAt: Date?
    /// For `under_study`: when the agency says it will answer again.
    public var studyUntil: Date?
    public var implementedAt: Date?
    /// The budget project this proposal stands for, when it won a participatory-budgeting round.
    public var budget: ProposalBudgetLink?

    public init(
        id: Int64, code: String, title: String, text: String, publicTitle: String, publicText: String,
        scope: ProposalScope, categoryCode: String, estimatedCost: Int64?, status: ProposalStatus, createdAt: Date,
        publishedAt: Date? = nil, closesAt: Date? = nil, threshold: Int? = nil, supports: Int = 0,
        flaggedSupports: Int = 0, rejection: ProposalRejection? = nil, rejectionNote: String? = nil,
        duplicateOfCode: String? = nil, caseCode: String? = nil, routedAt: Date? = nil, agencyCode: String? = nil,
        answerDue: Date? = nil, answer: ProposalAnswer? = nil, answerText: String? = nil, answeredAt: Date? = nil,
        studyUntil: Date? = nil, implementedAt: Date? = nil, budget: ProposalBudgetLink? = nil
    ) {
        self.id = id
        self.code = code
        self.title = title
        self.text = text
        self.publicTitle = publicTitle
        self.publicText = publicText
        self.scope = scope
        self.categoryCode = categoryCode
        self.estimatedCost = estimatedCost
        self.status = status
        self.createdAt = createdAt
        self.publishedAt = publishedAt
        self.closesAt = closesAt
        self.threshold = threshold
        self.supports = supports
        self.flaggedSupports = flaggedSupports
        self.rejection = rejection
        self.rejectionNote = rejectionNote
        self.duplicateOfCode = duplicateOfCode
        self.caseCode = caseCode
        self.routedAt = routedAt
        self.agencyCode = agencyCode
        self.answerDue = answerDue
        self.answer = answer
        self.answerText = answerText
        self.answeredAt = answeredAt
        self.studyUntil = studyUntil
        self.implementedAt = implementedAt
        self.budget = budget
    }

    public var origin: ProposalOrigin { budget == nil ? .citizen : .budgetRound }

    /// Whether a support may be given or withdrawn at `now`.
    public func acceptsSupports(at now: Date) -> Bool {
        status.acceptsSupports && (status != .published || (closesAt.map { now < $0 } ?? false))
    }

    /// Whether the answer was given (or is still owed) past its deadline.
    public func answerIsLate(at now: Date) -> Bool {
        guard let answerDue else { return false }
        return (answeredAt ?? now) > answerDue
    }
}

/// The supports a scope needs, and for how long supports are collected.
public struct ProposalThresholds: Sendable, Hashable {
    public var district: Int
    public var province: Int
    public var national: Int
    /// The support period, from publication.
    public var supportDays: Int
    /// Days the agency has for its first answer once the threshold is reached.
    public var answerDays: Int

    public init(district: Int = 300, province: Int = 1000, national: Int = 10_000, supportDays: Int = 90, answerDays: Int = 15) {
        self.district = district
        self.province = province
        self.national = national
        self.supportDays = supportDays
        self.answerDays = answerDays
    }

    public func threshold(for level: ProposalScopeLevel) -> Int {
        switch level {
        case .district: district
        case .province: province
        case .national: national
        }
    }
}

/// What a support request did.
public enum SupportOutcome: String, Sendable, Equatable {
    /// Counted now.
    case supported
    /// Kept but not counted until a moderator looks: part of a burst from one network.
    case flagged
    /// This person already supports the proposal: nothing changed.
    case alreadySupported = "already_supported"
}

/// What withdrawing a support did.
public enum WithdrawalOutcome: String, Sendable, Equatable {
    case withdrawn
    /// There was no support of this person to withdraw: nothing changed.
    case notSupported = "not_supported"
}

/// What a moderator decides about a flagged support.
public enum FlaggedSupportDecision: String, Sendable, Equatable, CaseIterable {
    /// A real person after all: counted.
    case confirm
    /// Not counted, and kept so that the same address cannot support again.
    case discount
}

extension DomainError {
    public static let proposalNotFound = DomainError(
        .notFound, code: "proposal_not_found", th: "ไม่พบข้อเสนอตามรหัสที่ระบุ", en: "No proposal with this code.")
}

/// How a list of proposals is filtered, ordered and paged.
public struct ProposalListFilter: Sendable, Hashable {
    public enum Order: String, Sendable, CaseIterable {
        case supports, newest
        /// Fewest supports still needed first (open proposals only).
        case closest
    }
    public var statuses: [ProposalStatus]
    public var scopeLevel: ProposalScopeLevel?
    /// A province or district code: proposals of that area (a province's includes its districts').
    public var areaCode: String?
    public var categories: [String]
    /// Only proposals that reached their threshold and went to this agency (agency inboxes).
    public var agencyCode: String?
    /// Only proposals routed to no agency (the triage desk's).
    public var unassigned = false
    public var order: Order
    public var limit: Int
    public var offset: Int

    public init(
        statuses: [ProposalStatus] = ProposalStatus.publicStatuses, scopeLevel: ProposalScopeLevel? = nil,
        areaCode: String? = nil, categories: [String] = [], agencyCode: String? = nil, unassigned: Bool = false,
        order: Order = .supports, limit: Int = 20, offset: Int = 0
    ) {
        self.statuses = statuses
        self.scopeLevel = scopeLevel
        self.areaCode = areaCode
        self.categories = categories
        self.agencyCode = agencyCode
        self.unassigned = unassigned
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

/// What storing a support did, and the proposal's count after it.
public struct SupportResult: Sendable, Equatable {
    public var outcome: SupportOutcome
    public var supports: Int
    /// Whether this support took the proposal over its threshold (true for exactly one support).
    public var crossedThreshold: Bool

    public init(outcome: SupportOutcome, supports: Int, crossedThreshold: Bool) {
        self.outcome = outcome
        self.supports = supports
        self.crossedThreshold = crossedThreshold
    }
}

/// A flagged support as a moderator sees it: when, and a short fingerprint of its network (never an address).
public struct FlaggedSupport: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var network: String

    public init(id: Int64, at: Date, network: String) {
        self.id = id
        self.at = at
        self.network = network
    }
}

/// How an agency answered the proposals that reached it.
public struct ProposalAgencyFigures: Sendable, Equatable {
    public var agencyCode: String
    public var routed: Int
    public var answered: Int
    public var answeredInTime: Int
    /// Past the deadline with no answer.
    public var overdue: Int

    public init(agencyCode: String, routed: Int, answered: Int, answeredInTime: Int, overdue: Int) {
        self.agencyCode = agencyCode
        self.routed = routed
        self.answered = answered
        self.answeredInTime = answeredInTime
        self.overdue = overdue
    }

    /// The share answered by the deadline, of those whose deadline has passed or that were answered.
    public var shareInTime: Double? {
        let judged = answered + overdue
        return judged == 0 ? nil : Double(answeredInTime) / Double(judged)
    }
}
