public import Domain
public import Foundation

/// One model version as administrators see it: the version, its last comparison with the live model,
/// and how its categories fared on the cases it classified that have finished.
public struct ModelVersionOverview: Sendable {
    public var version: ModelVersion
    public var comparison: ModelComparison?
    public var finished: ModelVersionAccuracy?

    public init(version: ModelVersion, comparison: ModelComparison?, finished: ModelVersionAccuracy?) {
        self.version = version
        self.comparison = comparison
        self.finished = finished
    }
}

/// The versions, newest first, and the default model's own figures (it has no row of its own).
public struct ModelVersionsOverview: Sendable {
    public var liveVersion: Int64?
    public var versions: [ModelVersionOverview]
    public var defaultModelFinished: ModelVersionAccuracy?
}

extension ModelUpdates {
    /// Only administrators train, promote and roll back models: a model decides where every case goes.
    public static func checkAdministrator(_ staff: StaffMember) throws {
        guard staff.role == .admin else {
            throw DomainError(
                .forbidden, code: "administrators_only", th: "เฉพาะผู้ดูแลระบบจัดการรุ่นของแบบจำลองจัดหมวดหมู่ได้",
                en: "Only administrators manage the classifier's model versions.")
        }
    }

    /// The versions with their comparisons and the accuracy the service lived with each.
    public func overview(by staff: StaffMember) async throws -> ModelVersionsOverview {
        try Self.checkAdministrator(staff)
        let versions = try await list()
        let figures = try await accuracyByVersion()
        let byVersion = Dictionary(figures.compactMap { figure in figure.version.map { ($0, figure) } }, uniquingKeysWith: { a, _ in a })
        return ModelVersionsOverview(
            liveVersion: versions.first { $0.state == .live }?.id,
            versions: versions.map {
                ModelVersionOverview(version: $0, comparison: ModelComparison.decode($0.report), finished: byVersion[$0.id])
            },
            defaultModelFinished: figures.first { $0.version == nil })
    }

    /// `promote`, by an administrator, with refusals a person can read.
    public func promote(id: Int64, margin: Double, force: Bool, by staff: StaffMember, at now: Date) async throws -> ModelComparison {
        try Self.checkAdministrator(staff)
        return try await refusingPlainly { try await promote(id: id, margin: margin, force: force, at: now) }
    }

    /// `rollback`, by an administrator, with refusals a person can read.
    public func rollback(expectedLive: Int64?, by staff: StaffMember) async throws -> (from: Int64, to: Int64?) {
        try Self.checkAdministrator(staff)
        return try await refusingPlainly { try await rollback(expectedLive: expectedLive) }
    }

    /// `train`, by an administrator, with refusals a person can read.
    public func train(
        _ inputs: ModelTrainingInputs, minimumCases: Int, margin: Double, by staff: StaffMember, at now: Date
    ) async throws -> (version: ModelVersion, comparison: ModelComparison) {
        try Self.checkAdministrator(staff)
        return try await refusingPlainly { try await train(inputs, minimumCases: minimumCases, margin: margin, at: now) }
    }

    private func refusingPlainly<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ModelUpdateError {
            throw error.refusal
        }
    }
}

