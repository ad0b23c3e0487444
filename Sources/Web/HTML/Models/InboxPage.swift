import Pages

/// `agency/inbox.mustache`: the cases a staff member works on, overdue first, with filters.
struct InboxPage: PageModel {
    static let template = "agency/inbox"

    var heading: String
    /// Who is signed in and in which role.
    var staffLine: String
    /// Whether the link to the triage queue shows (triage desk and administrators).
    var isTriage: Bool
    /// Whether the link to the classifier's model versions shows (administrators).
    var isAdmin: Bool
    var statuses: [SelectOption]
    var categories: [SelectOption]
    var overdueOnly: Bool
    var rows: [Row]
    /// The address of the next page of cases, when there is one.
    var nextPage: String?

    /// A case in the list.
    struct Row: Sendable {
        var code: String
        /// The title, or the start of the text when there is none.
        var subject: String
        var categoryName: String
        var filedAt: String
        var statusName: String
        var overdue: Bool
        var areaName: String
        /// The resolution deadline.
        var due: String
    }
}
