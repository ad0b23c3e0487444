/// The refusals of participatory budgeting.
extension DomainError {
    public static let budgetRoundNotFound = DomainError(
        .notFound, code: "budget_round_not_found", th: "ไม่พบรอบงบประมาณนี้", en: "No such budget round.")

    public static let budgetVoterUnknown = DomainError(
        .unauthenticated, code: "voter_not_verified", th: "กรุณายืนยันตัวตนด้วยรหัสยืนยันก่อนลงคะแนน",
        en: "Verify yourself with a one-time code before voting.")

    public static let budgetIdeaNotOpen = DomainError(
        .conflict, code: "budget_idea_not_open", th: "ข้อเสนอนี้ได้รับการพิจารณาแล้วหรือไม่อยู่ในรอบนี้",
        en: "This idea has already been reviewed or is not in this round.")

    public static let budgetNotYourRound = DomainError(
        .notFound, code: "budget_round_not_found", th: "ไม่พบรอบงบประมาณนี้", en: "No such budget round.")

    /// The action needs the round to be in `phase`, and it is in `current`.
    public static func budgetWrongPhase(needs phase: BudgetPhase, current: BudgetPhase) -> DomainError {
        DomainError(
            .conflict, code: "budget_wrong_phase",
            th: "ทำรายการนี้ได้เฉพาะช่วง\(phase.nameTH) ขณะนี้อยู่ในช่วง\(current.nameTH)",
            en: "This can only be done in the \(phase.nameEN) phase; the round is in the \(current.nameEN) phase.")
    }

    /// Results are published once; their winners' proposals are made once.
    public static let budgetResultsPublished = DomainError(
        .conflict, code: "budget_results_published", th: "ประกาศผลรอบนี้แล้ว", en: "This round's results are already published.")

    public static let budgetProjectImplemented = DomainError(
        .conflict, code: "budget_project_implemented", th: "โครงการนี้ดำเนินการแล้วเสร็จ ไม่รับรายงานความคืบหน้าเพิ่ม",
        en: "This project is implemented: that was its last progress update.")

    public static let budgetIneligibleArea = DomainError(
        .forbidden, code: "budget_area_not_eligible", th: "พื้นที่ที่ท่านแจ้งไม่อยู่ในพื้นที่ของรอบงบประมาณนี้",
        en: "The area you live in is not part of this round's area.")
}

extension BudgetPhase {
    public var nameTH: String {
        switch self {
        case .upcoming: return "ยังไม่เปิด"
        case .ideas: return "รับข้อเสนอ"
        case .review: return "พิจารณาข้อเสนอ"
        case .vote: return "ลงคะแนน"
        case .results: return "ประกาศผล"
        }
    }

    public var nameEN: String {
        switch self {
        case .upcoming: return "not yet open"
        case .ideas: return "ideas"
        case .review: return "review"
        case .vote: return "vote"
        case .results: return "results"
        }
    }
}
