public import Classification
public import Domain
public import ThaiText

/// Where a text goes: its category, its area (the one given, else the places its text names) and
/// the responsible agency or the triage desk. Filing, the category suggestion and `siang classify`
/// all ask `Placer`, so what they say of one text cannot disagree.
public struct Placement: Sendable {
    /// Why a case goes to the triage desk instead of an agency.
    public enum TriageReason: Sendable, Equatable {
        /// The classifier's confidence is under the triage threshold.
        case unsure(confidence: Double)
        /// No agency is responsible for the category in the area (no rule, or a rule naming the desk).
        case noAgency
    }

    public var prediction: Prediction
    public var places: [PlaceMention]
    /// The category the case is filed in: the citizen's choice, else the prediction.
    public var category: String
    public var area: CaseArea
    public var areaSource: AreaSource
    /// The responsible agency; nil when the case goes to the triage desk.
    public var agencyCode: String?
    /// Why the case goes to the triage desk; nil when it goes to an agency.
    public var triageReason: TriageReason?
    /// Why the area given could not be used, when placing was told to go on without it.
    public var areaError: DomainError?
    /// Names in the text that fit several places and were left out rather than guessed.
    public var ambiguousPlaces: [Gazetteer.Ambiguity] = []
    /// The model version that made the prediction (nil: the default model).
    public var modelVersion: Int64?

    /// The status a case placed here starts in.
    public var status: CaseStatus { agencyCode == nil ? .triage : .assigned }

    /// The note of the filing's timeline entry: why the case went to the triage desk.
    public var filingNote: String? {
        switch triageReason {
        case .unsure(let confidence)?: return "ระบบจัดหมวดหมู่ไม่มั่นใจพอ (ความมั่นใจ \(Int((confidence * 100).rounded()))%)"
        case .noAgency?: return "ไม่พบหน่วยงานรับผิดชอบสำหรับหมวดหมู่และพื้นที่นี้"
        case nil: return nil
        }
    }
}

/// Places texts (`Placement`) with the model, the reference data and the triage threshold.
public struct Placer: Sendable {
    public let analyzer: TextAnalyzer
    public let reference: Reference
    public let triageThreshold: Double

    public init(analyzer: TextAnalyzer, reference: Reference, triageThreshold: Double) {
        self.analyzer = analyzer
        self.reference = reference
        self.triageThreshold = triageThreshold
    }

    /// - Parameters:
    ///   - area: the area the citizen gave (codes or names), possibly empty.
    ///   - chosenCategory: the category the citizen chose, if any; a chosen category is never sent to
    ///     triage for want of confidence.
    ///   - lenientArea: on an area given that does not resolve, place from the text and report the
    ///     error in `areaError` instead of throwing (`siang classify` always answers the category).
    /// - Throws: `unknown_area`, `area_mismatch` (`DomainError`) for an area given that does not exist.
    public func place(
        _ text: String, area input: FilingRequest.AreaInput = .init(), chosenCategory: String? = nil,
        lenientArea: Bool = false
    ) throws(DomainError) -> Placement {
        var given: CaseArea?
        var areaError: DomainError?
        if !input.isEmpty {
            do {
                given = try AreaResolution.resolveGiven(input, reference: reference)
            } catch {
                if !lenientArea { throw error }
                areaError = error
            }
        }
        let analysis = analyzer.analyze(text, context: Set(given?.lineage ?? []))
        let (area, areaSource) = AreaResolution.resolve(given: given, mentions: analysis.places)
        let category = chosenCategory ?? analysis.prediction.category
        let confident = chosenCategory != nil || analysis.prediction.confidence >= triageThreshold
        let agency = confident ? reference.router.route(category: category, area: area).agencyCode : nil
        return Placement(
            prediction: analysis.prediction, places: analysis.places, category: category, area: area,
            areaSource: areaSource, agencyCode: agency,
            triageReason: agency != nil ? nil : confident ? .noAgency : .unsure(confidence: analysis.prediction.confidence),
            areaError: areaError, ambiguousPlaces: analysis.ambiguousPlaces, modelVersion: analysis.modelVersion)
    }
}
