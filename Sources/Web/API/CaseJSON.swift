import Domain
import Foundation
import Services
import Statistics
import ThaiText
import JSONBytes

/// JSON shapes of cases, built from records and reference data. Every date is ISO 8601 in
/// Bangkok time; every name comes in Thai and English.
struct NameJSON: Encodable {
    var code: String
    var name_th: String
    var name_en: String
}

struct CategoryRefJSON: Encodable {
    var code: String
    var name_th: String
    var name_en: String
    var confidence: Double?
    var predicted: String?
}

struct AreaJSON: Encodable {
    var province: NameJSON?
    var district: NameJSON?
    var subdistrict: NameJSON?
    var source: String?
}

struct DueJSON: Encodable {
    var acknowledge: String
    var first_answer: String
    var resolution: String
}

struct StatusJSON: Encodable {
    var code: String
    var name_th: String
    var name_en: String
    var open311: String
}

struct EventJSON: Encodable {
    var at: String
    var kind: String
    var actor: String
    var status: String?
    var agency: NameJSON?
    var category: String?
    var note: String?
    var `internal`: Bool?
}

struct RatingJSON: Encodable {
    var stars: Int
    var comment: String?
    var rated_at: String?
}

struct LocationJSON: Codable {
    var lat: Double
    var lon: Double
}

struct ContactJSON: Encodable {
    var name: String?
    var phone: String?
    var email: String?
    var consent_version: String
    var consent_at: String
}

/// Who a case's JSON is for; published as its `view`.
enum CaseView: String, Encodable {
    /// The citizen who filed it: the full text, no staff-only notes.
    case citizen
    /// Anyone: the redacted text.
    case `public`
    /// Staff: everything, with staff-only notes and (when read) the contact details.
    case staff
}

/// A case as its viewer may see it (`CaseView`).
struct CaseJSON: Encodable {
    var view: CaseView
    var code: String
    var kind: String
    var channel: String?
    var status: StatusJSON
    var title: String?
    var text: String
    var category: CategoryRefJSON
    var agency: NameJSON?
    var area: AreaJSON
    var location: LocationJSON?
    var address: String?
    var filed_at: String
    var updated_at: String
    var acknowledged_at: String?
    var first_answered_at: String?
    var resolved_at: String?
    var closed_at: String?
    var due: DueJSON
    var overdue: Bool
    var resolution: String?
    var rejection_reason: NameJSON?
    var merged_into: String?
    var transfer_count: Int?
    var reopen_count: Int
    var rating: RatingJSON?
    var can_rate: Bool?
    var can_reopen_until: String?
    var contact: ContactJSON?
    var timeline: [EventJSON]?
    /// The photos this viewer may see: the citizen's ("before") and officers' results ("after").
    var photos: [PhotoJSON]? = nil
    /// How many citizens follow the case instead of filing it again ("me too").
    var me_too_count: Int = 0
}

/// Builds the JSON shapes against the reference data.
struct CaseJSONBuilder {
    let reference: Reference
    let rules: ServiceRules

    func name(agency code: String?) -> NameJSON? {
        guard let code else { return nil }
        guard let agency = reference.agencies[code] else { return NameJSON(code: code, name_th: code, name_en: code) }
        return NameJSON(code: code, name_th: agency.nameTH, name_en: agency.nameEN)
    }

    func name(area code: String?) -> NameJSON? {
        guard let code, let area = reference.areas[code] else { return nil }
        return NameJSON(code: code, name_th: area.nameTH, name_en: area.nameEN)
    }

    func category(_ record: CaseRecord, withPrediction: Bool) -> CategoryRefJSON {
        let code = record.state.categoryCode
        let category = reference.categories[code]
        return CategoryRefJSON(
            code: code, name_th: category?.nameTH ?? code, name_en: category?.nameEN ?? code,
            confidence: withPrediction ? record.predictedConfidence?.rounded(toPlaces: 3) : nil,
            predicted: withPrediction ? record.predictedCategory : nil)
    }

    static func status(_ status: CaseStatus) -> StatusJSON {
        StatusJSON(code: status.rawValue, name_th: status.nameTH, name_en: status.nameEN, open311: status.open311)
    }

    func area(_ area: CaseArea, source: AreaSource?) -> AreaJSON {
        AreaJSON(
            province: name(area: area.provinceCode), district: name(area: area.districtCode),
            subdistrict: name(area: area.subdistrictCode), source: source?.rawValue)
    }

