import Domain
import Foundation

/// What Siang says in a LINE chat, in Thai and English: plain words, short lines, buttons for the
/// next step. The tracking secret appears only in the reply to the filing in a one-to-one chat.
struct LineWords: Sendable {
    let reference: Reference
    let publicURL: String
    let maximumTextLength: Int

    // MARK: Buttons

    static func quickReplies(_ language: MessageLanguage, _ buttons: [Button]) -> [LineMessage.QuickReply] {
        buttons.map { button in
            switch (button, language) {
            case (.location, .th): .location(label: "ส่งตำแหน่ง")
            case (.location, .en): .location(label: "Send location")
            case (.skip, .th): .text(label: "ข้าม", text: "ข้าม")
            case (.skip, .en): .text(label: "Skip", text: "skip")
            case (.confirm, .th): .text(label: "ยืนยัน", text: "ยืนยัน")
            case (.confirm, .en): .text(label: "Confirm", text: "confirm")
            case (.cancel, .th): .text(label: "ยกเลิก", text: "ยกเลิก")
            case (.cancel, .en): .text(label: "Cancel", text: "cancel")
            case (.status, .th): .text(label: "สถานะ", text: "สถานะ")
            case (.status, .en): .text(label: "Status", text: "status")
            }
        }
    }

    enum Button { case location, skip, confirm, cancel, status }

    static func message(_ language: MessageLanguage, th: String, en: String, _ buttons: [Button] = []) -> LineMessage {
        LineMessage(language == .en ? en : th, quickReplies: quickReplies(language, buttons))
    }

    // MARK: The conversation's answers

    /// The answers that need nothing but the plan.
    func messages(for plan: LineChat.Plan) -> [LineMessage] {
        switch plan {
        case .welcome(let language), .help(let language):
            return [
                Self.message(
                    language,
                    th: """
                        แจ้งเรื่องร้องเรียนถึงหน่วยงานรัฐได้ที่นี่ (เสียง)
                        • พิมพ์เล่าปัญหาที่พบ แล้วส่งตำแหน่ง เพื่อแจ้งเรื่อง
                        • พิมพ์ "สถานะ" เพื่อดูเรื่องที่แจ้งไว้
                        • พิมพ์ "ยกเลิก" เพื่อยกเลิกเรื่องที่กำลังเขียน
                        """,
                    en: """
                        Report a problem to the government here (Siang).
                        • Describe the problem, then send its location, to file a case
                        • Type "status" to see your cases
                        • Type "cancel" to drop the case you are writing
                        """, [.status])
            ]
        case .askLocation(let draft):
            return [
                Self.message(
                    draft.language,
                    th: """
                        รับรายละเอียดแล้ว ปัญหานี้อยู่ที่ไหน?
                        ส่งตำแหน่ง (แตะ "ส่งตำแหน่ง" ด้านล่าง) หรือพิมพ์ "ข้าม" ถ้าไม่ต้องการระบุ
                        พิมพ์เพิ่มได้ถ้ายังเล่าไม่ครบ หรือพิมพ์ "ยกเลิก"
                        """,
                    en: """
                        Got it. Where is the problem?
                        Send a location (tap "Send location" below), or type "skip" to go without.
                        You can add more text, or type "cancel".
                        """, [.location, .skip, .cancel])
            ]
        case .cancelled(let language):
            return [
                Self.message(
                    language, th: "ยกเลิกแล้ว ข้อความที่พิมพ์ไว้ถูกลบแล้ว",
                    en: "Cancelled: what you wrote has been deleted.", [.status])
            ]
        case .nothingToCancel(let language):
            return [
                Self.message(
                    language, th: "ไม่มีเรื่องที่กำลังเขียน พิมพ์เล่าปัญหาที่พบเพื่อเริ่มแจ้งเรื่อง",
                    en: "There is nothing to cancel. Describe a problem to start a new case.")
            ]
        case .tooLong(let language):
            return [
                Self.message(
                    language, th: "รายละเอียดยาวเกิน \(maximumTextLength) ตัวอักษร กรุณาเล่าให้สั้นลง",
                    en: "That is longer than \(maximumTextLength) characters; please make it shorter.")
            ]
        case .textFirst(let language):
            return [
                Self.message(
                    language, th: "กรุณาพิมพ์เล่าปัญหาที่พบก่อน แล้วจึงส่งตำแหน่ง",
                    en: "Please describe the problem first, then send its location.")
            ]
        case .stillFiling(let language):
            return [
                Self.message(
                    language,
                    th: "กำลังบันทึกเรื่องที่ยืนยันไว้ ถ้ายังไม่ได้รับรหัสติดตาม พิมพ์ \"ยืนยัน\" อีกครั้ง หรือ \"ยกเลิก\"",
                    en: "The case you confirmed is being filed. If no tracking code came, type \"confirm\" again, or \"cancel\".",
                    [.confirm, .cancel])
            ]
        case .unsupported(let language):
            return [
                Self.message(
                    language, th: "รับได้เฉพาะข้อความและตำแหน่ง ยังรับรูปภาพ สติกเกอร์ และไฟล์ไม่ได้",
                    en: "Only text and locations can be taken here, not pictures, stickers or files.")
            ]
        case .summary, .file, .status, .silent:
            return []
        }
    }

