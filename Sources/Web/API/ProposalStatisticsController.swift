import Domain
import Foundation
import Hummingbird
import NIOCore
import Services
import Statistics

/// Proposals in public statistics (`/api/v1/stats/proposals`) and open data
/// (`/api/v1/open-data/proposals.csv` and `.json`, in the DCAT catalogue).
struct ProposalStatisticsController {
    let statistics: ProposalStatistics
    let reference: Reference

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/proposals", use: figures)
        group.get("open-data/proposals.csv", use: csv)
        group.get("open-data/proposals.json", use: jsonLines)
    }

    struct FiguresJSON: Encodable {
        struct Count: Encodable {
            var code: String
            var name_th: String?
            var name_en: String?
            var proposals: Int
        }
        struct Agency: Encodable {
            var agency: NameJSON?
            var reached_threshold: Int
            var answered: Int
            var answered_in_time: Int
            var overdue: Int
            var share_answered_in_time: Double?
        }
        struct Month: Encodable {
            var month: String
            var supports: Int
        }
        var by_topic: [Count]
        var by_scope: [Count]
        var by_status: [Count]
        var agencies: [Agency]
        var supports_per_month: [Month]
        var computed_at: String
    }

    @Sendable func figures(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let figures = try await statistics.figures()
        let names = CaseJSONBuilder(reference: reference, rules: ServiceRules())
        return try JSONResponse.make(
            FiguresJSON(
                by_topic: figures.byTopic.map {
                    let category = reference.categories[$0.code]
                    return .init(code: $0.code, name_th: category?.nameTH, name_en: category?.nameEN, proposals: $0.count)
                },
                by_scope: figures.byScope.map { .init(code: $0.scope.rawValue, proposals: $0.count) },
                by_status: figures.byStatus.map {
                    let words = ProposalWords.status($0.status)
                    return .init(code: $0.status.rawValue, name_th: words.th, name_en: words.en, proposals: $0.count)
                },
                agencies: figures.agencies.map {
                    .init(
                        agency: names.name(agency: $0.agencyCode), reached_threshold: $0.routed, answered: $0.answered,
                        answered_in_time: $0.answeredInTime, overdue: $0.overdue, share_answered_in_time: $0.shareInTime)
                },
                supports_per_month: figures.supportsPerMonth.map { .init(month: $0.month, supports: $0.supports) },
                computed_at: BangkokTime.format(figures.computedAt)))
    }

    @Sendable func csv(_ request: Request, context: SiangRequestContext) async throws -> Response {
        stream(.csv, contentType: "text/csv; charset=utf-8", extra: [.contentDisposition: "attachment; filename=\"siang-proposals.csv\""])
    }

    @Sendable func jsonLines(_ request: Request, context: SiangRequestContext) async throws -> Response {
        stream(.jsonLines, contentType: "application/x-ndjson; charset=utf-8", extra: [:])
    }

    func stream(_ format: OpenDataFormat, contentType: String, extra: HTTPFields) -> Response {
        let statistics = self.statistics
        let body = ResponseBody { writer in
            if format == .csv { try await writer.write(ByteBuffer(bytes: [0xEF, 0xBB, 0xBF])) }
            try await statistics.exportOpenData(format) { try await writer.write(ByteBuffer(bytes: $0)) }
            try await writer.finish(nil)
        }
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: body)
    }
}
