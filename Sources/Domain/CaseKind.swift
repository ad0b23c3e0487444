/// What a citizen is filing.
public enum CaseKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// ร้องเรียน
    case complaint
    /// เสนอแนะ
    case suggestion
    /// สอบถาม
    case inquiry

    public var nameTH: String {
        switch self {
        case .complaint: return "ร้องเรียน"
        case .suggestion: return "เสนอแนะ"
        case .inquiry: return "สอบถาม"
        }
    }
}
