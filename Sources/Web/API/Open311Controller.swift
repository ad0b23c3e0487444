import Domain
import Foundation
import Hummingbird
import JSONBytes
import Logging
import Services
import Statistics
import ThaiText
import XMLCoder

/// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under `/open311/v2/`: what
/// FixMyStreet- and SeeClickFix-style clients speak. Every method answers JSON or XML by the
/// extension of its last path component; errors are the specification's error list.
///
/// Reads show only public cases, redacted, as the JSON API's public view; filing needs an
/// `api_key`, a staff or partner token (`siang token create --role partner`).
struct Open311Controller {
    let cases: CaseService
    let accounts: StaffAccounts
    let placer: Placer
    let reference: Reference
    /// Category → its decisive keywords (the classifier's weight-3 rules), for `keywords`.
    let keywords: [String: [String]]
    let consentVersion: String
    /// For `media_url`: the public photos, and the address Siang is reached at (`notifications.public_url`).
    let photos: PhotoService
    let publicURL: String

    /// Largest number of requests one read returns; the specification's window is 90 days.
    static let maximumResults = 1000
    static let window: TimeInterval = 90 * 86_400

    func addRoutes(to router: Router<SiangRequestContext>) {
        let group = router.group("open311/v2")
        group.get("{file}", use: top)
        group.post("{file}", use: post)
        group.get("services/{file}", use: service)
        group.get("requests/{file}", use: request)
        group.get("tokens/{file}", use: token)
    }

    // MARK: Routes

    @Sendable func top(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (name, format) = Self.split(context.parameters.get("file") ?? "")
        return try await Self.answer(format) {
            switch name {
            case "discovery": return .init(json: discovery(request), xml: XMLDiscovery(discovery(request)), root: "discovery")
            case "services":
                let list = services(english: Self.english(request))
                return .init(json: list, xml: XMLServices(service: list), root: "services")
            case "requests":
                let list = try await requests(request.uri.queryParameters)
                return .init(json: list, xml: XMLRequests(request: list), root: "service_requests")
            default: throw Open311Error.notFound
            }
        }
    }

    @Sendable func post(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (name, format) = Self.split(context.parameters.get("file") ?? "")
        return try await Self.answer(format, status: .created) {
            guard name == "requests" else { throw Open311Error.notFound }
            let created = [try await file(request, context: context)]
            return .init(json: created, xml: XMLRequests(request: created), root: "service_requests")
        }
    }

    @Sendable func service(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (code, format) = Self.split(context.parameters.get("file") ?? "")
        return try await Self.answer(format) {
            guard reference.categories[code] != nil else { throw Open311Error.notFound }
            // No category asks for attributes (`metadata` is false): the definition has none.
            let definition = ServiceDefinition(service_code: code, attributes: [])
            return .init(json: definition, xml: XMLServiceDefinition(service_code: code, attributes: ""), root: "service_definition")
        }
    }

    @Sendable func request(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (code, format) = Self.split(context.parameters.get("file") ?? "")
        return try await Self.answer(format) {
            guard let code = TrackingCode.canonical(code) else { throw Open311Error.notFound }
            let found = try await cases.publicCases(CaseListFilter(agencyCode: nil, limit: 1, codes: [code]))
            guard let record = found.first else { throw Open311Error.notFound }
            let list = try await serviceRequests([record], english: Self.english(request))
            return .init(json: list, xml: XMLRequests(request: list), root: "service_requests")
        }
    }

    /// Siang gives the request id at once, so a token is the id itself.
    @Sendable func token(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (token, format) = Self.split(context.parameters.get("file") ?? "")
        return try await Self.answer(format) {
            guard let token = TrackingCode.canonical(token),
                try await !cases.publicCases(CaseListFilter(agencyCode: nil, limit: 1, codes: [token])).isEmpty
            else { throw Open311Error.notFound }
            let list = [TokenAnswer(service_request_id: token, token: token)]
            return .init(json: list, xml: XMLRequests(request: list), root: "service_requests")
        }
    }

