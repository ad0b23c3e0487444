public import Domain
import Foundation
import Similarity
import Store

extension DuplicateService {
    /// Likely duplicates of the case `code` among the open public cases `staff` may see, best first.
    /// - Throws: `caseNotFound` for an unknown case or one `staff` may not see.
    public func similar(toCase code: String, by staff: StaffMember, limit: Int = 5) async throws -> (
        record: CaseRecord, similar: [SimilarCase]
    ) {
        guard let canonical = TrackingCode.canonical(code), let found = try await store.find(code: canonical, secret: nil),
            CaseAccessPolicy.canView(staff, agencyCode: found.record.state.agencyCode, status: found.record.state.status)
        else { throw DomainError.caseNotFound }
        let record = found.record
        guard let key = Duplicates.areaKey(record.area) else { return (record, []) }
        let matches = index.search(
            text: Self.publicText(of: record), area: key, latitude: record.latitude, longitude: record.longitude,
            excluding: [record.id], limit: min(max(limit, 1), 20))
        let similar = try await resolve(matches) {
            $0.state.status.isOpen
                && CaseAccessPolicy.canView(staff, agencyCode: $0.state.agencyCode, status: $0.state.status)
        }
        return (record, similar)
    }

    /// Groups of open public cases of an agency that look like one problem, largest first: the officer's
    /// own agency, or for the triage desk and administrators the agency they name.
    /// - Throws: `agency_required` (`invalid`) when staff of no agency name none.
    public func clusters(by staff: StaffMember, agency requested: String?) async throws -> [CaseCluster] {
        guard let agency = CaseAccessPolicy.listingScope(staff) ?? requested?.nonEmpty else {
            if staff.role == .officer { return [] }
            throw DomainError.invalid(
                "agency_required", th: "กรุณาระบุหน่วยงาน (agency)", en: "Name the agency (\"agency\").")
        }
        // A search per open case of the agency: seconds for a large one, off the pool's threads.
        let clusters = try await onOwnThread { [index] in index.clusters(agency: agency) }
        let records = Dictionary(
            try await store.records(ids: clusters.flatMap(\.ids)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return clusters.compactMap { cluster in
            let cases = cluster.ids.compactMap { records[$0] }.filter {
                $0.state.status.isOpen
                    && CaseAccessPolicy.canView(staff, agencyCode: $0.state.agencyCode, status: $0.state.status)
            }
            return cases.count >= 2 ? CaseCluster(cases: cases, sharedWords: cluster.sharedWords) : nil
        }
    }

    /// Merges `members` into the main case `main` with the lifecycle's own merge, one case at a time: each
    /// member keeps its code, and gets the main case's result when it comes (`AgencyService.passResult`),
    /// with its own rating and appeal. A member that cannot be merged stops the merge with its error;
    /// members merged before it stay merged (each merge stands on its own).
    /// - Throws: `invalid_merge_target` for a main case among the members or no members; as `AgencyService.act`.
    public func mergeCluster(
        main: String, members: [String], note: String?, by staff: StaffMember, agency: AgencyService
    ) async throws -> [CaseRecord] {
        guard let mainCode = TrackingCode.canonical(main) else { throw AgencyService.mergeTargetNotFound }
        var codes: [String] = []
        for member in members {
            guard let code = TrackingCode.canonical(member) else { throw DomainError.caseNotFound }
            if code != mainCode && !codes.contains(code) { codes.append(code) }
        }
        guard !codes.isEmpty else {
            throw DomainError.invalid(
                "members_required", th: "กรุณาเลือกเรื่องที่จะรวมอย่างน้อยหนึ่งเรื่อง",
                en: "Name at least one case other than the main case to merge.")
        }
        var merged: [CaseRecord] = []
        for code in codes {
            merged.append(try await agency.act(code: code, action: .merge(into: mainCode, note: note), by: staff))
        }
        return merged
    }
}