    /// Said once when the account is added to a group chat, in both languages (whose group it is, is unknown).
    func groupsRefused() -> LineMessage {
        LineMessage(
            """
            แจ้งเรื่องร้องเรียนได้ในแชทส่วนตัวกับบัญชีนี้เท่านั้น เพื่อไม่ให้ข้อมูลของผู้แจ้งปรากฏในกลุ่ม
            Cases are filed only in a one-to-one chat with this account, so that nobody's details appear in a group.
            """)
    }

    /// The draft as it would be filed: text, category, place, agency, and who will see it.
    func summary(_ draft: LineDraft, placement: Placement?, rules: ServiceRules) -> LineMessage {
        let en = draft.language == .en
        var lines: [String] = [en ? "Please check before filing:" : "ตรวจสอบก่อนแจ้งเรื่อง"]
        let text = draft.text.count > 300 ? String(draft.text.prefix(300)) + "…" : draft.text
        lines.append((en ? "Problem: " : "เรื่อง: ") + text)
        if let placement {
            let category = reference.categories[placement.category]
            lines.append((en ? "Category: " : "หมวดหมู่: ") + ((en ? category?.nameEN : category?.nameTH) ?? placement.category))
            lines.append((en ? "Area: " : "พื้นที่: ") + (areaName(placement.area, english: en) ?? (en ? "not known" : "ไม่ทราบ")))
        }
        let location: String
        if let address = draft.address {
            location = address
        } else if let latitude = draft.latitude, let longitude = draft.longitude {
            location = String(format: "%.5f, %.5f", latitude, longitude)
        } else {
            location = en ? "not given" : "ไม่ระบุ"
        }
        lines.append((en ? "Location: " : "ตำแหน่ง: ") + location)
        if let placement {
            lines.append((en ? "Goes to: " : "ส่งถึง: ") + agencyName(placement.agencyCode, english: en))
            let isPublic = CaseVisibility.isPublic(
                publicAgreed: true, category: placement.category, privateCategories: rules.privateCategories)
            lines.append(
                isPublic
                    ? (en
                        ? "The case will be public with phone numbers, e-mail addresses and ID numbers hidden, and never who filed it."
                        : "เรื่องนี้จะแสดงต่อสาธารณะ โดยซ่อนเบอร์โทร อีเมล และเลขบัตรประชาชน และไม่แสดงว่าใครแจ้ง")
                    : (en ? "The case will not be public (a private category)." : "เรื่องนี้จะไม่แสดงต่อสาธารณะ (หมวดหมู่ที่เป็นความลับ)"))
        }
        lines.append(en ? "News of the case will come to this chat." : "จะแจ้งความคืบหน้าทางแชทนี้")
        lines.append(en ? "Type \"confirm\" to file it, or \"cancel\"." : "พิมพ์ \"ยืนยัน\" เพื่อแจ้งเรื่อง หรือ \"ยกเลิก\"")
        return Self.message(
            draft.language, th: lines.joined(separator: "\n"), en: lines.joined(separator: "\n"),
            draft.hasLocation ? [.confirm, .cancel] : [.confirm, .location, .cancel])
    }

