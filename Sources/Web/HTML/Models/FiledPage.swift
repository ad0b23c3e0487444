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
    /// The position the citizen's photo carried, offered as the case's location (they choose).
    var photoLocation: PhotoLocationOffer? = nil

    struct PhotoLocationOffer: Sendable {
        /// As posted back and shown: decimal degrees, six places (about 10 cm).
        var lat: String
        var lon: String
        /// The position on OpenStreetMap, to check before accepting.
        var mapURL: String
    }
}
