import Domain
import Foundation
import Services
import Statistics

/// JSON shapes of proposals. The public sees the redacted title and text; the proposer and staff see
/// what was written.
struct ProposalJSON: Encodable {
    struct Scope: Encodable {
        var level: String
        var province: NameJSON?
        var district: NameJSON?
    }
    struct Answer: Encodable {
        var kind: String
        var name_th: String
        var name_en: String
        var text: String?
        var at: String?
        var study_until: String?
        var due: String?
        var late: Bool
    }
    struct Rejection: Encodable {
        var reason: String
        var note: String?
        var duplicate_of: String?
        var case_code: String?
    }
    struct Event: Encodable {
        var at: String
        var kind: String
        var note: String?
        var agency: NameJSON?
    }
    var code: String
    var title: String
    var text: String?
    var status: String
    var status_th: String
    var status_en: String
    var scope: Scope
    var category: NameJSON?
    var estimated_cost: Int64?
    var created_at: String
    var published_at: String?
    var closes_at: String?
    var supports: Int
    var threshold: Int?
    var agency: NameJSON?
    var answer: Answer?
    var rejection: Rejection?
    var timeline: [Event]?
    var url: String
    /// `citizen`, or `budget_round` for a budget round's winner (adopted when its results were published).
    var origin: String
    var budget_project: BudgetProject?

    /// The budget project a winner stands for, and its round's page.
    struct BudgetProject: Encodable {
        var id: Int64
        var round_id: Int64
        var round_name: String
        var url: String
    }
}

/// Builds proposal JSON from records and reference data.
struct ProposalJSONBuilder {
    let reference: Reference
    let names: CaseJSONBuilder

    init(reference: Reference, rules: ServiceRules) {
        self.reference = reference
        names = CaseJSONBuilder(reference: reference, rules: rules)
    }

    /// - Parameters:
    ///   - full: the proposer's or staff's view (unredacted, any status); else the public's.
    ///   - events: the timeline, when it is wanted.
    func make(_ record: ProposalRecord, full: Bool, events: [ProposalEvent]? = nil, summary: Bool = false, now: Date) -> ProposalJSON {
        let category = reference.categories[record.categoryCode]
        let status = ProposalWords.status(record.status)
        return ProposalJSON(
            code: record.code, title: full ? record.title : record.publicTitle,
            text: summary ? nil : (full ? record.text : record.publicText), status: record.status.rawValue,
            status_th: status.th, status_en: status.en,
            scope: .init(
                level: record.scope.level.rawValue, province: names.name(area: record.scope.provinceCode),
                district: names.name(area: record.scope.districtCode)),
            category: category.map { NameJSON(code: $0.code, name_th: $0.nameTH, name_en: $0.nameEN) },
            estimated_cost: record.estimatedCost, created_at: BangkokTime.format(record.createdAt),
            published_at: record.publishedAt.map(BangkokTime.format), closes_at: record.closesAt.map(BangkokTime.format),
            supports: record.supports, threshold: record.threshold,
            agency: record.routedAt == nil && !full ? nil : names.name(agency: record.agencyCode),
            answer: answer(record, now: now),
            rejection: (full && record.rejection != nil)
                ? .init(
                    reason: record.rejection!.rawValue, note: record.rejectionNote, duplicate_of: record.duplicateOfCode,
                    case_code: record.caseCode) : nil,
            timeline: events.map { list in
                list.map {
                    .init(at: BangkokTime.format($0.at), kind: $0.kind.rawValue, note: $0.note, agency: names.name(agency: $0.agencyCode))
                }
            },
            url: "/proposals/\(record.code)", origin: record.origin.rawValue,
            budget_project: record.budget.map {
                .init(id: $0.projectID, round_id: $0.roundID, round_name: $0.roundName, url: "/budgets/\($0.roundID)")
            })
    }

    func answer(_ record: ProposalRecord, now: Date) -> ProposalJSON.Answer? {
        guard record.answerDue != nil || record.answer != nil else { return nil }
        let words = record.answer.map(ProposalWords.answer)
        return .init(
            kind: record.answer?.rawValue ?? "awaiting", name_th: words?.th ?? "รอคำตอบ", name_en: words?.en ?? "awaiting an answer",
            text: record.answerText, at: record.answeredAt.map(BangkokTime.format),
            study_until: record.studyUntil.map(BangkokTime.format), due: record.answerDue.map(BangkokTime.format),
            late: record.answerIsLate(at: now))
    }
}

/// The Thai and English words of proposal statuses and answers, for the API and messages alike.
enum ProposalWords {
    static func status(_ status: ProposalStatus) -> (th: String, en: String) {
        switch status {
        case .pending: ("รอตรวจสอบ", "awaiting moderation")
        case .published: ("เปิดรับการสนับสนุน", "open for support")
        case .rejected: ("ไม่ผ่านการตรวจสอบ", "not published")
        case .expired: ("หมดเวลา ไม่ถึงเกณฑ์", "expired under its threshold")
        case .routed: ("ถึงเกณฑ์ รอหน่วยงานตอบ", "awaiting the agency's answer")
        case .answered: ("หน่วยงานตอบแล้ว", "answered")
        case .implemented: ("ดำเนินการแล้วเสร็จ", "implemented")
        }
    }

    static func answer(_ answer: ProposalAnswer) -> (th: String, en: String) {
        switch answer {
        case .adopted: ("รับไปดำเนินการ", "adopted")
        case .adoptedInPart: ("รับไปดำเนินการบางส่วน", "adopted in part")
        case .underStudy: ("อยู่ระหว่างศึกษา", "under study")
        case .declined: ("ไม่รับ", "declined")
        }
    }

    static func rejection(_ reason: ProposalRejection) -> (th: String, en: String) {
        switch reason {
        case .duplicate: ("ซ้ำกับข้อเสนออื่น", "a duplicate of another proposal")
        case .personalAttack: ("โจมตีบุคคล", "a personal attack")
        case .illegal: ("ผิดกฎหมาย", "illegal")
        case .notPublicMatter: ("ไม่ใช่เรื่องสาธารณะ", "not a public matter")
        case .privateComplaint: ("เป็นเรื่องร้องเรียนส่วนตัว ส่งเป็นเรื่องร้องเรียนแล้ว", "a private complaint, filed as a case")
        }
    }
}