    /// The answer to a filing: the tracking code, the agency and the link; then, in messages of
    /// their own, the secret (shown once) and what it is for, so the code can be forwarded without it.
    ///
    /// The secret is sent here, in the one-to-one chat, because without it the citizen could not
    /// read their whole case, rate it, appeal, withdraw or have their data erased; LINE has proved
    /// who the chat is with, and groups never get this far. It never goes into a push, a URL or a log.
    func filed(_ filed: FiledCase, language: MessageLanguage) -> [LineMessage] {
        let record = filed.record
        let en = language == .en
        let link = "\(publicURL)/cases/\(record.code)"
        let agency = agencyName(record.state.agencyCode, english: en)
        return [
            Self.message(
                language,
                th: """
                    แจ้งเรื่องแล้ว
                    รหัสติดตาม: \(record.code)
                    ส่งถึง: \(agency)
                    ดูความคืบหน้า: \(link)
                    จะแจ้งความคืบหน้าทางแชทนี้ พิมพ์ "สถานะ" เพื่อดูเรื่องของท่าน
                    """,
                en: """
                    Your case is filed.
                    Tracking code: \(record.code)
                    Goes to: \(agency)
                    Follow it: \(link)
                    News will come to this chat; type "status" to see your cases.
                    """, [.status]),
            Self.message(
                language,
                th: "ข้อความถัดไปคือรหัสลับของเรื่อง \(record.code) แสดงครั้งนี้ครั้งเดียว เก็บไว้และอย่าส่งต่อ "
                    + "ใช้คู่กับรหัสติดตามที่หน้าเว็บ เพื่อดูรายละเอียด ให้คะแนน อุทธรณ์ ถอนเรื่อง หรือขอลบข้อมูลของท่าน",
                en: "The next message is the secret of case \(record.code), shown only this once: keep it and do not "
                    + "forward it. With the tracking code it lets you read the whole case, rate it, appeal, withdraw it "
                    + "or have your data erased on the web page."),
            LineMessage(filed.secret),
        ]
    }

    /// Why a filing was refused (the domain's own words).
    func refused(_ error: DomainError, language: MessageLanguage) -> LineMessage {
        Self.message(
            language, th: "แจ้งเรื่องไม่สำเร็จ: \(error.messageTH)\nพิมพ์เพิ่มเพื่อแก้ไข หรือพิมพ์ \"ยกเลิก\"",
            en: "The case could not be filed: \(error.messageEN)\nAdd to the text to fix it, or type \"cancel\".",
            [.cancel])
    }

    /// The citizen's latest cases filed on LINE: code, category, status, filing date and link.
    func status(_ records: [CaseRecord], language: MessageLanguage) -> LineMessage {
        let en = language == .en
        guard !records.isEmpty else {
            return Self.message(
                language, th: "ยังไม่มีเรื่องที่ท่านแจ้งทาง LINE พิมพ์เล่าปัญหาที่พบเพื่อเริ่มแจ้งเรื่อง",
                en: "You have no cases filed on LINE yet. Describe a problem to start one.")
        }
        var blocks = [en ? "Your latest cases:" : "เรื่องล่าสุดที่ท่านแจ้ง:"]
        for record in records {
            let category = reference.categories[record.state.categoryCode]
            let status = en ? record.state.status.nameEN : record.state.status.nameTH
            blocks.append(
                [
                    record.code,
                    "\((en ? category?.nameEN : category?.nameTH) ?? record.state.categoryCode) · \(status)",
                    (en ? "Filed " : "แจ้งเมื่อ ") + Self.day(record.filedAt, english: en),
                    "\(publicURL)/cases/\(record.code)",
                ].joined(separator: "\n"))
        }
        return Self.message(language, th: blocks.joined(separator: "\n\n"), en: blocks.joined(separator: "\n\n"))
    }

    // MARK: Names

    func agencyName(_ code: String?, english: Bool) -> String {
        guard let code else {
            return english ? "the triage desk, which finds the agency responsible" : "ศูนย์คัดแยกเรื่อง (พิจารณาหน่วยงานที่รับผิดชอบ)"
        }
        guard let agency = reference.agencies[code] else { return code }
        return english ? agency.nameEN : agency.nameTH
    }

    func areaName(_ area: CaseArea, english: Bool) -> String? {
        let names = [area.subdistrictCode, area.districtCode, area.provinceCode].compactMap { code in
            code.flatMap { reference.areas[$0] }.map { english ? $0.nameEN : $0.nameTH }
        }
        return names.isEmpty ? nil : names.joined(separator: english ? ", " : " ")
    }

    static let thaiMonths = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A Bangkok calendar day: "6 ธ.ค. 2569" (Buddhist era) or "6 Dec 2026".
    static func day(_ date: Date, english: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Bangkok") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let (year, month, day) = (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        return english
            ? "\(day) \(englishMonths[month - 1]) \(year)" : "\(day) \(thaiMonths[month - 1]) \(year + 543)"
    }
}
