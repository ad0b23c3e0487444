import Pages

/// A case like the one being filed, as the filing form lists it ("already reported?").
struct SimilarItem: Sendable {
    var code: String
    var similarTitle: String?
    var text: String
    var statusName: String
    var areaName: String
    var filedAt: String
    var meTooCount: Int
    /// The score as a percentage, for people.
    var percent: Int
    var sharedWords: String
}

/// `followed.mustache`: the code and, this once, the secret of a "me too" just made.
struct FollowedPage: PageModel {
    static let template = "followed"

    var code: String
    var secret: String
    var caseCode: String
    var meTooCount: Int
}
