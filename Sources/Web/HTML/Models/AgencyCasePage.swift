import Pages

/// `agency/case.mustache`: a case as staff see it, with the citizen's contact and a form for
/// each action they may take now.
struct AgencyCasePage: PageModel {
    static let template = "agency/case"

    var `case`: Details

    struct Details: Sendable {
        var code: String
        var statusCode: String
        var statusName: String
        var overdue: Bool
        /// The case's own title, if it has one; not `title`, which is the page's (`PageLayout.title`).
        var caseTitle: String?
        var text: String
        var kindName: String
        var categoryName: String
        /// The classifier's category, when it differs from the case's.
        var predicted: String?
        /// Other problems the classifier reads in the text (`Prediction.also`), besides the case's
        /// category, as one line of names; nil when it reads none.
        var also: String?
        var agencyName: String
        var areaName: String
        var address: String?
        /// Latitude and longitude, when given.
        var location: String?
        var filedAt: String
        var dueAcknowledge: String
        var dueFirstAnswer: String
        var dueResolution: String
        var rating: String?
        /// None when there is nothing held (never given, or erased).
        var contact: Contact?
        /// When the contact details were erased, if they were.
        var contactErased: String?
        var resolution: String?
        /// "Result" or, for a reopened case, "previous result".
        var resultHeading: String
        var timeline: [Event]
        /// The messages sent (or waiting) about the case: channel, what, when and whether they arrived.
        var notifications: [Notification]
        var actions: [Action]
        var errors: [FormError]
        /// The citizen's photos and the results, hidden ones marked; nil when there are none.
        var photos: PhotoGallery?
        /// Open cases that look like this one (likely duplicates), best first.
        var similar: [SimilarItem] = []
        var hasSimilar: Bool = false
    }

    /// The citizen's contact details ("–" for a field not given); showing them is logged.
    struct Contact: Sendable {
        var name: String
        var phone: String
        var email: String
        var anonymous: Bool
    }

    /// A message about the case, as staff see it (never its address).
    struct Notification: Sendable {
        var channel: String
        var what: String
        var at: String
        var statusCode: String
        var status: String
        var attempts: Int
        var error: String?
    }

    /// A line of the case's timeline, internal notes included.
    struct Event: Sendable {
        var at: String
        var iso: String
        var what: String
        var `internal`: Bool
        var note: String?
    }

    /// The form of one action, with the fields that action asks for.
    struct Action: Sendable {
        /// The action's code (`accept`, `transfer`, …), also the form's `id`.
        var name: String
        var label: String
        var noteLabel: String
        var noteRequired: Bool
        var needsInternal: Bool
        var needsTarget: Bool
        var needsAgency: Bool
        var needsCategory: Bool
        var needsReason: Bool
        /// Whether the form takes result photos (`resolve`, `comment`).
        var acceptsPhotos: Bool
        var agencyOptions: [SelectOption]
        var categoryOptions: [SelectOption]
        var reasonOptions: [SelectOption]
    }
}
