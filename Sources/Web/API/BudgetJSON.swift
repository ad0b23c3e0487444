import Domain
import Foundation
import Services
import Statistics
import JSONBytes


/// The JSON shapes of participatory budgeting, for the public and the staff API.
enum BudgetJSON {
    struct Round: Encodable {
        var id: Int64
        var agency: String
        var name: String
        var description: String
        var total_budget: Int64
        var phase: String
        var phases: Phases
        var eligible_areas: [String]
        var rule: String
        var results_published_at: String?
    }

    struct Phases: Encodable {
        var ideas_from: String
        var review_from: String
        var vote_from: String
        var vote_until: String
    }

    static func round(_ round: BudgetRound, phase: BudgetPhase) -> Round {
        Round(
            id: round.id, agency: round.agencyCode, name: round.name, description: round.description,
            total_budget: round.totalBudget, phase: phase.rawValue,
            phases: Phases(
                ideas_from: BangkokTime.format(round.schedule.ideasFrom),
                review_from: BangkokTime.format(round.schedule.reviewFrom),
                vote_from: BangkokTime.format(round.schedule.voteFrom),
                vote_until: BangkokTime.format(round.schedule.voteUntil)),
            eligible_areas: round.eligibleAreas, rule: round.rule.rawValue,
            results_published_at: round.resultsPublishedAt.map(BangkokTime.format))
    }

    struct Project: Encodable {
        var id: Int64
        var title: String
        var description: String
        var cost: Int64
        var feasibility: String
        var proposal_id: Int64?
        var progress: String?
    }

    static func project(_ project: BudgetProject) -> Project {
        Project(
            id: project.id, title: project.title, description: project.description, cost: project.cost,
            feasibility: project.feasibility, proposal_id: project.proposalID, progress: project.progress?.rawValue)
    }

    struct Idea: Encodable {
        var id: Int64
        var title: String
        var text: String
        var status: String
        var decline_reason: String?
        var project_id: Int64?
        var proposal_id: Int64?
        var submitted_at: String
    }

    static func idea(_ idea: BudgetIdea) -> Idea {
        Idea(
            id: idea.id, title: idea.title, text: idea.text, status: idea.status.rawValue,
            decline_reason: idea.declineReason, project_id: idea.projectID, proposal_id: idea.proposalID,
            submitted_at: BangkokTime.format(idea.createdAt))
    }

    struct Outcome: Encodable {
        var rule: String
        var binding: Bool
        var ballots: Int
        var winners: [Int64]
        var spent: Int64
        var voter_share: Double?
        var projects: [ProjectResult]
    }

    struct ProjectResult: Encodable {
        var id: Int64
        var cost: Int64
        var votes: Int
        var selected: Bool
        var position: Int?
        var reason: String
        /// Budget left after it was chosen, or when its turn came.
        var remaining: Int64?
        /// Equal Shares: what each supporter paid, or what its supporters had left.
        var amount: Double?
        /// A binding winner: the adopted proposal it became, followed there to implementation.
        var proposal_id: Int64?
        var proposal_code: String?
        var proposal_status: String?
        var proposal_url: String?
    }

    static func outcome(
        _ outcome: BudgetCount.Outcome, binding: Bool, ballots: Int, proposals: [Int64: BudgetWinnerProposal]
    ) -> Outcome {
        Outcome(
            rule: outcome.rule.rawValue, binding: binding, ballots: ballots, winners: outcome.winners,
            spent: outcome.spent, voter_share: outcome.voterShare?.rounded(toPlaces: 2),
            projects: outcome.projects.map { result in
                var reason = "no_votes"
                var remaining: Int64?
                var amount: Double?
                switch result.reason {
                case .selected(let left, let share):
                    reason = "selected"
                    remaining = left
                    amount = share?.rounded(toPlaces: 2)
                case .doesNotFit(let left):
                    reason = "does_not_fit"
                    remaining = left
                case .supportersCannotAfford(let money):
                    reason = "supporters_cannot_afford"
                    amount = money.rounded(toPlaces: 2)
                case .noVotes: break
                }
                let proposal = binding ? proposals[result.id] : nil
                return ProjectResult(
                    id: result.id, cost: result.cost, votes: result.votes, selected: result.selected,
                    position: result.position, reason: reason, remaining: remaining, amount: amount,
                    proposal_id: proposal?.proposalID, proposal_code: proposal?.code,
                    proposal_status: proposal?.status.rawValue, proposal_url: proposal.map { "/proposals/\($0.code)" })
            })
    }

    struct Update: Encodable {
        var project_id: Int64
        var progress: String
        var note: String
        var at: String
    }

    struct RoundDetail: Encodable {
        var round: Round
        var projects: [Project]
        var ideas: [Idea]
        var results: [Outcome]
        var progress_updates: [Update]
        var turnout: Turnout
    }

    struct Turnout: Encodable {
        var verified_voters: Int
        var ballots: Int
    }

    static func detail(_ view: BudgetService.RoundView) -> RoundDetail {
        RoundDetail(
            round: round(view.round, phase: view.phase), projects: view.projects.map(project),
            ideas: view.ideas.map(idea),
            results: view.results.map { outcome(
                    $0, binding: $0.rule == view.round.rule, ballots: view.turnout.ballots, proposals: view.winnerProposals) },
            progress_updates: view.updates.map {
                Update(project_id: $0.projectID, progress: $0.progress.rawValue, note: $0.note, at: BangkokTime.format($0.at))
            },
            turnout: Turnout(verified_voters: view.turnout.verifiedVoters, ballots: view.turnout.ballots))
    }
}
