public import Domain
import Store
import ThaiText

/// The proposals winning projects become (issue 14 item 5): what each says, written before the
/// results' transaction from the project and the ideas it came from, and how the budget pages find them.
extension BudgetService {
    /// The proposal every project of the round would become if it won: its title, its description
    /// followed by the ideas it came from, redacted for the public as a citizen's proposal is, with
    /// the classifier's topic (as for a citizen's proposal given none), or `other` when unplaced.
    /// Projects are fixed once the vote begins, so drafting them before the transaction misses none.
    func winnerDrafts(roundID: Int64) async throws -> [Int64: BudgetStore.WinnerProposal] {
        let ideas = try await store.ideas(roundID: roundID)
        var drafts: [Int64: BudgetStore.WinnerProposal] = [:]
        for project in try await store.projects(roundID: roundID) {
            let sources = ideas.filter { $0.projectID == project.id }.map { "\($0.title)\n\($0.text)" }
            let text = ([project.description, project.feasibility].filter { !$0.isEmpty } + sources)
                .joined(separator: "\n\n")
            let body = text.isEmpty ? project.title : text
            let topic = winnerTopic(project.title + "\n" + body)
            drafts[project.id] = BudgetStore.WinnerProposal(
                title: project.title, text: body, publicTitle: PersonalData.redact(project.title),
                publicText: PersonalData.redact(body), words: winnerWords(project.title, body),
                categoryCode: reference.categories[topic] != nil ? topic : BudgetWinnerRules.fallbackCategory)
        }
        return drafts
    }

    /// The proposals the round's winners became, by project (empty before results are published).
    public func winnerProposals(roundID: Int64) async throws -> [Int64: BudgetWinnerProposal] {
        try await store.winnerProposals(roundID: roundID)
    }
}
