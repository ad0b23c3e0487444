import Domain
import Foundation
import Hummingbird
import Services
import Setup
import Statistics
import JSONBytes

/// The classifier's model versions for administrators: list them with their comparisons, train a
/// candidate from the settled cases, promote one (only if not worse than the live model, unless
/// forced), roll back. The same rules as `siang train --from-database` and `siang model`.
struct ModelVersionsStaffController {
    let models: ModelUpdates
    let training: ModelTrainingInputs?
    let settings: ModelUpdateSettings
    let clock: @Sendable () -> Date

    /// nil when instances do not follow the live version (`classifier.check_seconds` 0).
    var swapSeconds: Int? { settings.checkSeconds > 0 ? settings.checkSeconds : nil }

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("models", use: list)
        group.post("models", use: train)
        group.post("models/rollback", use: rollback)
        group.post("models/{id}/promote", use: promote)
    }

    struct ScoresJSON: Encodable {
        var accuracy: Double
        var macro_f1: Double

        init(_ scores: ModelComparison.Scores) {
            accuracy = Self.rounded(scores.accuracy)
            macro_f1 = Self.rounded(scores.macroF1)
        }

        static func rounded(_ value: Double) -> Double { value.rounded(toPlaces: 4) }
    }

    struct ComparisonJSON: Encodable {
        var held_out: Int
        var candidate: ScoresJSON
        /// The model it was compared with (nil: the default model).
        var live_version: Int64?
        var live: ScoresJSON
        var margin: Double
        var candidate_not_worse: Bool

        init(_ comparison: ModelComparison) {
            held_out = comparison.heldOut
            candidate = ScoresJSON(comparison.candidate)
            live_version = comparison.liveVersion
            live = ScoresJSON(comparison.live)
            margin = comparison.margin
            candidate_not_worse = comparison.candidateNotWorse
        }
    }

    struct FinishedJSON: Encodable {
        var cases: Int
        var category_changed: Int
        var share_kept: Double?

        init?(_ figures: ModelVersionAccuracy?) {
            guard let figures else { return nil }
            cases = figures.cases
            category_changed = figures.changed
            share_kept = figures.cases == 0 ? nil : ScoresJSON.rounded(figures.kept)
        }
    }

    struct VersionJSON: Encodable {
        var id: Int64
        var state: String
        var created_at: String
        var source: String
        var examples: Int
        var promoted_at: String?
        /// The version live before this one was promoted (nil: the default model).
        var replaced_version: Int64?
        var comparison: ComparisonJSON?
        var finished: FinishedJSON?

        init(_ overview: ModelVersionOverview) {
            let version = overview.version
            id = version.id
            state = version.state.rawValue
            created_at = BangkokTime.format(version.createdAt)
            source = version.source
            examples = version.examples
            promoted_at = version.promotedAt.map { BangkokTime.format($0) }
            replaced_version = version.replacedVersion
            comparison = overview.comparison.map(ComparisonJSON.init)
            finished = FinishedJSON(overview.finished)
        }
    }

    struct ListJSON: Encodable {
        /// nil: the default model trained from Seeds/.
        var live_version: Int64?
        var default_model: DefaultJSON
        var versions: [VersionJSON]
        var promotion_margin: Double
        /// How soon running instances use a newly live version (absent: only after a restart, when
        /// `classifier.check_seconds` is 0).
        var swap_within_seconds: Int?

        struct DefaultJSON: Encodable {
            var live: Bool
            var finished: FinishedJSON?
        }
    }

    /// `GET /api/v1/agency/models`: every version, newest first.
    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let overview = try await models.overview(by: try AgencyController.staff(context))
        return try JSONResponse.make(
            ListJSON(
                live_version: overview.liveVersion,
                default_model: .init(live: overview.liveVersion == nil, finished: FinishedJSON(overview.defaultModelFinished)),
                versions: overview.versions.map(VersionJSON.init), promotion_margin: settings.promotionMargin,
                swap_within_seconds: swapSeconds),
            headers: [.cacheControl: "no-store"])
    }

    struct PromoteBody: Decodable {
        var force: Bool?
        var margin: Double?
    }

    struct PromotedJSON: Encodable {
        var promoted: Int64
        var comparison: ComparisonJSON
        var swap_within_seconds: Int?
    }

    /// `POST /api/v1/agency/models/{id}/promote` with an optional `{"force": bool, "margin": 0…1}`.
    @Sendable func promote(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        try ModelUpdates.checkAdministrator(staff)
        let body = try await Self.optionalBody(PromoteBody.self, default: PromoteBody(), request: request, context: context)
        let margin = try Self.margin(body.margin, default: settings.promotionMargin)
        let id = try Self.versionID(context)
        let comparison = try await models.promote(id: id, margin: margin, force: body.force ?? false, by: staff, at: clock())
        return try JSONResponse.make(
            PromotedJSON(promoted: id, comparison: ComparisonJSON(comparison), swap_within_seconds: swapSeconds),
            headers: [.cacheControl: "no-store"])
    }

    struct RolledBackJSON: Encodable {
        var rolled_back: Int64
        /// nil: the default model.
        var live_version: Int64?
        var swap_within_seconds: Int?
    }

    struct RollbackBody: Decodable {
        /// The version the caller saw live: nothing is rolled back when another is live now.
        var from: Int64?
    }

    /// `POST /api/v1/agency/models/rollback` with an optional `{"from": id}`: the version the live one
    /// replaced is live again.
    @Sendable func rollback(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        try ModelUpdates.checkAdministrator(staff)
        let body = try await Self.optionalBody(RollbackBody.self, default: RollbackBody(), request: request, context: context)
        let done = try await models.rollback(expectedLive: body.from, by: staff)
        return try JSONResponse.make(
            RolledBackJSON(rolled_back: done.from, live_version: done.to, swap_within_seconds: swapSeconds),
            headers: [.cacheControl: "no-store"])
    }

    struct TrainedJSON: Encodable {
        var version: VersionJSON
    }

    /// `POST /api/v1/agency/models`: trains a candidate from the settled cases now (seconds of CPU, on
    /// the blocking thread pool) and answers it with its comparison; 201.
    @Sendable func train(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        try ModelUpdates.checkAdministrator(staff)
        guard let training else { throw Self.trainingUnavailable }
        let (version, comparison) = try await models.train(
            training, minimumCases: settings.minimumCases, margin: settings.promotionMargin, by: staff, at: clock())
        return try JSONResponse.make(
            TrainedJSON(version: VersionJSON(ModelVersionOverview(version: version, comparison: comparison, finished: nil))),
            status: .created, headers: [.cacheControl: "no-store"])
    }

    static let trainingUnavailable = APIError(
        status: .conflict, code: "training_unavailable", th: "บริการนี้ไม่ได้ตั้งค่าให้ฝึกแบบจำลอง",
        en: "This service is not set up to train models.")

    /// A JSON body that may be left out (empty or only white space): then `fallback`.
    static func optionalBody<T: Decodable>(
        _ type: T.Type, default fallback: T, request: Request, context: SiangRequestContext
    ) async throws -> T {
        let bytes = try await JSONBody.bytes(of: request, context: context)
        guard !bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) else { return fallback }
        return try JSONBody.decode(type, from: bytes)
    }

    /// The `{id}` of the path; anything but a positive number is no version.
    static func versionID(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(
                status: .notFound, code: "model_version_not_found", th: "ไม่พบแบบจำลองรุ่นนี้", en: "There is no such model version.")
        }
        return id
    }

    static func margin(_ value: Double?, default fallback: Double) throws -> Double {
        guard let value else { return fallback }
        guard value.isFinite, (0...1).contains(value) else {
            var error = APIError(
                status: .unprocessableContent, code: "invalid_margin", th: "ค่า margin ต้องอยู่ระหว่าง 0 ถึง 1",
                en: "The margin must be between 0 and 1.")
            error.field = "margin"
            throw error
        }
        return value
    }
}
