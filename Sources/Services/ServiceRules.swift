public import Domain
public import Foundation
public import Photos

/// The configurable rules of filing and handling cases (from `Config/siang.json`).
public struct ServiceRules: Sendable {
    /// Below this calibrated confidence a case goes to triage instead of an agency.
    public var triageThreshold: Double
    /// Longest case text, in characters.
    public var maximumTextLength: Int
    public var maximumTitleLength: Int
    /// Longest note, reason, comment or result of an action (citizen's or staff's), in characters.
    public var maximumNoteLength: Int
    /// Categories whose cases are never shown to the public (they concern a person).
    public var privateCategories: Set<String>
    /// The version of the consent text citizens accept when they give contact details.
    public var consentVersion: String
    public var lifecycle: LifecycleRules
    /// How long an idempotency key (and the secret kept to answer a retry) is kept.
    public var idempotencyRetention: TimeInterval
    /// How long after a case is finished its contact details are kept before they are erased
    /// (PDPA: kept no longer than needed); nil keeps them until the citizen asks.
    public var contactRetention: TimeInterval?
    /// How long a complaint being written in a LINE chat is kept unfinished before it is dropped
    /// (it holds the citizen's words and LINE user id).
    public var lineDraftLifetime: TimeInterval
    /// How many photos, how large, how many pixels (`photos.*`).
    public var photoLimits: PhotoLimits

    public init(
        triageThreshold: Double = 0.4, maximumTextLength: Int = 5000, maximumTitleLength: Int = 200,
        maximumNoteLength: Int = 2000,
        privateCategories: Set<String> = [], consentVersion: String = "2026-01", lifecycle: LifecycleRules = .init(),
        idempotencyRetention: TimeInterval = 24 * 3600, contactRetention: TimeInterval? = 730 * 86_400,
        lineDraftLifetime: TimeInterval = 24 * 3600, photoLimits: PhotoLimits = PhotoLimits()
    ) {
        self.photoLimits = photoLimits
        self.lineDraftLifetime = lineDraftLifetime
        self.triageThreshold = triageThreshold
        self.maximumTextLength = maximumTextLength
        self.maximumTitleLength = maximumTitleLength
        self.maximumNoteLength = maximumNoteLength
        self.privateCategories = privateCategories
        self.consentVersion = consentVersion
        self.lifecycle = lifecycle
        self.idempotencyRetention = idempotencyRetention
        self.contactRetention = contactRetention
    }
}
