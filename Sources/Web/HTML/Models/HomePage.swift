import Pages

/// `home.mustache`: the three ways in, and the headline figures once a case has been filed.
struct HomePage: PageModel {
    static let template = "home"

    /// None until the first case, so the home page does not boast of zeros.
    var headline: Headline?

    struct Headline: Sendable {
        var filed: String
        var answered: String
        var resolved: String
        var satisfaction: String
    }
}
