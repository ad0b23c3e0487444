import Pages

/// `agency/proposals.mustache`: proposals waiting for moderation, with flagged supports, and those to answer.
struct StaffProposalsPage: PageModel {
    static let template = "agency/proposals"

    struct Item: Sendable {
        var code: String
        var heading: String
        var statusName: String
        var supports: String
        var flaggedSupports: String
        var due: String?
    }

    var moderator: Bool
    var pending: [Item]
    var flagged: [Item]
    var toAnswer: [Item]
}

/// `agency/proposal.mustache`: one proposal with the forms staff may use on it.
struct StaffProposalPage: PageModel {
    static let template = "agency/proposal"

    struct Event: Sendable {
        var at: String
        var what: String
        var note: String?
    }

    var code: String
    var heading: String
    var text: String
    var statusName: String
    var scopeName: String
    var categoryName: String
    var supports: String
    var flaggedCount: String
    var agencyName: String
    var canModerate: Bool
    var canDecideFlagged: Bool
    var canAnswer: Bool
    var canReportProgress: Bool
    var reasons: [SelectOption]
    var answers: [SelectOption]
    var timeline: [Event]
    var errors: [FormError]
}
