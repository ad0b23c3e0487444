import Pages

/// `file.mustache`: the filing form, with what the citizen typed kept after a refusal.
struct FilingPage: PageModel {
    static let template = "file"

    var form: Fields
    var kinds: [Kind]
    var categories: [SelectOption]
    var provinces: [SelectOption]
    /// Districts under the name of their province (`<optgroup>`).
    var districtGroups: [DistrictGroup]
    /// The subdistricts of the district chosen, offered as names to type (`<datalist>`); the page's
    /// script fills them when the district changes.
    var subdistricts: [SelectOption] = []
    var errors: [FormError]
    /// Whether the citizen asked "already reported?" (the list below shows, possibly empty).
    var checked: Bool = false
    /// Open public cases like this one, from the check; the citizen may follow one instead of filing.
    var similar: [SimilarItem] = []
    var hasSimilar: Bool = false

    /// The form's text fields as typed, and its two checkboxes.
    struct Fields: Sendable {
        var idempotencyKey: String
        var title: String
        var text: String
        var address: String
        var latitude: String
        var longitude: String
        var contactName: String
        var contactPhone: String
        var contactEmail: String
        var consent: Bool
        var anonymous: Bool
        /// Whether the citizen asked to hear of progress by e-mail, by SMS.
        var notifyEmail: Bool
        var notifySMS: Bool
        /// The subdistrict's name (or code) as typed.
        var subdistrict: String = ""
    }

    /// A radio button for a kind of case (complaint, request, …).
    struct Kind: Sendable {
        var value: String
        var name: String
        var checked: Bool
    }

    struct DistrictGroup: Sendable {
        var province: String
        var provinceName: String
        var districts: [SelectOption]
    }
}