    /// The full view: for the citizen or staff (with internal notes and contact).
    func full(
        _ record: CaseRecord, events: [CaseEvent]?, view: CaseView, contact: CaseContact? = nil, now: Date
    ) -> CaseJSON {
        let state = record.state
        let isStaff = view == .staff
        return CaseJSON(
            view: view, code: record.code, kind: record.kind.rawValue, channel: record.channel,
            status: Self.status(state.status), title: record.title, text: record.text,
            category: category(record, withPrediction: true), agency: name(agency: state.agencyCode),
            area: area(record.area, source: record.areaSource),
            location: record.latitude.flatMap { lat in record.longitude.map { LocationJSON(lat: lat, lon: $0) } },
            address: record.address, filed_at: BangkokTime.format(record.filedAt),
            updated_at: BangkokTime.format(record.updatedAt), acknowledged_at: state.acknowledgedAt.map(BangkokTime.format),
            first_answered_at: state.firstAnsweredAt.map(BangkokTime.format),
            resolved_at: state.resolvedAt.map(BangkokTime.format), closed_at: state.closedAt.map(BangkokTime.format),
            due: due(record), overdue: record.isOverdue(at: now), resolution: state.resolution,
            rejection_reason: state.rejectionReason.map { NameJSON(code: $0.rawValue, name_th: $0.nameTH, name_en: $0.nameEN) },
            merged_into: state.mergedInto, transfer_count: isStaff ? state.transferCount : nil,
            reopen_count: state.reopenCount, rating: rating(state),
            can_rate: isStaff ? nil : canRate(state),
            can_reopen_until: isStaff ? nil : reopenDeadline(state, now: now).map(BangkokTime.format),
            contact: contact.map {
                ContactJSON(
                    name: $0.name, phone: $0.phone, email: $0.email, consent_version: $0.consentVersion,
                    consent_at: BangkokTime.format($0.consentAt))
            },
            timeline: events.map { $0.map { event(from: $0, includeInternalFlag: isStaff, publicOnly: false) } },
            me_too_count: record.meTooCount)
    }

    /// The public view: redacted text and notes, no contact, no address, location to about 100 m.
    func publicView(_ record: CaseRecord, events: [CaseEvent], now: Date) -> CaseJSON {
        let state = record.state
        return CaseJSON(
            view: .public, code: record.code, kind: record.kind.rawValue, channel: nil, status: Self.status(state.status),
            title: record.publicTitle, text: record.publicText, category: category(record, withPrediction: false),
            agency: name(agency: state.agencyCode), area: area(record.area, source: nil),
            location: record.latitude.flatMap { lat in
                record.longitude.map { LocationJSON(lat: lat.rounded(toPlaces: 3), lon: $0.rounded(toPlaces: 3)) }
            },
            address: nil, filed_at: BangkokTime.format(record.filedAt), updated_at: BangkokTime.format(record.updatedAt),
            acknowledged_at: state.acknowledgedAt.map(BangkokTime.format),
            first_answered_at: state.firstAnsweredAt.map(BangkokTime.format),
            resolved_at: state.resolvedAt.map(BangkokTime.format), closed_at: state.closedAt.map(BangkokTime.format),
            due: due(record), overdue: record.isOverdue(at: now),
            resolution: state.resolution.map { PersonalData.redact($0) },
            rejection_reason: state.rejectionReason.map { NameJSON(code: $0.rawValue, name_th: $0.nameTH, name_en: $0.nameEN) },
            merged_into: state.mergedInto, transfer_count: nil, reopen_count: state.reopenCount,
            rating: state.rating.map { RatingJSON(stars: $0, comment: nil, rated_at: nil) }, can_rate: nil,
            can_reopen_until: nil, contact: nil,
            timeline: events.map { event(from: $0, includeInternalFlag: false, publicOnly: true) },
            me_too_count: record.meTooCount)
    }

    func due(_ record: CaseRecord) -> DueJSON {
        DueJSON(
            acknowledge: BangkokTime.format(record.due.acknowledge), first_answer: BangkokTime.format(record.due.firstAnswer),
            resolution: BangkokTime.format(record.due.resolution))
    }

    func rating(_ state: CaseState) -> RatingJSON? {
        state.rating.map { RatingJSON(stars: $0, comment: state.ratingComment, rated_at: state.ratedAt.map(BangkokTime.format)) }
    }

    func canRate(_ state: CaseState) -> Bool { LifecycleRules.canRate(state) }

    func reopenDeadline(_ state: CaseState, now: Date) -> Date? { rules.lifecycle.appealDeadline(of: state, at: now) }

    func event(from event: CaseEvent, includeInternalFlag: Bool, publicOnly: Bool) -> EventJSON {
        let note = publicOnly ? Self.publicNote(of: event) : event.note
        // A case back from a private category must not tell the public it was there.
        let category = publicOnly && event.categoryCode.map(rules.privateCategories.contains) == true ? nil : event.categoryCode
        return EventJSON(
            at: BangkokTime.format(event.at), kind: event.kind.rawValue, actor: event.actorKind.rawValue, status: event.toStatus?.rawValue,
            agency: name(agency: event.agencyCode), category: category, note: note,
            internal: includeInternalFlag ? event.isInternal : nil)
    }

    /// What of an event's note the public may read: answers and results, redacted; citizens' own
    /// notes (appeals, ratings) and triage reasons stay private.
    static func publicNote(of event: CaseEvent) -> String? {
        guard !event.isInternal, event.kind.isAnswer else { return nil }
        return event.note.map { PersonalData.redact($0) }
    }

    /// A line of an agency's case list.
    func summary(_ record: CaseRecord, now: Date) -> CaseSummaryJSON {
        CaseSummaryJSON(
            code: record.code, kind: record.kind.rawValue, status: record.state.status.rawValue,
            category: record.state.categoryCode, agency: record.state.agencyCode, title: record.title,
            text: String(record.text.prefix(200)), district: record.area.districtCode, province: record.area.provinceCode,
            filed_at: BangkokTime.format(record.filedAt), due_resolution: BangkokTime.format(record.due.resolution),
            overdue: record.isOverdue(at: now))
    }
}

struct CaseSummaryJSON: Encodable {
    var code: String
    var kind: String
    var status: String
    var category: String
    var agency: String?
    var title: String?
    var text: String
    var district: String?
    var province: String?
    var filed_at: String
    var due_resolution: String
    var overdue: Bool
}
