import Pages

/// `agency/clusters.mustache`: groups of the agency's open cases that look like one problem, largest first,
/// each with a form merging it into its main case.
struct ClustersPage: PageModel {
    static let template = "agency/clusters"

    var clusters: [Cluster]
    var hasClusters: Bool
    var errors: [FormError]

    struct Cluster: Sendable {
        var size: Int
        var main: String
        /// The other members' codes, comma-separated (the merge form's hidden field).
        var members: String
        var sharedWords: String
        var cases: [Member]
    }

    /// A case of a cluster: public fields only.
    struct Member: Sendable {
        var code: String
        var caseTitle: String?
        var text: String
        var statusName: String
        var areaName: String
        var filedAt: String
        var meTooCount: Int
    }
}
