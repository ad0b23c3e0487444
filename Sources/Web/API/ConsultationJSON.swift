import Domain
import Foundation
import Services
import Statistics
import JSONBytes

/// The JSON shapes of consultations, for the public and the staff API.
enum ConsultationJSON {
    struct Section: Encodable {
        var number: Int
        var text: String
    }

    struct Participation: Encodable {
        var opinions: Int
        var participants: Int
        var verified_opinions: Int
    }

    struct Item: Encodable {
        var id: Int64
        var agency: String
        var title: String
        var question: String
        var sections: [Section]
        var area: String?
        var opens_at: String
        var closes_at: String
        var phase: String
        var allows_anonymous: Bool
        var responses_published_at: String?
        var participation: Participation?
    }

    static func participation(_ value: ConsultationParticipation) -> Participation {
        Participation(opinions: value.opinions, participants: value.participants, verified_opinions: value.verifiedOpinions)
    }

    static func item(_ consultation: Consultation, phase: ConsultationPhase, participation: ConsultationParticipation? = nil) -> Item {
        Item(
            id: consultation.id, agency: consultation.agencyCode, title: consultation.title, question: consultation.question,
            sections: consultation.sections.enumerated().map { Section(number: $0.offset + 1, text: $0.element) },
            area: consultation.areaCode, opens_at: BangkokTime.format(consultation.opensAt),
            closes_at: BangkokTime.format(consultation.closesAt), phase: phase.rawValue,
            allows_anonymous: consultation.allowsAnonymous,
            responses_published_at: consultation.publishedAt.map(BangkokTime.format),
            participation: participation.map(Self.participation))
    }

    struct Stances: Encodable {
        var agree: Int
        var disagree: Int
        var neutral: Int
        var agree_share: Double
        var disagree_share: Double
        var neutral_share: Double
    }

    static func stances(_ counts: StanceCounts) -> Stances {
        func share(_ stance: OpinionStance) -> Double { counts.share(stance).rounded(toPlaces: 3) }
        return Stances(
            agree: counts.agree, disagree: counts.disagree, neutral: counts.neutral, agree_share: share(.agree),
            disagree_share: share(.disagree), neutral_share: share(.neutral))
    }

    struct Theme: Encodable {
        /// 0 for a live theme (grouped afresh while the consultation runs, not stored).
        var id: Int64
        var label: String
        var size: Int
        var words: [String]
        var quotes: [String]
        var quote_ids: [Int64]
        var stances: Stances
        var is_other: Bool
        var response: String?
        var responded_at: String?
    }

    static func theme(_ theme: ConsultationTheme) -> Theme {
        Theme(
            id: theme.id, label: theme.label, size: theme.size, words: theme.words, quotes: theme.quotes,
            quote_ids: theme.quoteIDs, stances: stances(theme.stances), is_other: theme.isOther, response: theme.response,
            responded_at: theme.respondedAt.map(BangkokTime.format))
    }

    struct Opinion: Encodable {
        var id: Int64
        var consultation_id: Int64
        var section: Int?
        var stance: String
        /// The text with personal data replaced by labels.
        var text: String
        var verified: Bool
        var theme_id: Int64?
        var created_at: String
        /// What the person wrote, for the consultation's staff only.
        var original_text: String?
    }

    static func opinion(_ opinion: ConsultationOpinion, staff: Bool = false) -> Opinion {
        Opinion(
            id: opinion.id, consultation_id: opinion.consultationID, section: opinion.section, stance: opinion.stance.rawValue,
            text: opinion.publicText, verified: opinion.verified, theme_id: opinion.themeID,
            created_at: BangkokTime.format(opinion.createdAt), original_text: staff ? opinion.text : nil)
    }
}
