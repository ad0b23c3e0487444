import Foundation

/// A complaint a citizen is writing in a LINE chat (ร่างเรื่องร้องเรียนทาง LINE), between their first
/// message and their confirmation: what they wrote, where, and how far the conversation is.
///
/// Kept per LINE user (personal data, as the text is) only while it is being written: it is
/// deleted when the case is filed or the citizen cancels, and left unfinished it expires.
public struct LineDraft: Sendable, Equatable {
    /// What the conversation waits for. The raw values are stored.
    public enum Step: String, Sendable, CaseIterable {
        /// The complaint's text is in; the location (or "skip") comes next.
        case location
        /// The summary was shown; the citizen confirms or cancels.
        case confirmation
        /// The citizen confirmed and the case is being filed under `filingKey`; a confirmation
        /// repeated now files under the same key, so it cannot make a second case.
        case filing
    }

    public var step: Step
    /// The complaint as the citizen typed it, messages joined by line breaks.
    public var text: String
    /// The language the citizen wrote in: replies and later messages use it.
    public var language: MessageLanguage
    public var latitude: Double?
    public var longitude: Double?
    /// The address LINE gave with the location (the place the citizen picked).
    public var address: String?
    /// The idempotency key the filing uses, set when the citizen confirms.
    public var filingKey: String?

    public init(
        step: Step = .location, text: String, language: MessageLanguage, latitude: Double? = nil,
        longitude: Double? = nil, address: String? = nil, filingKey: String? = nil
    ) {
        self.step = step
        self.text = text
        self.language = language
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
        self.filingKey = filingKey
    }

    /// Whether a location was given.
    public var hasLocation: Bool { latitude != nil && longitude != nil }
}
