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
    var errors: [FormError]

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
