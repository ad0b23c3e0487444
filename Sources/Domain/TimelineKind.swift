/// What one entry of a case's timeline records. The raw values are stored and published in the API.
public enum TimelineKind: String, Sendable, CaseIterable {
    case filed
    case accepted
    case started
    case commented
    case resolved
    case rejected
    case transferred
    case recategorised
    case merged
    /// The triage desk gave the case its category and agency.
    case placed
    case feedback
    case reopened
    case withdrawn
    case closed
    /// The citizen's contact details were erased (on request or at the end of their retention).
    case contactErased = "contact_erased"

    /// Entries that carry the agency's answer to the citizen (their note is what the agency said).
    public var isAnswer: Bool { self == .resolved || self == .commented || self == .rejected }
}

/// Who made a timeline entry. The raw values are stored and published in the API.
public enum ActorKind: String, Sendable, CaseIterable {
    case citizen
    case staff
    case system
}
