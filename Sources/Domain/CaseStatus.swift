/// The canonical statuses of a case (docs/case-lifecycle.md).
public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// รับเรื่องแล้ว: filed, not yet placed (only for an instant, inside the filing transaction).
    case received
    /// รอคัดกรอง: waiting for a triage officer because placement was not confident.
    case triage
    /// ส่งหน่วยงานแล้ว: routed to an agency, not yet accepted.
    case assigned
    /// หน่วยงานรับเรื่อง
    case accepted
    /// กำลังดำเนินการ
    case inProgress = "in_progress"
    /// ดำเนินการเสร็จสิ้น: the agency gave a result; the citizen may rate it or appeal.
    case resolved
    /// ปิดเรื่อง: the appeal window passed.
    case closed
    /// ไม่รับเรื่อง, with a coded reason.
    case rejected
    /// รวมกับเรื่องอื่น: a duplicate of another case.
    case merged
    /// ผู้แจ้งถอนเรื่อง
    case withdrawn

    /// Whether the case is finished for good (no agency work left, no appeal possible).
    public var isFinal: Bool {
        switch self {
        case .closed, .rejected, .merged, .withdrawn: return true
        default: return false
        }
    }

    /// Whether an agency or the triage desk still owes work on the case.
    public var isOpen: Bool {
        switch self {
        case .received, .triage, .assigned, .accepted, .inProgress: return true
        default: return false
        }
    }

    /// Open311 GeoReport v2 knows only "open" and "closed".
    public var open311: String { isOpen ? "open" : "closed" }

    public var nameTH: String {
        switch self {
        case .received: return "รับเรื่องแล้ว"
        case .triage: return "รอคัดกรอง"
        case .assigned: return "ส่งหน่วยงานแล้ว"
        case .accepted: return "หน่วยงานรับเรื่องแล้ว"
        case .inProgress: return "กำลังดำเนินการ"
        case .resolved: return "ดำเนินการเสร็จสิ้น"
        case .closed: return "ปิดเรื่อง"
        case .rejected: return "ไม่รับเรื่อง"
        case .merged: return "รวมกับเรื่องอื่น"
        case .withdrawn: return "ผู้แจ้งถอนเรื่อง"
        }
    }

    public var nameEN: String {
        switch self {
        case .received: return "Received"
        case .triage: return "Awaiting triage"
        case .assigned: return "Assigned to an agency"
        case .accepted: return "Accepted"
        case .inProgress: return "In progress"
        case .resolved: return "Resolved"
        case .closed: return "Closed"
        case .rejected: return "Rejected"
        case .merged: return "Merged into another case"
        case .withdrawn: return "Withdrawn"
        }
    }
}

/// Why an agency refused a case.
public enum RejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// ไม่อยู่ในอำนาจหน้าที่ของรัฐ
    case notGovernment = "not_government"
    /// ไม่อยู่ในเขตพื้นที่
    case outOfArea = "out_of_area"
    /// ข้อมูลไม่เพียงพอ
    case insufficientInformation = "insufficient_information"
    /// เป็นเรื่องที่อยู่ระหว่างพิจารณาของศาลหรือหน่วยงานอื่น
    case underOtherProcess = "under_other_process"
    /// ถ้อยคำไม่สุภาพหรือก่อกวน
    case abusive
    /// ไม่ใช่เรื่องร้องเรียน (ทดสอบระบบ ฯลฯ)
    case notACase = "not_a_case"

    public var nameTH: String {
        switch self {
        case .notGovernment: return "ไม่อยู่ในอำนาจหน้าที่ของหน่วยงานรัฐ"
        case .outOfArea: return "ไม่อยู่ในเขตพื้นที่รับผิดชอบ"
        case .insufficientInformation: return "ข้อมูลไม่เพียงพอต่อการดำเนินการ"
        case .underOtherProcess: return "อยู่ระหว่างการพิจารณาของศาลหรือกระบวนการอื่น"
        case .abusive: return "ถ้อยคำไม่สุภาพหรือเป็นการก่อกวน"
        case .notACase: return "ไม่ใช่เรื่องร้องเรียนหรือข้อเสนอแนะ"
        }
    }

    public var nameEN: String {
        switch self {
        case .notGovernment: return "Not a matter for a government agency"
        case .outOfArea: return "Outside the agency's area"
        case .insufficientInformation: return "Not enough information to act on"
        case .underOtherProcess: return "Under a court or another process"
        case .abusive: return "Abusive or nuisance filing"
        case .notACase: return "Not a complaint or suggestion"
        }
    }
}
