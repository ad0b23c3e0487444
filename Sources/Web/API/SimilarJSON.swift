import Domain
import Foundation
import Services
import Statistics
import JSONBytes

/// A case like the text asked about, in the public's view: redacted fields, how alike, and why.
struct SimilarCaseJSON: Encodable {
    var code: String
    var status: StatusJSON
    var title: String?
    var text: String
    var category: CategoryRefJSON
    var agency: NameJSON?
    var area: AreaJSON
    var filed_at: String
    var me_too_count: Int
    /// Cosine of the two texts' TF-IDF vectors, 0 to 1.
    var score: Double
    /// Words and word pairs both texts hold, the strongest first: why they look alike.
    var shared_words: [String]
    var url: String

    init(_ similar: SimilarCase, json: CaseJSONBuilder) {
        let record = similar.record
        code = record.code
        status = CaseJSONBuilder.status(record.state.status)
        title = record.publicTitle
        text = record.publicText
        category = json.category(record, withPrediction: false)
        agency = json.name(agency: record.state.agencyCode)
        area = json.area(record.area, source: nil)
        filed_at = BangkokTime.format(record.filedAt)
        me_too_count = record.meTooCount
        score = similar.score.rounded(toPlaces: 3)
        shared_words = similar.sharedWords
        url = "/api/v1/cases/\(record.code)"
    }
}
