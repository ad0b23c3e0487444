import Pages

/// `case.mustache`: a case as the citizen who holds its secret sees it, or as the public does.
struct CasePage: PageModel {
    static let template = "case"

    var `case`: Details

    struct Details: Sendable {
        /// Whether this browser proved the case's secret (the citizen's view, with forms).
        var isCitizen: Bool
        var code: String
        var statusCode: String
        var statusName: String
        var overdue: Bool
        var kindName: String
        var categoryName: String
        var agencyName: String
        var areaName: String
        var filedAt: String
        /// Whether the case is open (its deadlines show).
        var open: Bool
        var dueAcknowledge: String
        var dueFirstAnswer: String
        var dueResolution: String
        /// The citizen's words, or the public text with personal data taken out.
        var text: String
        /// The case's own title, if it has one; not `title`, which is the page's (`PageLayout.title`).
        var caseTitle: String?
        /// Only in the citizen's view.
        var address: String?
        var resolvedAt: String?
        var resolution: String?
        /// "Result" or, for a reopened case, "previous result".
        var resultHeading: String
        var rejection: String?
        var mergedInto: String?
        var rating: String?
        var canRate: Bool
        var starChoices: [StarChoice]
        /// Until when the citizen may appeal, while they may.
        var reopenUntil: String?
        /// Who used the contact details; only in the citizen's view.
        var privacy: Privacy?
        var errors: [FormError]
        /// The photos this viewer may see, before and after; nil when there are none.
        var photos: PhotoGallery?
        var timeline: [Event]
        /// How many citizens follow the case instead of filing it again ("me too").
        var meTooCount: Int = 0
        /// Whether the public may follow it now (public and open): the "me too" form shows.
        var canFollow: Bool = false
    }

    /// A radio button of the rating form.
    struct StarChoice: Sendable {
        var value: Int
        var label: String
    }

    /// A line of the case's timeline.
    struct Event: Sendable {
        var at: String
        /// The time in ISO 8601, for `<time datetime>`.
        var iso: String
        var what: String
        var note: String?
    }

    /// The section on the contact details (PDPA): held or erased, each reading, the erasure form.
    struct Privacy: Sendable {
        var givenAt: String?
        var erasedAt: String?
        /// No contact details were ever given.
        var none: Bool
        var entries: [Entry]
        /// Details are held, but the case is not finished yet.
        var eraseLater: Bool
        var canErase: Bool

        /// A reading (by agency, never by officer) or an erasure.
        struct Entry: Sendable {
            var at: String
            var iso: String
            var who: String
            var reason: String?
        }
    }
}
