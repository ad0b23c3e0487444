public import Domain
public import Foundation
import Statistics
public import Store

/// What a change to a proposal tells whom: a short message to the proposer (and, for answers, to the
/// supporters who asked) with the code and a link, never the secret; and the JSON event the
/// responsible agency's webhooks receive.
public struct ProposalMessages: Sendable {
    let publicURL: String
    let reference: Reference

    public init(publicURL: String, reference: Reference) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.reference = reference
    }

    /// The notices of `event` about `record` as it now is.
    public func notices(_ event: NotificationEvent, record: ProposalRecord, at now: Date) -> ProposalStore.Notices {
        let code = record.code
        let link = "\(publicURL)/proposals/\(code)"
        let agency = record.agencyCode.flatMap { reference.agencies[$0] }
        let (th, en): (String, String)
        var supporters = false
        switch event {
        case .proposalPublished:
            th = "ข้อเสนอ \(code) เผยแพร่แล้ว เปิดรับการสนับสนุนถึงวันที่ \(record.closesAt.map(Self.day) ?? "-")"
            en = "Proposal \(code) is published; supports are open until \(record.closesAt.map(Self.day) ?? "-")"
        case .proposalRejected:
            th = "ข้อเสนอ \(code) ไม่ผ่านการตรวจสอบ ดูเหตุผลที่ลิงก์"
            en = "Proposal \(code) was not published: see why at the link"
        case .proposalThresholdReached:
            th = "ข้อเสนอ \(code) ได้รับการสนับสนุนครบเกณฑ์แล้ว ส่งถึง\(agency?.nameTH ?? "ศูนย์คัดแยกเรื่อง")เพื่อตอบภายในวันที่ \(record.answerDue.map(Self.day) ?? "-")"
            en = "Proposal \(code) reached its threshold and went to \(agency?.nameEN ?? "the triage desk") for an answer by \(record.answerDue.map(Self.day) ?? "-")"
        case .proposalAnswered:
            supporters = true
            th = "\(agency?.nameTH ?? "หน่วยงาน")ตอบข้อเสนอ \(code) แล้ว: \(Self.answerTH(record.answer))"
            en = "\(agency?.nameEN ?? "The agency") answered proposal \(code): \(Self.answerEN(record.answer))"
        case .proposalProgress:
            supporters = true
            th = record.status == .implemented ? "ข้อเสนอ \(code) ดำเนินการแล้วเสร็จ" : "ข้อเสนอ \(code) มีความคืบหน้า"
            en = record.status == .implemented ? "Proposal \(code) has been implemented" : "News on proposal \(code)"
        default:
            return .none
        }
        var notices = CaseNotices(
            citizen: (
                event, MessageText(subject: "เสียง: \(th)", body: th + "\n" + link),
                MessageText(subject: "Siang: \(en)", body: en + "\n" + link)
            ))
        if let agencyCode = record.agencyCode,
            [.proposalThresholdReached, .proposalAnswered, .proposalProgress].contains(event)
        {
            notices.agencyEvent = (event, payload(event, record: record, at: now))
            notices.agencies = [agencyCode]
        }
        return ProposalStore.Notices(notices, supporters: supporters)
    }

    /// The webhook event's `data`: the proposal's public fields and what happened.
    func payload(_ event: NotificationEvent, record: ProposalRecord, at now: Date) -> String {
        struct Payload: Encodable {
            struct Proposal: Encodable {
                var code: String
                var title: String
                var status: String
                var category: String
                var scope: String
                var province: String?
                var district: String?
                var supports: Int
                var threshold: Int?
                var agency: String?
                var answer_due: String?
                var answer: String?
            }
            struct Change: Encodable {
                var kind: String
                var at: String
            }
            var proposal: Proposal
            var change: Change
        }
        let value = Payload(
            proposal: .init(
                code: record.code, title: record.publicTitle, status: record.status.rawValue, category: record.categoryCode,
                scope: record.scope.level.rawValue, province: record.scope.provinceCode, district: record.scope.districtCode,
                supports: record.supports, threshold: record.threshold, agency: record.agencyCode,
                answer_due: record.answerDue.map(BangkokTime.format), answer: record.answer?.rawValue),
            change: .init(kind: event.rawValue, at: BangkokTime.format(now)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func day(_ date: Date) -> String { String(BangkokTime.format(date).prefix(10)) }

    static func answerTH(_ answer: ProposalAnswer?) -> String {
        switch answer {
        case .adopted: "รับไปดำเนินการ"
        case .adoptedInPart: "รับไปดำเนินการบางส่วน"
        case .underStudy: "อยู่ระหว่างศึกษา"
        case .declined: "ไม่รับ พร้อมเหตุผล"
        case nil: "-"
        }
    }

    static func answerEN(_ answer: ProposalAnswer?) -> String {
        switch answer {
        case .adopted: "adopted"
        case .adoptedInPart: "adopted in part"
        case .underStudy: "under study"
        case .declined: "declined, with reasons"
        case nil: "-"
        }
    }
}
