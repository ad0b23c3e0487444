/// When a citizen may have their contact details erased (PDPA: the right to erasure, การลบข้อมูลส่วนบุคคล).
///
/// While a case is being handled the agency may need to call the citizen back, and a resolved
/// case can still be appealed and reopened; once the case is finished for good
/// (`CaseStatus.isFinal`) nobody needs the contact details any more, so the citizen may have
/// them erased. The case, its timeline and its public text stay: they hold no contact details.
public enum ContactErasure {
    /// The statuses in which contact details may be erased (the finished ones), for SQL filters.
    public static let erasableStatuses: [CaseStatus] = CaseStatus.allCases.filter(isAllowed(in:))

    /// Whether contact details may be erased while the case is in `status`.
    public static func isAllowed(in status: CaseStatus) -> Bool { status.isFinal }

    /// Refuses an erasure while the case is not finished.
    /// - Throws: `case_not_finished` (`conflict`).
    public static func check(_ status: CaseStatus) throws(DomainError) {
        guard isAllowed(in: status) else { throw notFinished(status) }
    }

    /// The refusal of an erasure asked for while the case is in `status`.
    public static func notFinished(_ status: CaseStatus) -> DomainError {
        DomainError(
            .conflict, code: "case_not_finished",
            th: "ลบข้อมูลติดต่อได้เมื่อเรื่องสิ้นสุดแล้วเท่านั้น (\(erasableStatuses.map(\.nameTH).joined(separator: ", "))) "
                + "ขณะนี้เรื่องอยู่ในสถานะ \"\(status.nameTH)\" ซึ่งหน่วยงานอาจยังต้องติดต่อท่าน",
            en: "Contact details can be erased only once the case is finished ("
                + erasableStatuses.map(\.rawValue).joined(separator: ", ") + "); it is \(status.rawValue), "
                + "and the agency may still need to contact you.")
    }
}
