import Pages

/// `proposals/list.mustache`: public proposals with filters by scope, topic and status, sorted and paged.
struct ProposalListPage: PageModel {
    static let template = "proposals/list"

    struct Item: Sendable {
        var code: String
        var heading: String
        var scopeName: String
        var categoryName: String
        var statusName: String
        var supports: String
        /// "120 / 300" while supports are counted towards a threshold.
        var needed: String?
    }

    var scopes: [SelectOption]
    var categories: [SelectOption]
    var statuses: [SelectOption]
    var sorts: [SelectOption]
    var items: [Item]
    var empty: Bool
    var previousPage: String?
    var nextPage: String?
}

/// `proposals/new.mustache`: the propose form, with similar proposals shown before posting.
struct ProposePage: PageModel {
    static let template = "proposals/new"

    struct Fields: Sendable {
        var heading: String
        var text: String
        var cost: String
        var contactName: String
        var contactPhone: String
        var contactEmail: String
        var consent: Bool
        var notifyEmail: Bool
    }

    struct Similar: Sendable {
        var code: String
        var heading: String
        var supports: String
    }

    var form: Fields
    var scopes: [SelectOption]
    var categories: [SelectOption]
    var provinces: [SelectOption]
    var districtGroups: [FilingPage.DistrictGroup]
    var similar: [Similar]
    var checkedSimilar: Bool
    var errors: [FormError]
}

/// `proposals/proposed.mustache`: the code and secret of a new proposal, shown this once.
struct ProposedPage: PageModel {
    static let template = "proposals/proposed"

    var code: String
    var secret: String
}

/// `proposals/show.mustache`: a proposal, its supports over time, the support step, the answer and timeline.
struct ProposalPage: PageModel {
    static let template = "proposals/show"

    struct Details: Sendable {
        var code: String
        var heading: String
        var text: String
        var statusCode: String
        var statusName: String
        var scopeName: String
        var categoryName: String
        var cost: String?
        var supports: String
        var threshold: String?
        var closes: String?
        var agencyName: String?
        /// A budget round's winner: the round it won, linked.
        var budgetRound: BudgetRound? = nil
    }

    struct BudgetRound: Sendable {
        var roundID: Int64
        var name: String
    }

    struct Day: Sendable {
        var day: String
        var supports: String
    }

    struct Answer: Sendable {
        var kindName: String
        var answerText: String?
        var answeredAt: String?
        /// None for a budget winner, adopted by the vote rather than answered by a deadline.
        var due: String?
        var studyUntil: String?
        var late: Bool
    }

    struct Event: Sendable {
        var at: String
        var what: String
        var note: String?
    }

    /// The support step: verified (one button), or asking for an address, or for the code sent.
    struct Support: Sendable {
        var verified: Bool
        var codeID: String?
        var sentTo: String?
    }

    var proposal: Details
    var chart: String
    var days: [Day]
    var answer: Answer?
    var timeline: [Event]
    var support: Support?
    /// What only the proposer sees: waiting for a moderator, or why it was rejected.
    var ownerNotice: String?
    var errors: [FormError]
}