    // MARK: Answers

    struct Discovery: Encodable {
        struct Endpoint: Encodable {
            var specification = "http://wiki.open311.org/GeoReport_v2"
            var url: String
            var changeset: String
            var type = "production"
            var formats = ["application/json", "text/xml"]
        }
        var changeset: String
        var contact: String
        var key_service: String
        var endpoints: [Endpoint]
    }

    func discovery(_ request: Request) -> Discovery {
        let host = request.head.authority ?? "localhost"
        let changeset = "2026-12-06T00:00:00+07:00"
        return Discovery(
            changeset: changeset, contact: "เสียง Siang: ติดต่อผู้ดูแลระบบของหน่วยงาน (the operator of this service)",
            key_service: "API keys: siang token create --role partner (ask the operator)",
            endpoints: [.init(url: "http://\(host)/open311/v2", changeset: changeset)])
    }

    struct Service: Encodable {
        var service_code: String
        var service_name: String
        var description: String
        var metadata = false
        var type = "realtime"
        var keywords: String
        var group: String
    }

    func services(english: Bool) -> [Service] {
        reference.data.categories.map { category in
            let group = CategoryGroup.of(category: category.code)
            return Service(
                service_code: category.code, service_name: english ? category.nameEN : category.nameTH,
                description: english ? category.descriptionEN : category.descriptionTH,
                keywords: (keywords[category.code] ?? []).joined(separator: ", "),
                group: english ? group.nameEN : group.nameTH)
        }
    }

    struct ServiceDefinition: Encodable {
        var service_code: String
        var attributes: [String]
    }

    struct ServiceRequest: Encodable {
        var service_request_id: String
        var status: String
        var status_notes: String?
        var service_name: String
        var service_code: String
        var description: String
        var agency_responsible: String?
        var service_notice: String?
        var requested_datetime: String
        var updated_datetime: String
        var expected_datetime: String
        var address: String?
        var zipcode: String?
        var lat: Double?
        var long: Double?
        var media_url: String?
    }

    /// The requests of `records`, each with its first public photo as `media_url`.
    func serviceRequests(_ records: [CaseRecord], english: Bool) async throws -> [ServiceRequest] {
        let media = try await photos.publicPhotoPaths(of: records)
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return records.map { serviceRequest($0, english: english, mediaURL: media[$0.id].map { base + $0 }) }
    }

    func serviceRequest(_ record: CaseRecord, english: Bool, mediaURL: String? = nil) -> ServiceRequest {
        let state = record.state
        let category = reference.categories[state.categoryCode]
        let agency = state.agencyCode.flatMap { reference.agencies[$0] }
        let area = [record.area.subdistrictCode, record.area.districtCode, record.area.provinceCode]
            .compactMap { $0.flatMap { reference.areas[$0] } }
            .map { english ? $0.nameEN : $0.nameTH }
        // The public's location is rounded to about a hundred metres, as on the case page.
        func rounded(_ value: Double?) -> Double? { value?.rounded(toPlaces: 3) }
        let notes = state.resolution.map { PersonalData.redact($0) }
            ?? state.rejectionReason.map { english ? $0.nameEN : $0.nameTH }
        return ServiceRequest(
            service_request_id: record.code, status: state.status.open311, status_notes: notes,
            service_name: category.map { english ? $0.nameEN : $0.nameTH } ?? state.categoryCode,
            service_code: state.categoryCode, description: record.publicText,
            agency_responsible: agency.map { english ? $0.nameEN : $0.nameTH },
            service_notice: nil, requested_datetime: BangkokTime.format(record.filedAt),
            updated_datetime: BangkokTime.format(record.updatedAt), expected_datetime: BangkokTime.format(record.due.resolution),
            address: area.isEmpty ? nil : area.joined(separator: ", "), zipcode: nil,
            lat: rounded(record.latitude), long: rounded(record.longitude), media_url: mediaURL)
    }

