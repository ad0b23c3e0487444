import Foundation
import Hummingbird
import Services
import Statistics
import JSONBytes

/// `GET /api/v1/stats/photos`: how many cases carry the citizen's photos, and how many finished cases
/// an officer's result photos ("after"), of all cases.
struct PhotoStatisticsController {
    let photos: PhotoService
    /// All cases and the finished ones, from the facts in memory.
    let statistics: StatisticsService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/photos", use: shares)
    }

    struct SharesJSON: Encodable {
        var cases: Int
        var with_photos: Int
        var share_with_photos: Double?
        var finished: Int
        var finished_with_result_photos: Int
        var share_finished_with_result_photos: Double?
    }

    @Sendable func shares(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let overall = try await statistics.figures(StatisticsQuery()).value.first
        let shares = try await photos.shares(cases: overall?.filed ?? 0, finished: overall?.resolved ?? 0)
        func share(_ part: Int, _ whole: Int) -> Double? {
            whole == 0 ? nil : (Double(part) / Double(whole)).rounded(toPlaces: 4)
        }
        return try JSONResponse.make(
            SharesJSON(
                cases: shares.cases, with_photos: shares.withPhotos, share_with_photos: share(shares.withPhotos, shares.cases),
                finished: shares.finished, finished_with_result_photos: shares.finishedWithResultPhotos,
                share_finished_with_result_photos: share(shares.finishedWithResultPhotos, shares.finished)),
            headers: [.cacheControl: "public, max-age=60"])
    }
}
