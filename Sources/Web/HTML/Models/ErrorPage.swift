import Pages

/// `error.mustache`: why a page cannot be shown, in words.
struct ErrorPage: PageModel {
    static let template = "error"

    var heading: String
    var message: String
}