    /// `GET requests`: by ids (which override the rest), or by service codes, a window of at most 90
    /// days (the last 90 when none is given) and status, newest first, at most 1,000.
    func requests(_ query: Parameters) async throws -> [ServiceRequest] {
        let english = query.get("lang") == "en"
        func list(_ name: String) -> [String]? {
            let items = query.getAll(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }
        if let ids = list("service_request_id") {
            guard ids.count <= Self.maximumResults else { throw Open311Error.badRequest("too many service_request_id values (at most 1000)") }
            let found = try await cases.publicCases(
                CaseListFilter(agencyCode: nil, limit: ids.count, codes: ids.compactMap { TrackingCode.canonical($0) }))
            return try await serviceRequests(found, english: english)
        }
        let codes = list("service_code")
        if let unknown = codes?.first(where: { reference.categories[$0] == nil }) {
            throw Open311Error.badRequest("unknown service_code \(unknown)")
        }
        func date(_ name: String) throws -> Date? {
            guard let text = query.get(name), !text.isEmpty else { return nil }
            guard let date = BangkokTime.parse(text) else {
                throw Open311Error.badRequest("\(name) must be a W3C date-time such as 2026-01-01T00:00:00Z")
            }
            return date
        }
        let now = cases.clock()
        var end = try date("end_date")
        var start = try date("start_date")
        switch (start, end) {
        case (nil, nil): (start, end) = (now.addingTimeInterval(-Self.window), nil)
        case (let from?, nil): end = from.addingTimeInterval(Self.window)
        case (nil, let to?): start = to.addingTimeInterval(-Self.window)
        case (let from?, let to?):
            guard from <= to else { throw Open311Error.badRequest("start_date is after end_date") }
            guard to.timeIntervalSince(from) <= Self.window else {
                throw Open311Error.badRequest("start_date and end_date may not span more than 90 days")
            }
        }
        var statuses: [CaseStatus]?
        if let wanted = list("status") {
            guard wanted.allSatisfy({ $0 == "open" || $0 == "closed" }) else {
                throw Open311Error.badRequest("status must be open or closed")
            }
            statuses = CaseStatus.allCases.filter { wanted.contains($0.open311) }
        }
        let found = try await cases.publicCases(
            CaseListFilter(
                agencyCode: nil, statuses: statuses, categories: codes, filedFrom: start, filedBefore: end,
                limit: Self.maximumResults))
        return try await serviceRequests(found, english: english)
    }

    struct Created: Encodable {
        var service_request_id: String
        var service_notice: String
        var account_id: String?
        /// Siang's own addition: the tracking secret that lets the citizen rate or appeal, given once.
        var tracking_secret: String
    }

    /// The form a client posts (`application/x-www-form-urlencoded`), as the specification names it.
    struct Filing: Decodable {
        var api_key: String?
        var jurisdiction_id: String?
        var service_code: String?
        var lat: String?
        var long: String?
        var address_string: String?
        var address_id: String?
        var email: String?
        var device_id: String?
        var account_id: String?
        var first_name: String?
        var last_name: String?
        var phone: String?
        var description: String?
        var media_url: String?
        /// Siang's addition: the PDPA consent text version the person accepted, needed with contact details.
        var consent_version: String?
        var lang: String?
    }

    func file(_ request: Request, context: SiangRequestContext) async throws -> Created {
        let form: Filing
        do {
            form = try await FormBody.decode(Filing.self, from: request, context: context)
        } catch {
            throw Open311Error.badRequest("the body must be a form (application/x-www-form-urlencoded) of GeoReport v2 fields")
        }
        guard let key = form.api_key?.nonBlank, let staff = try await accounts.authenticate(token: key) else {
            throw Open311Error(status: .forbidden, description: "api_key is missing or not valid")
        }
        guard let code = form.service_code?.nonBlank else { throw Open311Error.badRequest("service_code is required") }
        guard reference.categories[code] != nil else { throw Open311Error.badRequest("unknown service_code \(code)") }
        guard let description = form.description?.nonBlank else { throw Open311Error.badRequest("description is required") }
        var latitude: Double?
        var longitude: Double?
        if form.lat?.nonBlank != nil || form.long?.nonBlank != nil {
            guard let lat = form.lat.flatMap(Double.init), let lon = form.long.flatMap(Double.init) else {
                throw Open311Error.badRequest("lat and long must both be decimal degrees")
            }
            (latitude, longitude) = (lat, lon)
        }
        let address = form.address_string?.nonBlank
        guard latitude != nil || address != nil else {
            throw Open311Error.badRequest("a location is required: lat and long, or address_string")
        }
        let name = [form.first_name, form.last_name].compactMap { $0?.nonBlank }.joined(separator: " ").nonBlank
        let contact = FilingRequest.ContactInput(name: name, phone: form.phone?.nonBlank, email: form.email?.nonBlank)
        var consent: FilingRequest.ConsentInput?
        if !contact.isEmpty {
            guard let version = form.consent_version?.nonBlank else {
                throw Open311Error.badRequest(
                    "contact details (email, phone, first_name, last_name) need consent_version: the version of the PDPA consent text the person accepted (now \(consentVersion))")
            }
            consent = .init(version: version, accepted: true)
        }
        let english = form.lang == "en"
        // The district or province the address names places the case, as a place named in the text would.
        var area = FilingRequest.AreaInput()
        if let address, let placed = try? placer.place(address, chosenCategory: code), placed.areaSource == .text {
            area = .init(
                province: placed.area.provinceCode, district: placed.area.districtCode,
                subdistrict: placed.area.subdistrictCode)
        }
        let filing = FilingRequest(
            text: description, category: code, area: area, latitude: latitude, longitude: longitude, address: address,
            contact: contact.isEmpty ? nil : contact, consent: consent, channel: "open311", language: english ? .en : .th)
        do {
            let filed = try await cases.file(filing)
            context.logger.info("open311 filing", metadata: ["staff": "\(staff.id)", "code": "\(filed.record.code)"])
            return Created(
                service_request_id: filed.record.code,
                service_notice: english
                    ? "Received; follow it at /cases/\(filed.record.code)" : "รับเรื่องแล้ว ติดตามได้ที่ /cases/\(filed.record.code)",
                account_id: nil, tracking_secret: filed.secret)
        } catch let error as DomainError {
            throw Open311Error(status: error.kind == .notFound ? .notFound : .badRequest, description: english ? error.messageEN : error.messageTH)
        }
    }

    struct TokenAnswer: Encodable {
        var service_request_id: String
        var token: String
    }

    // MARK: Formats

    /// One answer in both forms; the route's extension picks one.
    struct Answer {
        var json: any Encodable
        var xml: any Encodable
        var root: String
    }

    enum Format: String { case json, xml }

    static func split(_ file: String) -> (name: String, format: Format?) {
        guard let dot = file.lastIndex(of: ".") else { return (file, nil) }
        return (String(file[..<dot]), Format(rawValue: file[file.index(after: dot)...].lowercased()))
    }

    static func english(_ request: Request) -> Bool { request.uri.queryParameters.get("lang") == "en" }

    /// Runs `make` and writes its answer, or the error list, in `format` (JSON when the extension is
    /// neither, with 404: the method does not exist in that form).
    static func answer(
        _ format: Format?, status: HTTPResponse.Status = .ok, _ make: () async throws -> Answer
    ) async throws -> Response {
        guard let format else { return try render(errors: Open311Error.notFound, format: .json) }
        do {
            let answer = try await make()
            return try render(answer, format: format, status: status)
        } catch {
            guard let (listed, headers) = listed(error) else { throw error }
            return try render(errors: listed, format: format, headers: headers)
        }
    }

    /// A client's error as Open311 lists it, with the headers it carries (`Retry-After`); nil for a
    /// server error, which keeps the service's own shape. The one mapping for errors met inside the
    /// handlers and outside them (`errorResponse`).
    static func listed(_ error: any Error) -> (Open311Error, HTTPFields)? {
        switch error {
        case let error as Open311Error:
            return (error, [:])
        case let error as DomainError:
            return (Open311Error(status: error.kind == .notFound ? .notFound : .badRequest, description: error.messageEN), [:])
        case let error as APIError where error.status.code < 500:
            return (Open311Error(status: error.status, description: error.messageEN), error.headers)
        case let error as HTTPError where error.status.code < 500:
            return (Open311Error(status: error.status, description: error.status.reasonPhrase.lowercased()), [:])
        default:
            return nil
        }
    }

    static func render(_ answer: Answer, format: Format, status: HTTPResponse.Status) throws -> Response {
        switch format {
        case .json:
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: try StreamingJSONEncoder().encode(answer.json))))
        case .xml:
            let data = try XMLEncoder().encode(
                answer.xml, withRootKey: answer.root, header: XMLHeader(version: 1.0, encoding: "UTF-8"))
            return Response(
                status: status, headers: [.contentType: "text/xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// The error list for a client error met outside the routes' own handling (no such method, a
    /// rate limit), in the form the path's extension asks for; nil for server errors, which keep the
    /// service's own shape.
    static func errorResponse(for error: any Error, path: String) throws -> Response? {
        guard let (listed, headers) = listed(error) else { return nil }
        let format = split(String(path.split(separator: "/").last ?? "")).format ?? .json
        return try render(errors: listed, format: format, headers: headers)
    }

    static func render(errors error: Open311Error, format: Format, headers: HTTPFields = [:]) throws -> Response {
        let list = [Open311Error.Item(code: Int(error.status.code), description: error.description)]
        var response = try render(
            .init(json: list, xml: XMLErrors(error: list), root: "errors"), format: format, status: error.status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// An error as GeoReport v2 lists it: the HTTP status as its code, and a description.
struct Open311Error: Error {
    var status: HTTPResponse.Status
    var description: String

    struct Item: Encodable {
        var code: Int
        var description: String
    }

    static let notFound = Open311Error(status: .notFound, description: "not found")
    static func badRequest(_ description: String) -> Open311Error { .init(status: .badRequest, description: description) }
}

// MARK: XML shapes
// XML names each element of a list; JSON has bare arrays. These wrappers give the lists their
// element names (`<services><service>…`), the specification's XML.

struct XMLServices: Encodable { var service: [Open311Controller.Service] }
/// Every list of requests (read, created, tokens) is `<service_requests><request>…`.
struct XMLRequests<Item: Encodable>: Encodable { var request: [Item] }
struct XMLErrors: Encodable { var error: [Open311Error.Item] }
struct XMLServiceDefinition: Encodable {
    var service_code: String
    var attributes: String
}

struct XMLDiscovery: Encodable {
    struct Endpoint: Encodable {
        struct Formats: Encodable { var format: [String] }
        var specification: String
        var url: String
        var changeset: String
        var type: String
        var formats: Formats
    }
    struct Endpoints: Encodable { var endpoint: [Endpoint] }
    var changeset: String
    var contact: String
    var key_service: String
    var endpoints: Endpoints

    init(_ discovery: Open311Controller.Discovery) {
        changeset = discovery.changeset
        contact = discovery.contact
        key_service = discovery.key_service
        endpoints = Endpoints(
            endpoint: discovery.endpoints.map {
                Endpoint(
                    specification: $0.specification, url: $0.url, changeset: $0.changeset, type: $0.type,
                    formats: .init(format: $0.formats))
            })
    }
}
