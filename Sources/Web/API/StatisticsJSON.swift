import Domain
import Foundation
import Services
import Statistics
import JSONBytes

/// JSON shapes of statistics.
struct DurationJSON: Encodable {
    var count: Int
    var median_seconds: Double?
    var p90_seconds: Double?
    var median_hours: Double?
    var p90_hours: Double?

    init(_ figures: DurationFigures) {
        count = figures.count
        median_seconds = figures.median
        p90_seconds = figures.p90
        median_hours = figures.median.map { ($0 / 36).rounded() / 100 }
        p90_hours = figures.p90.map { ($0 / 36).rounded() / 100 }
    }
}

struct ShareJSON: Encodable {
    var due: Int
    var met: Int
    var share: Double?
}

struct AppealsJSON: Encodable {
    /// Cases that reached a result.
    var results: Int
    /// Of those, cases appealed at least once.
    var cases: Int
    /// Appeals in all.
    var appeals: Int
    var share: Double?
}

struct SatisfactionJSON: Encodable {
    var count: Int
    var mean: Double?
    /// Ratings of 1, 2, 3, 4 and 5 stars.
    var stars: [Int]
}

struct KeyJSON: Encodable {
    var category: NameJSON?
    var agency: NameJSON?
    var province: NameJSON?
    var district: NameJSON?
    var subdistrict: NameJSON?
    var status: NameJSON?
    var kind: NameJSON?
    var channel: String?
    var month: String?
    var week: String?
    var day: String?
}

struct FiguresJSON: Encodable {
    var key: KeyJSON?
    var rank: Int?
    var filed: Int
    var open: Int
    var resolved: Int
    var rejected: Int
    var merged: Int
    var withdrawn: Int
    var overdue: Int
    var time_to_acknowledge: DurationJSON
    var time_to_first_answer: DurationJSON
    var time_to_resolution: DurationJSON
    var first_answer_within_deadline: ShareJSON
    var resolution_within_target: ShareJSON
    var appeals: AppealsJSON
    var satisfaction: SatisfactionJSON
    /// In the league table: how the agency answered the proposals that reached their threshold (all time).
    var proposals: ProposalAnswersJSON? = nil
}

/// An agency's answers to proposals, beside its complaints in the league table.
struct ProposalAnswersJSON: Encodable {
    var reached_threshold: Int
    var answered: Int
    var answered_in_time: Int
    var overdue: Int
    var share_answered_in_time: Double?

    init(_ figures: ProposalAgencyFigures) {
        reached_threshold = figures.routed
        answered = figures.answered
        answered_in_time = figures.answeredInTime
        overdue = figures.overdue
        share_answered_in_time = StatisticsJSONBuilder.rounded(figures.shareInTime)
    }
}

/// Builds statistics JSON with names from the reference data.
struct StatisticsJSONBuilder {
    let reference: Reference

    static func rounded(_ value: Double?) -> Double? {
        value?.rounded(toPlaces: 4)
    }

    func figures(_ group: GroupFigures, withKey: Bool = true, rank: Int? = nil) -> FiguresJSON {
        FiguresJSON(
            key: withKey ? key(group.key) : nil, rank: rank, filed: group.filed, open: group.open,
            resolved: group.resolved, rejected: group.rejected, merged: group.merged, withdrawn: group.withdrawn,
            overdue: group.overdue, time_to_acknowledge: DurationJSON(group.acknowledge),
            time_to_first_answer: DurationJSON(group.firstAnswer), time_to_resolution: DurationJSON(group.resolution),
            first_answer_within_deadline: ShareJSON(
                due: group.firstAnswerDue, met: group.firstAnswerMet, share: Self.rounded(group.firstAnswerShare)),
            resolution_within_target: ShareJSON(
                due: group.resolutionDue, met: group.resolutionMet, share: Self.rounded(group.resolutionShare)),
            appeals: AppealsJSON(
                results: group.results, cases: group.reopenedCases, appeals: group.appeals,
                share: Self.rounded(group.reopenShare)),
            satisfaction: SatisfactionJSON(count: group.ratings, mean: Self.rounded(group.meanStars), stars: group.stars))
    }

    func key(_ key: [StatisticsDimension: String]) -> KeyJSON {
        var json = KeyJSON()
        for (dimension, value) in key {
            switch dimension {
            case .category: json.category = category(value)
            case .agency: json.agency = agency(value)
            case .province: json.province = area(value)
            case .district: json.district = area(value)
            case .subdistrict: json.subdistrict = area(value)
            case .status:
                let status = statusNames(value)
                json.status = NameJSON(code: value, name_th: status.th, name_en: status.en)
            case .kind:
                let kind = kindNames(value)
                json.kind = NameJSON(code: value, name_th: kind.th, name_en: kind.en)
            case .channel: json.channel = value
            case .month: json.month = value
            case .week: json.week = value
            case .day: json.day = value
            }
        }
        return json
    }

    func category(_ code: String) -> NameJSON {
        let category = reference.categories[code]
        return NameJSON(code: code, name_th: category?.nameTH ?? code, name_en: category?.nameEN ?? code)
    }

    func agency(_ code: String) -> NameJSON {
        let agency = reference.agencies[code]
        return NameJSON(code: code, name_th: agency?.nameTH ?? code, name_en: agency?.nameEN ?? code)
    }

    func area(_ code: String) -> NameJSON {
        let area = reference.areas[code]
        return NameJSON(code: code, name_th: area?.nameTH ?? code, name_en: area?.nameEN ?? code)
    }
}

/// Thai and English names of a status code.
func statusNames(_ code: String) -> (th: String, en: String) {
    guard let status = CaseStatus(rawValue: code) else { return (code, code) }
    return (status.nameTH, status.nameEN)
}

/// Thai and English names of a kind code.
func kindNames(_ code: String) -> (th: String, en: String) {
    guard let kind = CaseKind(rawValue: code) else { return (code, code) }
    let english = ["complaint": "Complaint", "suggestion": "Suggestion", "inquiry": "Inquiry"][code] ?? code
    return (kind.nameTH, english)
}
