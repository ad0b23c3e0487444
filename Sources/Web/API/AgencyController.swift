import Domain
import Foundation
import Hummingbird
import Photos
import Services
import Statistics

/// The agency side of the API: officers' case lists, a case with its contact (logged), actions,
/// and the triage queue. Every route needs a staff token; officers see only their agency.
struct AgencyController {
    let agency: AgencyService
    let photos: PhotoService
    let json: CaseJSONBuilder

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("me", use: me)
        group.get("cases", use: list)
        group.get("triage", use: triage)
        group.get("cases/{code}", use: details)
        group.post("cases/{code}/actions", use: act)
        group.post("cases/{code}/photos/{id}/hide", use: hidePhoto)
    }

    struct MeJSON: Encodable {
        var id: Int64
        var name: String
        var role: String
        var agency: NameJSON?
    }

    @Sendable func me(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        return try JSONResponse.make(
            MeJSON(id: staff.id, name: staff.name, role: staff.role.rawValue, agency: json.name(agency: staff.agencyCode)))
    }

    struct ListJSON: Encodable {
        var cases: [CaseSummaryJSON]
        var next_cursor: String?
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await listing(request, context: context, forcedStatuses: nil)
    }

    @Sendable func triage(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        guard staff.role != .officer else {
            throw APIError(
                status: .forbidden, code: "action_not_allowed", th: "คิวคัดกรองสำหรับเจ้าหน้าที่คัดกรองเท่านั้น",
                en: "The triage queue is for triage officers.")
        }
        return try await listing(request, context: context, forcedStatuses: [.triage])
    }

    func listing(_ request: Request, context: SiangRequestContext, forcedStatuses: [CaseStatus]?) async throws -> Response {
        let staff = try Self.staff(context)
        let filter = try ListQuery.parse(request.uri.queryParameters, reference: agency.reference, forcedStatuses: forcedStatuses)
        let page = try await agency.list(filter, by: staff)
        let now = agency.clock()
        let next = page.hasMore ? page.cases.last.map { ListQuery.cursor(filedAt: $0.filedAt, id: $0.id) } : nil
        return try JSONResponse.make(ListJSON(cases: page.cases.map { json.summary($0, now: now) }, next_cursor: next))
    }

    @Sendable func details(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let code = try CasesController.code(context)
        let reason = request.uri.queryParameters.get("reason")?.nonBlank ?? "ดำเนินการตามเรื่องร้องเรียน (case handling)"
        guard reason.count <= 200 else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_reason", th: "เหตุผลยาวเกิน 200 ตัวอักษร",
                en: "\"reason\" is longer than 200 characters.")
        }
        let found = try await agency.details(code: code, by: staff, reason: reason)
        var output = json.full(found.record, events: found.events, view: .staff, contact: found.contact, now: agency.clock())
        output.photos = PhotoJSON.list(try await photos.photos(of: found.record, for: .staff), audience: .staff)
        return try JSONResponse.make(output, headers: [.cacheControl: "no-store"])
    }

    /// `POST …/actions`: `{"action": "accept" | "start" | "comment" | "resolve" | "reject" | "transfer" |
    /// "recategorise" | "merge" | "place", …}`.
    struct ActionBody: Decodable {
        var action: String
        var note: String?
        var `internal`: Bool?
        var result: String?
        var reason: String?
        var agency: String?
        var category: String?
        var into: String?
    }

    /// Actions that may carry photos: the result (`resolve`) and progress (`comment`).
    static let actionsWithPhotos: Set<String> = ["resolve", "comment"]

    /// The action as JSON, or as `multipart/form-data` with the same JSON in a part named `action` and
    /// result photos in parts named `photos` (with `resolve` and `comment` only). The photos are checked
    /// before the action is taken, and attached once it has committed.
    @Sendable func act(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let code = try CasesController.code(context)
        let body: ActionBody
        var upload: MultipartUpload?
        var cleaned: [CleanPhoto] = []
        if MultipartUpload.isMultipart(request) {
            let (parsed, form) = try await MultipartUpload.jsonAndPhotos(
                ActionBody.self, part: "action", from: request, context: context, photos: photos)
            body = parsed
            if !form.files.isEmpty {
                guard Self.actionsWithPhotos.contains(body.action) else {
                    throw APIError(
                        status: .unprocessableContent, code: "photos_not_allowed",
                        th: "แนบรูปได้เฉพาะการแจ้งผล (resolve) และความเห็น (comment)",
                        en: "Photos may be attached only to \"resolve\" and \"comment\".")
                }
                cleaned = try await photos.clean(form.files)
            }
            upload = form
        } else {
            body = try JSONBody.decode(ActionBody.self, from: try await JSONBody.bytes(of: request, context: context))
        }
        defer { withExtendedLifetime(upload) {} }
        let action = try StaffActionRequest(
            action: body.action, note: body.note, isInternal: body.internal ?? false, result: body.result,
            reason: body.reason, agency: body.agency, category: body.category, into: body.into
        ).action(rules: agency.rules)
        let record = try await agency.act(code: code, action: action, by: staff)
        let events = try await agency.timeline(of: record)
        var output = json.full(record, events: events, view: .staff, now: agency.clock())
        if !cleaned.isEmpty { _ = try await photos.addByStaff(cleaned, to: record, by: staff) }
        output.photos = PhotoJSON.list(try await photos.photos(of: record, for: .staff), audience: .staff)
        return try JSONResponse.make(output)
    }

    struct HideBody: Decodable {
        var reason: String
    }

    /// `POST …/photos/{id}/hide` `{"reason": "…"}`: hides a photo from the public (faces, number plates);
    /// staff and the citizen still see it, marked.
    @Sendable func hidePhoto(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try Self.staff(context)
        let code = try CasesController.code(context)
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
            throw APIError(status: .notFound, code: "photo_not_found", th: "ไม่พบรูป", en: "No such photo.")
        }
        let body = try JSONBody.decode(HideBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let photo = try await photos.hide(code: code, photoID: id, reason: body.reason, by: staff)
        return try JSONResponse.make(PhotoJSON(photo, audience: .staff), headers: [.cacheControl: "no-store"])
    }

    static func staff(_ context: SiangRequestContext) throws -> StaffMember {
        guard let staff = context.staff else { throw APIError(status: .unauthorized, code: "unauthenticated", th: "ต้องเข้าสู่ระบบ", en: "Sign in first.") }
        return staff
    }
}

