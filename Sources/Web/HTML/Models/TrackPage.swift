import Pages

/// `track.mustache`: the form asking for a tracking code and secret.
struct TrackPage: PageModel {
    static let template = "track"

    /// The code typed, kept after a refusal or given in the address.
    var code: String
    var errors: [FormError]
}
