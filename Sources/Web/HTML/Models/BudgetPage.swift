import Pages

/// `budgets.mustache`: every budget round, newest first.
struct BudgetListPage: PageModel {
    static let template = "budgets"

    var rounds: [Round]

    struct Round: Sendable {
        var id: Int64
        var name: String
        var agencyName: String
        var phaseName: String
        var budget: String
        var areaNames: String
    }
}

/// `budget.mustache`: one round: its phases, ideas, projects, the idea form (ideas phase), the voter's
/// verification and ballot (vote phase), and the results explained with the winners' progress.
struct BudgetPage: PageModel {
    static let template = "budget"

    var roundID: Int64
    var name: String
    var description: String
    var agencyName: String
    var phaseName: String
    var budget: String
    /// The budget in whole baht, for the ballot's running total.
    var budgetValue: Int64
    var areaNames: String
    var steps: [Step]
    var errors: [FormError]
    /// The idea form, in the ideas phase.
    var ideaForm: IdeaForm?
    var ideas: [Idea]
    var projects: [Project]
    /// The vote, in the vote phase.
    var vote: Vote?
    var results: Results?
    var updates: [Update]

    struct Step: Sendable {
        var name: String
        var from: String
        var current: Bool
    }

    struct IdeaForm: Sendable {
        var title: String
        var text: String
        var contactName: String
        var contactPhone: String
        var contactEmail: String
    }

    struct Idea: Sendable {
        var title: String
        var text: String
        var statusName: String
        var declineReason: String?
    }

    struct Project: Sendable {
        var id: Int64
        var title: String
        var description: String
        var cost: String
        var costValue: Int64
        var feasibility: String
        var progressName: String?
        /// On the voter's ballot.
        var chosen: Bool
    }

    /// The vote: asking for a code, or (once verified) the ballot.
    struct Vote: Sendable {
        /// The district select of a voter yet to verify.
        var verify: Verify?
        /// The ballot of a verified voter.
        var ballot: Ballot?
    }

    struct Verify: Sendable {
        var address: String
        var districts: [SelectOption]
    }

    struct Ballot: Sendable {
        var total: String
        var hasBallot: Bool
    }

    struct Results: Sendable {
        var ruleName: String
        var ruleExplanation: String
        var turnout: String
        var spent: String
        var rows: [ResultRow]
        var otherRule: String
    }

    struct ResultRow: Sendable {
        var title: String
        var cost: String
        var votes: String
        var won: Bool
        var explanation: String
        /// A winner: the adopted proposal it became, where it is followed to implementation.
        var proposal: WinnerProposal? = nil
    }

    struct WinnerProposal: Sendable {
        var code: String
        var statusName: String
    }

    struct Update: Sendable {
        var project: String
        var progressName: String
        var note: String
        var at: String
    }
}

/// `budget-code.mustache`: the code sent to the voter, to type in.
struct BudgetCodePage: PageModel {
    static let template = "budget-code"

    var roundID: Int64
    var name: String
    var codeID: Int64
    var area: String
    var errors: [FormError]
}

/// `agency/budgets.mustache`: the rounds of the staff member's agency and the form to open one.
struct StaffBudgetListPage: PageModel {
    static let template = "agency/budgets"

    var rounds: [BudgetListPage.Round]
    var errors: [FormError]
    var districts: [SelectOption]
}

/// `agency/budget.mustache`: managing a round: closing phases, ideas into projects or declined,
/// publishing results, progress of the winners.
struct StaffBudgetPage: PageModel {
    static let template = "agency/budget"

    var roundID: Int64
    var name: String
    var phaseName: String
    var budget: String
    /// The label of the button that closes the current phase, when there is a next one.
    var closeLabel: String?
    var isReview: Bool
    var canPublish: Bool
    var ideas: [Idea]
    var projects: [Project]
    var turnout: String
    var winners: [Winner]

    struct Idea: Sendable {
        var id: Int64
        var title: String
        var text: String
        var statusName: String
        var contact: String?
        var open: Bool
    }

    struct Project: Sendable {
        var title: String
        var cost: String
        var feasibility: String
        var progressName: String?
    }

    struct Winner: Sendable {
        var id: Int64
        var title: String
        var progressName: String
        var options: [SelectOption]
        /// The adopted proposal it became; its progress is the same story.
        var proposalCode: String? = nil
    }
}
