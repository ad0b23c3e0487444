public import Domain

/// A staff action as the API's JSON and the staff pages' form both send it: the action's name and
/// the fields it may take. `action(rules:)` is the one parser of both.
public struct StaffActionRequest: Sendable, Equatable {
    public var action: String
    public var note: String?
    public var isInternal: Bool
    public var result: String?
    public var reason: String?
    public var agency: String?
    public var category: String?
    /// The tracking code of the case to merge into.
    public var into: String?

    public init(
        action: String, note: String? = nil, isInternal: Bool = false, result: String? = nil, reason: String? = nil,
        agency: String? = nil, category: String? = nil, into: String? = nil
    ) {
        self.action = action
        self.note = note
        self.isInternal = isInternal
        self.result = result
        self.reason = reason
        self.agency = agency
        self.category = category
        self.into = into
    }

    /// The action asked for.
    /// - Throws: `invalid_note`/`invalid_result` for a text over the note limit, `missing_<field>` for a
    ///   field the action needs, `invalid_reason`, `unknown_action` (all `invalid`).
    public func action(rules: ServiceRules) throws(DomainError) -> StaffAction {
        try rules.checkNote(note, field: "note")
        try rules.checkNote(result, field: "result")
        let note = self.note?.nonBlank
        switch action {
        case "accept": return .accept(note: note)
        case "start": return .start(note: note)
        case "comment": return .comment(note: try required(self.note, "note"), internal: isInternal)
        case "resolve": return .resolve(result: try required(result, "result"))
        case "reject":
            let reasonCode = try required(reason, "reason")
            guard let reason = RejectionReason(rawValue: reasonCode) else {
                let choices = RejectionReason.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(
                    "invalid_reason", th: "เหตุผลต้องเป็นหนึ่งใน: " + choices, en: "\"reason\" must be one of: " + choices)
            }
            return .reject(reason: reason, note: note)
        case "transfer":
            let target = try required(agency, "agency")
            return .transfer(agency: target == "triage" ? nil : target, note: try required(self.note, "note"))
        case "recategorise", "recategorize": return .recategorise(category: try required(category, "category"), note: note)
        case "merge": return .merge(into: try required(into, "into"), note: note)
        case "place":
            return .place(agency: try required(agency, "agency"), category: category?.nonBlank, note: note)
        default:
            throw .invalid(
                "unknown_action", th: "ไม่รู้จักรายการ \"\(action)\"",
                en: "Unknown action \"\(action)\"; use accept, start, comment, resolve, reject, transfer, recategorise, merge or place.")
        }
    }

    func required(_ value: String?, _ field: String) throws(DomainError) -> String {
        guard let value = value?.nonBlank else {
            throw .invalid(
                "missing_\(field)", th: "ต้องระบุ \(field) สำหรับรายการ \(action)", en: "\"\(field)\" is required for \(action).")
        }
        return value
    }
}

extension ServiceRules {
    /// Refuses a note, reason, comment or result longer than `maximumNoteLength` or holding a NUL.
    /// - Throws: `invalid_<field>` (`invalid`).
    public func checkNote(_ text: String?, field: String) throws(DomainError) {
        guard let text else { return }
        let limit = maximumNoteLength
        guard text.count <= limit, !text.unicodeScalars.contains("\0") else {
            throw .invalid(
                "invalid_\(field)", th: "ข้อความยาวเกิน \(limit) ตัวอักษรหรือมีอักขระที่ใช้ไม่ได้",
                en: "\"\(field)\" must be at most \(limit) characters without NUL characters.")
        }
    }
}
