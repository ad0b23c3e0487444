public import Domain
public import Foundation
import JSONBytes
import Statistics

/// Writes what a change tells whom (`CaseNotices`): the citizen's short message in Thai and in
/// English, and the JSON event an agency's webhooks receive.
///
/// A citizen's message holds the tracking code, the new status and a link to the case page; never
/// the tracking secret, never the case's text (an e-mail or SMS may be read by someone else).
public struct NotificationComposer: Sendable {
    /// The address citizens reach Siang at (`https://siang.example.go.th`), for links.
    public let publicURL: String
    let reference: Reference

    public init(publicURL: String, reference: Reference) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.reference = reference
    }

    /// What a change recorded as `entry` tells whom, about `record` as it now is; `previousAgency` is the
    /// agency the case had before (a transfer tells both).
    ///
    /// Nothing is written for no one: the citizen's words only when `citizenListens` may be true (a
    /// filing knows its subscriptions; a later change leaves it to the stored ones), the webhook
    /// payload only when the case has an agency whose webhooks could hear of it. Filing is a hot path.
    public func notices(
        for record: CaseRecord, entry: TimelineEntry, previousAgency: String?, at now: Date, citizenListens: Bool = true
    ) -> CaseNotices {
        var notices = CaseNotices()
        if citizenListens, let event = NotificationEvent.forCitizen(entry) {
            notices.citizen = (event, message(event, record: record, entry: entry, language: .th),
                message(event, record: record, entry: entry, language: .en))
        }
        var agencies: [String] = []
        for agency in [record.state.agencyCode, previousAgency].compactMap({ $0 }) where !agencies.contains(agency) {
            agencies.append(agency)
        }
        if !agencies.isEmpty, let event = NotificationEvent.forAgency(entry) {
            notices.agencyEvent = (event, payload(event, record: record, entry: entry, at: now))
            notices.agencies = agencies
        }
        return notices
    }

    /// The citizen's message about `event`, in `language`.
    public func message(
        _ event: NotificationEvent, record: CaseRecord, entry: TimelineEntry, language: MessageLanguage
    ) -> MessageText {
        let code = record.code
        let link = "\(publicURL)/cases/\(code)"
        let agency = record.state.agencyCode.flatMap { reference.agencies[$0] }
        let agencyName = agency.map { language == .en ? $0.nameEN : $0.nameTH }
        let (th, en): (String, String)
        switch event {
        case .caseFiled:
            th = "รับเรื่อง \(code) แล้ว" + (agencyName.map { " ส่งถึง\($0)" } ?? " กำลังพิจารณาหน่วยงานที่รับผิดชอบ")
            en = "Case \(code) received" + (agencyName.map { ", sent to \($0)" } ?? "; finding the agency responsible")
        case .caseAssigned, .caseTransferred:
            th = "เรื่อง \(code) ส่งถึง\(agencyName ?? "ศูนย์คัดแยกเรื่อง")แล้ว"
            en = "Case \(code) is now with \(agencyName ?? "the triage desk")"
        case .caseAccepted:
            th = "\(agencyName ?? "หน่วยงาน")รับเรื่อง \(code) แล้ว"
            en = "\(agencyName ?? "The agency") accepted case \(code)"
        case .caseAnswered:
            th = "เรื่อง \(code) มีความคืบหน้าจาก\(agencyName ?? "หน่วยงาน")"
            en = "News on case \(code) from \(agencyName ?? "the agency")"
        case .caseResolved:
            th = "เรื่อง \(code) ดำเนินการเสร็จแล้ว ให้คะแนนหรืออุทธรณ์ได้ที่ลิงก์"
            en = "Case \(code) is resolved: rate the result or appeal at the link"
        case .caseRejected:
            th = "เรื่อง \(code) ไม่ได้รับการดำเนินการ ดูเหตุผลที่ลิงก์"
            en = "Case \(code) was not taken up: see why at the link"
        case .caseReopened:
            th = "เรื่อง \(code) เปิดดำเนินการอีกครั้งตามที่ท่านอุทธรณ์"
            en = "Case \(code) is open again after your appeal"
        case .caseMerged:
            th = "เรื่อง \(code) รวมกับเรื่องเดียวกันที่แจ้งไว้แล้ว"
            en = "Case \(code) was merged with an earlier case about the same problem"
        case .caseClosed:
            th = "เรื่อง \(code) ปิดแล้ว"
            en = "Case \(code) is closed"
        case .caseStarted, .caseRecategorised, .caseWithdrawn, .caseRated, .oneTimeCode, .proposalPublished,
            .proposalRejected, .proposalThresholdReached, .proposalAnswered, .proposalProgress:
            th = "เรื่อง \(code) มีการเปลี่ยนแปลง"
            en = "Case \(code) has changed"
        }
        let subject = language == .en ? "Siang: \(en)" : "เสียง: \(th)"
        let body = (language == .en ? en : th) + "\n" + link
        return MessageText(subject: subject, body: body)
    }

    /// The webhook event's `data`: the case as the agency knows it and what happened. The delivery
    /// wraps it with the event's id, type and time.
    func payload(_ event: NotificationEvent, record: CaseRecord, entry: TimelineEntry, at now: Date) -> String {
        // Written field by field: a filing writes one, and `Encodable`'s generic calls (twenty of them
        // here) cost more than the writing. Optional fields are left out when nil.
        let state = record.state
        let json = JSONObjectWriter()
        json.object("case") { json in
            json.string("code", record.code)
            json.string("status", state.status.rawValue)
            json.string("category", state.categoryCode)
            json.string("agency", state.agencyCode)
            json.string("kind", record.kind.rawValue)
            json.string("province", record.area.provinceCode)
            json.string("district", record.area.districtCode)
            json.string("filed_at", Self.time(record.filedAt))
        }
        json.object("change") { json in
            json.string("kind", entry.kind.rawValue)
            json.string("at", Self.time(now))
            json.string("from_status", entry.fromStatus?.rawValue)
            json.string("to_status", entry.toStatus?.rawValue)
            json.string("agency", entry.agencyCode)
            json.string("note", entry.note)
            json.bool("internal", entry.isInternal)
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func time(_ date: Date) -> String { BangkokTime.format(date) }
}
