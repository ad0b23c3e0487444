public import Foundation

/// Where a consultation (การรับฟังความคิดเห็น) stands at a moment: opinions are taken only while open.
public enum ConsultationPhase: String, Sendable, Hashable, Codable {
    /// Announced; opinions are taken from `opensAt`.
    case upcoming
    /// เปิดรับความคิดเห็น
    case open
    /// ปิดรับแล้ว: its opinions are grouped into themes the agency answers.
    case closed
}

/// What a citizen thinks of the question or a section.
public enum OpinionStance: String, Sendable, Hashable, Codable, CaseIterable {
    case agree
    case disagree
    case neutral
}

/// A consultation an agency opens: a question, or a draft in numbered sections, for an area, taking
/// opinions between two dates.
public struct Consultation: Sendable, Hashable {
    public var id: Int64
    public var agencyCode: String
    public var title: String
    /// The question asked, or the draft's introduction.
    public var question: String
    /// The draft's sections, numbered from 1 in this order; empty for a single question.
    public var sections: [String]
    public var areaCode: String?
    public var opensAt: Date
    public var closesAt: Date
    /// Whether opinions may be given without proving an e-mail address or phone number.
    public var allowsAnonymous: Bool
    public var createdAt: Date
    /// When the opinions were grouped into the themes staff edit (once, after closing).
    public var groupedAt: Date?
    /// When the agency published its responses to the themes.
    public var publishedAt: Date?

    public init(
        id: Int64, agencyCode: String, title: String, question: String, sections: [String], areaCode: String?,
        opensAt: Date, closesAt: Date, allowsAnonymous: Bool, createdAt: Date, groupedAt: Date? = nil,
        publishedAt: Date? = nil
    ) {
        self.id = id
        self.agencyCode = agencyCode
        self.title = title
        self.question = question
        self.sections = sections
        self.areaCode = areaCode
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.allowsAnonymous = allowsAnonymous
        self.createdAt = createdAt
        self.groupedAt = groupedAt
        self.publishedAt = publishedAt
    }

    public func phase(at now: Date) -> ConsultationPhase {
        now < opensAt ? .upcoming : now < closesAt ? .open : .closed
    }
}

/// One opinion. `text` is what the citizen wrote; the public only ever sees `publicText` (personal
/// data replaced by labels).
public struct ConsultationOpinion: Sendable, Hashable {
    public var id: Int64
    public var consultationID: Int64
    /// The draft's section it is about (from 1), nil for the whole.
    public var section: Int?
    public var stance: OpinionStance
    public var text: String
    public var publicText: String
    /// Whether the person proved an address (else anonymous).
    public var verified: Bool
    public var themeID: Int64?
    public var createdAt: Date

    public init(
        id: Int64, consultationID: Int64, section: Int?, stance: OpinionStance, text: String, publicText: String,
        verified: Bool, themeID: Int64?, createdAt: Date
    ) {
        self.id = id
        self.consultationID = consultationID
        self.section = section
        self.stance = stance
        self.text = text
        self.publicText = publicText
        self.verified = verified
        self.themeID = themeID
        self.createdAt = createdAt
    }
}

/// How many opinions of a theme took each stance.
public struct StanceCounts: Sendable, Hashable {
    public var agree = 0
    public var disagree = 0
    public var neutral = 0

    public init(agree: Int = 0, disagree: Int = 0, neutral: Int = 0) {
        self.agree = agree
        self.disagree = disagree
        self.neutral = neutral
    }

    public var total: Int { agree + disagree + neutral }

    public mutating func add(_ stance: OpinionStance) {
        switch stance {
        case .agree: agree += 1
        case .disagree: disagree += 1
        case .neutral: neutral += 1
        }
    }

    /// The share of `stance` among all, 0 when there are none.
    public func share(_ stance: OpinionStance) -> Double {
        guard total > 0 else { return 0 }
        let count = stance == .agree ? agree : stance == .disagree ? disagree : neutral
        return Double(count) / Double(total)
    }
}

/// A theme of opinions: a label staff may rename, the words that set it apart, three representative
/// (redacted) quotes, its size and stances, and the agency's response ("you said, we will").
public struct ConsultationTheme: Sendable, Hashable {
    public var id: Int64
    public var consultationID: Int64
    public var label: String
    public var words: [String]
    /// The opinions quoted, most representative first (their public text in `quotes`).
    public var quoteIDs: [Int64]
    public var quotes: [String]
    public var size: Int
    public var stances: StanceCounts
    public var response: String?
    public var respondedAt: Date?
    /// The opinions no theme took ("other").
    public var isOther: Bool

    public init(
        id: Int64, consultationID: Int64, label: String, words: [String], quoteIDs: [Int64], quotes: [String],
        size: Int, stances: StanceCounts, response: String?, respondedAt: Date?, isOther: Bool = false
    ) {
        self.isOther = isOther
        self.id = id
        self.consultationID = consultationID
        self.label = label
        self.words = words
        self.quoteIDs = quoteIDs
        self.quotes = quotes
        self.size = size
        self.stances = stances
        self.response = response
        self.respondedAt = respondedAt
    }
}

/// A consultation's participation, for statistics and open data.
public struct ConsultationParticipation: Sendable, Hashable {
    public var consultationID: Int64
    public var opinions: Int
    /// Distinct verified people, plus each anonymous opinion (nobody can tell two of those apart).
    public var participants: Int
    public var verifiedOpinions: Int

    public init(consultationID: Int64, opinions: Int, participants: Int, verifiedOpinions: Int) {
        self.consultationID = consultationID
        self.opinions = opinions
        self.participants = participants
        self.verifiedOpinions = verifiedOpinions
    }
}

extension DomainError {
    public static let consultationNotFound = DomainError(
        .notFound, code: "consultation_not_found", th: "ไม่พบการรับฟังความคิดเห็นนี้", en: "No such consultation.")

    public static let themeNotFound = DomainError(
        .notFound, code: "theme_not_found", th: "ไม่พบประเด็นนี้ในการรับฟังความคิดเห็นนี้",
        en: "No such theme in this consultation.")

    public static let consultationNotYourAgency = DomainError(
        .forbidden, code: "not_consultation_staff", th: "เฉพาะเจ้าหน้าที่ของหน่วยงานเจ้าของการรับฟังความคิดเห็นนี้เท่านั้น",
        en: "Only staff of the consultation's agency may do this.")

    /// An opinion given when the consultation does not take them.
    public static func consultationNotOpen(_ phase: ConsultationPhase) -> DomainError {
        phase == .upcoming
            ? DomainError(
                .conflict, code: "consultation_not_yet_open", th: "การรับฟังความคิดเห็นนี้ยังไม่เปิดรับความคิดเห็น",
                en: "This consultation does not take opinions yet.")
            : DomainError(
                .conflict, code: "consultation_closed", th: "การรับฟังความคิดเห็นนี้ปิดรับความคิดเห็นแล้ว",
                en: "This consultation has closed; it no longer takes opinions.")
    }

    public static let consultationStillOpen = DomainError(
        .conflict, code: "consultation_still_open", th: "แก้ไขประเด็นได้เมื่อปิดรับความคิดเห็นแล้ว",
        en: "Themes can be edited once the consultation has closed.")
}
