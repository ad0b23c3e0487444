import Pages

/// `filed.mustache`: the tracking code and, this once, the secret of a case just filed.
struct FiledPage: PageModel {
    static let template = "filed"

    var code: String
    /// None once the page has been shown (the cookie that carried it is cleared).
    var secret: String?
    var statusName: String
    var categoryName: String
    var agencyName: String
    var dueFirstAnswer: String
}
