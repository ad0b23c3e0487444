import Pages

/// One consultation in a list.
struct ConsultationRow: Sendable {
    var id: Int64
    var title: String
    var agencyName: String
    var phaseName: String
    var closes: String
    var opinions: String
}

/// `consultations.mustache`: every consultation, newest first.
struct ConsultationListPage: PageModel {
    static let template = "consultations"

    var consultations: [ConsultationRow]
}

/// A theme as the public and staff pages show it.
struct ThemeView: Sendable {
    var id: Int64
    var label: String
    var size: String
    var words: String
    var quotes: [Quote]
    var stances: String
    var response: String?

    struct Quote: Sendable {
        var text: String
    }
}

/// `consultation.mustache`: the question or draft, the opinion form while open (after verifying,
/// unless anonymous opinions are taken), and once closed the themes with counts and the responses.
struct ConsultationPage: PageModel {
    static let template = "consultation"

    var consultationID: Int64
    var heading: String
    var agencyName: String
    var phaseName: String
    var dates: String
    var question: String
    var sections: [Section]
    var participation: String
    var errors: [FormError]
    /// The e-mail/phone form of a visitor who must verify before giving an opinion.
    var verify: Verify?
    /// The opinion form, while open, for a verified visitor or where anonymity is allowed.
    var opinionForm: OpinionForm?
    /// Once closed.
    var themes: [ThemeView]
    var isClosed: Bool
    var responsesPublished: Bool

    struct Section: Sendable {
        var number: Int
        var text: String
    }

    struct Verify: Sendable {
        var address: String
    }

    struct OpinionForm: Sendable {
        var text: String
        var sectionOptions: [SelectOption]
        var anonymous: Bool
    }
}

/// `consultation-code.mustache`: the code sent to the participant's address.
struct ConsultationCodePage: PageModel {
    static let template = "consultation-code"

    var consultationID: Int64
    var heading: String
    var codeID: Int64
    var errors: [FormError]
}

/// `agency/consultations.mustache`: the agency's consultations and the form to open one.
struct StaffConsultationListPage: PageModel {
    static let template = "agency/consultations"

    var consultations: [ConsultationRow]
    var errors: [FormError]
    var areas: [SelectOption]
}

/// `agency/consultation.mustache`: the themes (live while open), and once closed the forms to rename,
/// merge, split and respond, and to publish the responses.
struct StaffConsultationPage: PageModel {
    static let template = "agency/consultation"

    var consultationID: Int64
    var heading: String
    var phaseName: String
    var participation: String
    var live: Bool
    var editable: Bool
    var published: Bool
    var themes: [Theme]

    struct Theme: Sendable {
        var id: Int64
        var label: String
        var size: String
        var words: String
        var quotes: [ThemeView.Quote]
        var stances: String
        var response: String?
        /// The other themes, to merge into this one.
        var others: [SelectOption]
        var responseText: String
    }
}
