import Pages

/// `agency/password.mustache`: changing a staff member's password.
struct PasswordPage: PageModel {
    static let template = "agency/password"

    /// Whether the account must choose a password before doing anything else.
    var required: Bool
    var errors: [FormError]
    var newHint: String
}
