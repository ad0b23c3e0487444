import Domain
import Foundation
import Testing

@Suite("Duplicate rules")
struct DuplicatesTests {
    @Test("only an open public case may be followed; a private one does not exist for the public")
    func followable() throws {
        #expect(Duplicates.isFollowable(isPublic: true, status: .inProgress))
        #expect(!Duplicates.isFollowable(isPublic: false, status: .inProgress))
        #expect(throws: DomainError.caseNotFound) { try Duplicates.checkFollowable(isPublic: false, status: .assigned) }
        for status in [CaseStatus.resolved, .closed, .rejected, .merged, .withdrawn] {
            let error = #expect(throws: DomainError.self) { try Duplicates.checkFollowable(isPublic: true, status: status) }
            #expect(error?.code == "case_not_open")
        }
    }

    @Test("a merged case gets the main case's result, resolved on its own so its citizen may rate it or appeal")
    func passResult() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let main = CaseState(status: .resolved, agencyCode: "a", categoryCode: "drainage", resolvedAt: now, resolution: "ลอกท่อแล้ว")
        let member = CaseState(
            status: .merged, agencyCode: "a", categoryCode: "drainage", closedAt: now.addingTimeInterval(-3600),
            mergedInto: "SG-2026-AAAAAA")
        let (state, entry) = try #require(Duplicates.passResult(of: main, mainCode: "SG-2026-AAAAAA", to: member, at: now))
        #expect(state.status == .resolved)
        #expect(state.resolution == "ลอกท่อแล้ว")
        #expect(state.closedAt == nil)
        #expect(LifecycleRules.canRate(state))
        #expect(LifecycleRules().appealDeadline(of: state, at: now) != nil)
        #expect(entry.kind == .resolved && entry.note?.contains("SG-2026-AAAAAA") == true)
        var open = main
        open.status = .inProgress
        #expect(Duplicates.passResult(of: open, mainCode: "SG-2026-AAAAAA", to: member, at: now) == nil)
        #expect(Duplicates.passResult(of: main, mainCode: "SG-2026-AAAAAA", to: state, at: now) == nil)
    }
}
