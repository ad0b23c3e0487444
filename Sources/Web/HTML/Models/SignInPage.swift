import Pages

/// `agency/sign-in.mustache`: the staff sign-in form.
struct SignInPage: PageModel {
    static let template = "agency/sign-in"

    /// The address typed last time, kept after a refusal.
    var email: String
    var errors: [FormError]
}
