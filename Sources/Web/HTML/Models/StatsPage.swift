import Pages

/// `stats.mustache`: the public statistics, each chart with the table of its numbers.
struct StatsPage: PageModel {
    static let template = "stats"

    /// The period as given, in the date inputs.
    var filters: Filters
    var categories: [SelectOption]
    var areas: [SelectOption]
    /// The period in words.
    var period: String
    var headline: Headline
    var charts: [Chart]
    var agencies: [AgencyRow]
    /// Participatory budgeting rounds; nil when there is none yet.
    var budgets: BudgetTable?
    /// Which agencies are ranked (those with enough cases in the period).
    var agencyNote: String
    var openData: OpenData
    /// Consultations: participation and how long the agency took to respond.
    var consultations: [ConsultationRow] = []

    struct ConsultationRow: Sendable {
        var id: Int64
        var title: String
        var opinions: String
        var participants: String
        var responseDays: String
    }

    struct Filters: Sendable {
        var from: String
        var to: String
    }

    /// The headline figures, formatted.
    struct Headline: Sendable {
        var filed: String
        var open: String
        var resolved: String
        var overdue: String
        var answeredShare: String
        var resolvedShare: String
        var medianAnswer: String
        var satisfaction: String
        var ratings: String
        var appeals: String
    }

    /// A chart, drawn as inline SVG by the server, and the table of its numbers.
    struct Chart: Sendable {
        var id: String
        var heading: String
        var caption: String
        var labelHeading: String
        var valueHeading: String
        /// Every value is 0 (no ratings yet, say): the page says so instead of drawing.
        var empty: Bool
        /// Markup the server drew, inserted unescaped (`{{{svg}}}`).
        var svg: String
        var rows: [Row]

        struct Row: Sendable {
            var label: String
            var value: String
        }
    }

    /// An agency's line in the league table.
    struct AgencyRow: Sendable {
        /// "–" for an agency with too few cases to rank.
        var rank: String
        var name: String
        var filed: String
        var answeredShare: String
        var resolvedShare: String
        var medianAnswer: String
        var satisfaction: String
        /// The share of proposals that reached the agency answered by their deadline.
        var proposalsInTime: String
    }

    struct BudgetTable: Sendable {
        var rows: [BudgetRow]
    }

    /// A participatory budgeting round in the statistics: turnout and, once published, its winners.
    struct BudgetRow: Sendable {
        var name: String
        var agency: String
        var phase: String
        var budget: String
        var ballots: String
        /// Ballots cast ÷ verified voters.
        var turnout: String
        /// The binding rule's chosen projects, and what they cost; "–" before the results.
        var winners: String
        var spent: String
    }

    /// Duplicates by category and agency: detected, merged, "me too" (`GET /api/v1/stats/duplicates`).
    var duplicates: [DuplicateRow] = []
    var hasDuplicates: Bool = false

    struct DuplicateRow: Sendable {
        var category: String
        var agency: String
        var detected: String
        var merged: String
        var meToo: String
    }

    /// Per classifier model version: finished cases categorised, finished in another category, share kept (`GET /api/v1/stats/classifier`).
    var classifier: [ClassifierRow] = []

    struct ClassifierRow: Sendable {
        var name: String
        var live: Bool
        var cases: String
        var changed: String
        var kept: String
    }

    /// The addresses of the same figures as open data.
    struct OpenData: Sendable {
        var csv: String
        var json: String
        var api: String
    }
}