/// The query string of a case list: `status`, `category` (comma-separated), `area`, `overdue`,
/// `from`, `to` (dates), `limit` (1–200) and `cursor`.
enum ListQuery {
    static func parse(_ query: Parameters, reference: Reference, forcedStatuses: [CaseStatus]?) throws -> CaseListFilter {
        func list(_ name: String) -> [String]? {
            guard let value = query.get(name), !value.isEmpty else { return nil }
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func invalid(_ name: String, _ th: String, _ en: String) -> APIError {
            APIError(status: .badRequest, code: "invalid_\(name)", th: th, en: en)
        }
        var filter = CaseListFilter(agencyCode: nil)
        if let statuses = list("status") {
            filter.statuses = try statuses.map { value in
                guard let status = CaseStatus(rawValue: value) else {
                    throw invalid("status", "ไม่รู้จักสถานะ \(value)", "Unknown status \"\(value)\".")
                }
                return status
            }
        }
        if let forcedStatuses { filter.statuses = forcedStatuses }
        if let categories = list("category") {
            for category in categories where reference.categories[category] == nil {
                throw invalid("category", "ไม่พบหมวดหมู่ \(category)", "Unknown category \"\(category)\".")
            }
            filter.categories = categories
        }
        if let area = query.get("area"), !area.isEmpty {
            guard reference.areas[area] != nil else {
                throw invalid("area", "ไม่พบรหัสพื้นที่ \(area)", "Unknown area code \"\(area)\".")
            }
            filter.areaCode = area
        }
        if let overdue = query.get("overdue"), !overdue.isEmpty {
            guard let value = Bool(overdue) else { throw invalid("overdue", "overdue ต้องเป็น true หรือ false", "\"overdue\" must be true or false.") }
            filter.overdue = value
        }
        for (name, keyPath) in [("from", \CaseListFilter.filedFrom), ("to", \CaseListFilter.filedBefore)] {
            if let text = query.get(name), !text.isEmpty {
                guard let date = BangkokTime.parse(text) else {
                    throw invalid(name, "วันที่ \(name) ต้องอยู่ในรูป YYYY-MM-DD", "\"\(name)\" must be a date (YYYY-MM-DD) or an ISO 8601 time.")
                }
                filter[keyPath: keyPath] = date
            }
        }
        if let text = query.get("limit"), !text.isEmpty {
            guard let limit = Int(text), (1...200).contains(limit) else {
                throw invalid("limit", "limit ต้องอยู่ระหว่าง 1 ถึง 200", "\"limit\" must be from 1 to 200.")
            }
            filter.limit = limit
        }
        if let cursor = query.get("cursor"), !cursor.isEmpty {
            guard let position = Self.position(cursor) else {
                throw invalid("cursor", "cursor ไม่ถูกต้อง", "\"cursor\" is not one this API gave out.")
            }
            filter.after = position
        }
        return filter
    }

    /// An opaque cursor: microseconds of filing and id, "<micros>_<id>".
    static func cursor(filedAt: Date, id: Int64) -> String {
        "\(Int64((filedAt.timeIntervalSince1970 * 1_000_000).rounded()))_\(id)"
    }

    /// The position a cursor names, or `nil` unless it could have been given out: a positive id and a
    /// filing time in the years clients may name (a cursor at the edge of `Int64` once crashed the process).
    static func position(_ cursor: String) -> (filedAt: Date, id: Int64)? {
        let parts = cursor.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = Int64(parts[1]), id > 0 else { return nil }
        let filedAt = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        guard BangkokTime.isAccepted(filedAt) else { return nil }
        return (filedAt, id)
    }
}
