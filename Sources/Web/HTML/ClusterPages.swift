import Domain
import Foundation
import Hummingbird
import Pages
import Services

extension AgencyPages {
    /// `GET /agency/clusters`: the officer's agency's groups of likely duplicates (triage and
    /// administrators name the agency with `?agency=`).
    @Sendable func clusters(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        return try await clustersPage(request, context: context, view: view, errors: [], status: .ok)
    }

    func clustersPage(
        _ request: Request, context: SiangRequestContext, view: PageKit.View, errors: [FormError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let staff = try Self.staff(context)
        guard let duplicates else { throw PageError.notFound }
        var found: [CaseCluster] = []
        var errors = errors
        do {
            found = try await duplicates.clusters(by: staff, agency: request.uri.queryParameters.get("agency"))
        } catch let error as DomainError where error.kind == .invalid {
            errors.append(FormError(message: view.language.pick(error.messageTH, error.messageEN)))
        }
        let clusters = found.map { cluster in
            ClustersPage.Cluster(
                size: cluster.cases.count, main: cluster.cases[0].code,
                members: cluster.cases.dropFirst().map(\.code).joined(separator: ","),
                sharedWords: cluster.sharedWords.joined(separator: ", "),
                cases: cluster.cases.map { record in
                    ClustersPage.Member(
                        code: record.code, caseTitle: record.publicTitle, text: String(record.publicText.prefix(400)),
                        statusName: citizen.statusName(record.state.status, view), areaName: citizen.areaName(record.area, view),
                        filedAt: view.format.date(record.filedAt), meTooCount: record.meTooCount)
                })
        }
        let flash = request.uri.queryParameters.get("done") != nil ? view.text("flash_action_done") : nil
        return try kit.page(
            ClustersPage(clusters: clusters, hasClusters: !clusters.isEmpty, errors: errors),
            title: view.text("clusters_heading"), view: view, request: request, status: status, flash: flash)
    }

    struct MergeClusterForm: PostedForm {
        var csrf: String?
        var main: String?
        var members: String?
    }

    /// `POST /agency/clusters/merge`: merges the listed members into the main case.
    @Sendable func mergeCluster(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let form = try await kit.form(MergeClusterForm.self, from: request, context: context)
        let view = kit.view(request, context: context)
        guard let duplicates else { throw PageError.notFound }
        let members = (form.members ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        do {
            _ = try await duplicates.mergeCluster(
                main: form.main ?? "", members: Array(members.prefix(200)), note: nil, by: staff, agency: agency)
        } catch let error as DomainError where error.kind != .notFound {
            return try await clustersPage(
                request, context: context, view: view,
                errors: [FormError(message: view.language.pick(error.messageTH, error.messageEN))],
                status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
        return kit.redirect(to: "/agency/clusters?done=merge")
    }
}
