import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// Duplicates for agencies: likely duplicates of a case, clusters of open cases that look like one
/// problem, and merging a cluster into its main case. Staff token required, as every agency route.
struct DuplicatesStaffController {
    let duplicates: DuplicateService
    let agency: AgencyService
    let json: CaseJSONBuilder

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("cases/{code}/similar", use: similar)
        group.get("clusters", use: clusters)
        group.post("clusters/merge", use: merge)
    }

    struct SimilarJSON: Encodable {
        var code: String
        var similar: [SimilarCaseJSON]
    }

    @Sendable func similar(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let found = try await duplicates.similar(toCase: try CasesController.code(context), by: staff)
        return try JSONResponse.make(
            SimilarJSON(code: found.record.code, similar: found.similar.map { SimilarCaseJSON($0, json: json) }),
            headers: [.cacheControl: "no-store"])
    }

    struct ClusterJSON: Encodable {
        var size: Int
        /// The suggested main case: the oldest.
        var main: String
        var shared_words: [String]
        var cases: [CaseSummaryJSON]
    }

    struct ClustersJSON: Encodable {
        var agency: String?
        var clusters: [ClusterJSON]
    }

    /// `GET /api/v1/agency/clusters[?agency=]`: largest first.
    @Sendable func clusters(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let requested = request.uri.queryParameters.get("agency")
        let found = try await duplicates.clusters(by: staff, agency: requested)
        let now = agency.clock()
        return try JSONResponse.make(
            ClustersJSON(
                agency: CaseAccessPolicy.listingScope(staff) ?? requested,
                clusters: found.map { cluster in
                    ClusterJSON(
                        size: cluster.cases.count, main: cluster.cases[0].code, shared_words: cluster.sharedWords,
                        cases: cluster.cases.map { json.summary($0, now: now) })
                }),
            headers: [.cacheControl: "no-store"])
    }

    struct MergeBody: Decodable {
        var main: String
        var members: [String]
        var note: String?
    }

    struct MergedJSON: Encodable {
        var main: String
        var merged: [CaseSummaryJSON]
    }

    /// `POST /api/v1/agency/clusters/merge`: `{"main": code, "members": [codes], "note"?}`.
    @Sendable func merge(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(MergeBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try agency.rules.checkNote(body.note, field: "note")
        guard body.members.count <= 200 else {
            throw APIError(
                status: .unprocessableContent, code: "too_many_members", th: "รวมได้ครั้งละไม่เกิน 200 เรื่อง",
                en: "Merge at most 200 cases at once.")
        }
        let merged = try await duplicates.mergeCluster(
            main: body.main, members: body.members, note: body.note?.nonBlank, by: staff, agency: agency)
        let now = agency.clock()
        return try JSONResponse.make(
            MergedJSON(main: TrackingCode.canonical(body.main) ?? body.main, merged: merged.map { json.summary($0, now: now) }),
            headers: [.cacheControl: "no-store"])
    }
}

/// `GET /api/v1/stats/duplicates`: duplicates detected, merged and followed ("me too") by category and agency.
struct DuplicateStatisticsController {
    let duplicates: DuplicateService
    let json: CaseJSONBuilder

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("stats/duplicates", use: figures)
    }

    struct RowJSON: Encodable {
        var category: NameJSON
        var agency: NameJSON?
        var detected: Int
        var merged: Int
        var me_too: Int
    }

    struct FiguresJSON: Encodable {
        var rows: [RowJSON]
        var totals: Totals
        struct Totals: Encodable {
            var detected: Int
            var merged: Int
            var me_too: Int
        }
    }

    @Sendable func figures(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let rows = try await duplicates.figures()
        let output = FiguresJSON(
            rows: rows.map { row in
                let category = json.reference.categories[row.category]
                return RowJSON(
                    category: NameJSON(
                        code: row.category, name_th: category?.nameTH ?? row.category, name_en: category?.nameEN ?? row.category),
                    agency: json.name(agency: row.agency), detected: row.detected, merged: row.merged, me_too: row.meToo)
            },
            totals: .init(
                detected: rows.reduce(0) { $0 + $1.detected }, merged: rows.reduce(0) { $0 + $1.merged },
                me_too: rows.reduce(0) { $0 + $1.meToo }))
        return try JSONResponse.make(output, headers: [.cacheControl: "public, max-age=60"])
    }
}