extension ModelUpdateError {
    /// The refusal in Thai and English, for the API and the pages.
    public var refusal: DomainError {
        switch self {
        case .noSuchVersion(let id):
            return DomainError(
                .notFound, code: "model_version_not_found", th: "ไม่พบแบบจำลองรุ่น \(id)", en: "There is no model version \(id).")
        case .tooFewSettledCases(let have, let need):
            return DomainError(
                .conflict, code: "too_few_settled_cases",
                th: "มีเรื่องที่ยุติแล้วให้เรียนรู้ \(have) เรื่อง ต้องมีอย่างน้อย \(need) เรื่อง",
                en: "\(have) settled cases to learn from; at least \(need) are needed.")
        case .noCandidate:
            return DomainError(
                .conflict, code: "no_candidate_model", th: "ไม่มีแบบจำลองรุ่นที่รอพิจารณา", en: "There is no candidate model version.")
        case .worseThanLive(let comparison):
            let figures = Self.figure(comparison.candidate.accuracy) + " / " + Self.figure(comparison.candidate.macroF1)
            let live = Self.figure(comparison.live.accuracy) + " / " + Self.figure(comparison.live.macroF1)
            return DomainError(
                .conflict, code: "model_worse_than_live",
                th: "แบบจำลองรุ่นนี้แย่กว่ารุ่นที่ใช้อยู่ เมื่อทดสอบกับเรื่องที่ยุติล่าสุด \(comparison.heldOut) เรื่อง "
                    + "(ความแม่นยำ / macro-F1: \(figures) เทียบกับ \(live); ยอมให้ต่ำกว่าได้ \(Self.figure(comparison.margin))) "
                    + "จึงไม่นำมาใช้",
                en: "This version scores worse than the live model on \(comparison.heldOut) recent settled cases "
                    + "(accuracy / macro-F1: \(figures) against \(live); margin \(Self.figure(comparison.margin))), so it was not promoted.")
        case .liveChanged:
            return DomainError(
                .conflict, code: "live_model_changed", th: "แบบจำลองที่ใช้อยู่เพิ่งเปลี่ยน โปรดลองอีกครั้ง",
                en: "The live model changed meanwhile; try again.")
        case .nothingToRollBack:
            return DomainError(
                .conflict, code: "nothing_to_roll_back", th: "ใช้แบบจำลองตั้งต้นอยู่แล้ว ไม่มีรุ่นให้ย้อนกลับ",
                en: "The default model is live already; there is nothing to roll back.")
        case .alreadyLive(let id):
            return DomainError(
                .conflict, code: "model_already_live", th: "แบบจำลองรุ่น \(id) ใช้งานอยู่แล้ว", en: "Version \(id) is live already.")
        case .notCandidate(let id, let state):
            let names = ModelVersion.State(rawValue: state).map(Self.stateNames) ?? (th: state, en: state)
            return DomainError(
                .conflict, code: "model_not_candidate",
                th: "แบบจำลองรุ่น \(id) ไม่ได้รอพิจารณา (สถานะ: \(names.th)) ต้องเลือก \"บังคับ\" จึงนำกลับมาใช้ได้",
                en: "Version \(id) is \(names.en), not a candidate; promote it with force to take it back.")
        case .nothingToCompareOn:
            return DomainError(
                .conflict, code: "nothing_to_compare_on",
                th: "ไม่มีเรื่องที่ยุติแล้วซึ่งทั้งสองรุ่นไม่ได้ใช้ฝึก จึงทดสอบเทียบไม่ได้ หากต้องการใช้รุ่นนี้ต้องเลือก \"บังคับ\"",
                en: "No settled case was left out of both models' training, so they cannot be compared; promote with force to use this version.")
        case .trainingInProgress:
            return DomainError(
                .conflict, code: "training_in_progress", th: "กำลังฝึกแบบจำลองรุ่นใหม่อยู่ โปรดรอให้เสร็จก่อน",
                en: "A version is being trained already; wait for it to finish.")
        case .trainingFailed(let reason):
            return DomainError(
                .conflict, code: "training_failed",
                th: "ฝึกแบบจำลองไม่สำเร็จ: \(reason) (เช่น มีเรื่องที่ยุติในหมวดหมู่ที่ไม่มีในรายการหมวดหมู่แล้ว)",
                en: "Training failed: \(reason) (for instance, settled cases in a category the taxonomy no longer has).")
        }
    }

    /// A version's state in words, as the model versions page names it.
    static func stateNames(_ state: ModelVersion.State) -> (th: String, en: String) {
        switch state {
        case .candidate: ("รอพิจารณา", "a candidate")
        case .live: ("ใช้อยู่", "live")
        case .retired: ("เลิกใช้", "retired")
        case .refused: ("ไม่ผ่าน", "refused")
        case .rolledBack: ("ย้อนกลับแล้ว", "rolled back")
        }
    }
}
