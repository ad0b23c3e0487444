import Domain
import Foundation
import Hummingbird
import Services
import JSONBytes

/// `GET /api/v1/stats/classifier`: for each classifier model version, the finished cases it classified
/// and the share that finished in the category it chose: accuracy as the service lives it.
struct ModelStatisticsController {
    let models: ModelUpdates
    let analyzer: TextAnalyzer

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/classifier", use: accuracy)
    }

    struct VersionJSON: Encodable {
        /// nil: the default model trained from Seeds/.
        var version: Int64?
        var cases: Int
        var category_changed: Int
        var share_kept: Double?
    }

    struct AccuracyJSON: Encodable {
        var live_version: Int64?
        var versions: [VersionJSON]
    }

    @Sendable func accuracy(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let versions = try await models.accuracyByVersion()
        return try JSONResponse.make(
            AccuracyJSON(
                live_version: analyzer.modelVersion,
                versions: versions.map {
                    VersionJSON(
                        version: $0.version, cases: $0.cases, category_changed: $0.changed,
                        share_kept: $0.cases == 0 ? nil : $0.kept.rounded(toPlaces: 4))
                }),
            headers: [.cacheControl: "public, max-age=60"])
    }
}
