import Domain
import Foundation
import Store

extension AgencyService {
    /// After the main case `main` got its result: passes the result on to every case merged into it
    /// (`Duplicates.passResult`: each becomes resolved on its own code, with its own rating and appeal),
    /// and tells the citizens following it ("me too") who asked to hear.
    /// Must run after the result committed.
    func passResult(of main: CaseRecord) async throws {
        guard main.state.status == .resolved else { return }
        let now = clock()
        let composer = notifications
        let members = try await store.passResult(mainCode: main.code, at: now) { main, member in
            guard let passed = Duplicates.passResult(of: main.state, mainCode: main.code, to: member.state, at: now)
            else { return nil }
            let (state, entry) = passed
            var after = member
            after.state = state
            let notices = composer?.notices(for: after, entry: entry, previousAgency: member.state.agencyCode, at: now)
            return CaseStore.Change(state: state, due: member.due, entry: entry, notices: notices ?? .none, at: now)
        }
        for member in members { changed(member) }
        if let composer, let result = main.state.resolution {
            let entry = TimelineEntry(kind: .resolved, fromStatus: nil, toStatus: .resolved, note: result)
            var notices = composer.notices(for: main, entry: entry, previousAgency: main.state.agencyCode, at: now)
            notices.agencies = []
            try await store.notifyFollowers(notices, caseID: main.id, at: now)
        }
    }
}
