import Domain
import Foundation
import JSONBytes
import Hummingbird
import Photos
import Services
import Statistics

/// The citizen's side of the API: filing, tracking, rating, appealing and withdrawing, and
/// what became of their contact details (who read them; erasure once the case is finished).
struct CasesController {
    let cases: CaseService
    let photos: PhotoService
    let json: CaseJSONBuilder

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("cases", use: file)
        group.get("cases/{code}", use: track)
        group.post("cases/{code}/feedback", use: feedback)
        group.post("cases/{code}/reopen", use: reopen)
        group.post("cases/{code}/withdraw", use: withdraw)
        group.get("cases/{code}/data-access", use: dataAccess)
        group.post("cases/{code}/erase-contact", use: eraseContact)
        group.post("cases/{code}/photos", use: addPhotos)
        group.post("cases/{code}/location", use: setLocation)
    }

    /// `POST /api/v1/cases`.
    struct FilingBody: Codable {
        struct Area: Codable {
            var province: String?
            var district: String?
            var subdistrict: String?
        }
        struct Contact: Codable {
            var name: String?
            var phone: String?
            var email: String?
        }
        struct Consent: Codable {
            var version: String
            var accepted: Bool
        }
        var kind: String?
        var text: String
        var title: String?
        var category: String?
        var area: Area?
        var province: String?
        var district: String?
        var subdistrict: String?
        var lat: Double?
        var lon: Double?
        var address: String?
        var contact: Contact?
        var anonymous: Bool?
        var `public`: Bool?
        var consent: Consent?
        var channel: String?
        /// Channels to be told of progress by: "email", "sms".
        var notify: [String]?
        /// "th" (the default) or "en": the language of the messages.
        var language: String?
    }

    struct FiledJSON: Encodable {
        var code: String
        var secret: String
        var status: StatusJSON
        var category: CategoryRefJSON
        var agency: NameJSON?
        var area: AreaJSON
        var filed_at: String
        var due: DueJSON
        var is_public: Bool
        var tracking_url: String
        var notice_th: String
        var notice_en: String
        var photos: [PhotoJSON]?
        /// Where the first of the photos says it was taken, when the filing gave no location: offered,
        /// not used, until the citizen accepts it (`POST …/location`).
        var photo_location: LocationJSON?
    }

    struct LocatedJSON: Encodable {
        var code: String
        var lat: Double
        var lon: Double
    }

    /// `POST /api/v1/cases`: the filing as JSON, or as `multipart/form-data` with the same JSON in a
    /// part named `filing` and up to `photos.max_count` image files in parts named `photos`. Every photo
    /// is checked and cleaned before the case is filed, so a bad one refuses the filing and stores nothing.
    @Sendable func file(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body: FilingBody
        var upload: MultipartUpload?
        var cleaned: [CleanPhoto] = []
        if MultipartUpload.isMultipart(request) {
            let (parsed, form) = try await MultipartUpload.jsonAndPhotos(
                FilingBody.self, part: "filing", from: request, context: context, photos: photos)
            body = parsed
            cleaned = try await photos.clean(form.files)
            upload = form
        } else {
            let data = try await JSONBody.bytes(of: request, context: context)
            body = try JSONBody.decode(FilingBody.self, from: data)
        }
        defer { withExtendedLifetime(upload) {} }
        guard let kind = CaseKind(rawValue: body.kind ?? "complaint") else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_kind",
                th: "ประเภทต้องเป็น complaint (ร้องเรียน), suggestion (เสนอแนะ) หรือ inquiry (สอบถาม)",
                en: "\"kind\" must be complaint, suggestion or inquiry.")
        }
        let notify = try CitizenNotifyInput.channels(body.notify)
        let language = try CitizenNotifyInput.language(body.language)
        let area = body.area.map { FilingRequest.AreaInput(province: $0.province, district: $0.district, subdistrict: $0.subdistrict) }
            ?? FilingRequest.AreaInput(province: body.province, district: body.district, subdistrict: body.subdistrict)
        let filing = FilingRequest(
            kind: kind, text: body.text, title: body.title, category: body.category, area: area, latitude: body.lat,
            longitude: body.lon, address: body.address,
            contact: body.contact.map { .init(name: $0.name, phone: $0.phone, email: $0.email) },
            anonymous: body.anonymous ?? false, isPublic: body.public ?? true,
            consent: body.consent.map { .init(version: $0.version, accepted: $0.accepted) }, channel: body.channel ?? "api",
            notify: notify, language: language)
        var idempotency: IdempotencyKey?
        if let key = request.headers[.idempotencyKey] {
            guard (1...255).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw APIError.badRequest(
                    "invalid_idempotency_key", th: "Idempotency-Key ต้องเป็นอักขระ ASCII 1–255 ตัว ไม่มีช่องว่าง",
                    en: "Idempotency-Key must be 1 to 255 ASCII characters without spaces.")
            }
            idempotency = IdempotencyKey(key: key, requestFingerprint: try Self.fingerprint(of: body))
        }
        // The photos commit with the case, so a 201 means all of them are kept.
        let filed = try await cases.file(filing, idempotency: idempotency, photos: cleaned)
        let record = filed.record
        let attached = cleaned.isEmpty ? [] : try await photos.photos(of: record, for: .citizen)
        var output = FiledJSON(
            code: record.code, secret: filed.secret, status: CaseJSONBuilder.status(record.state.status),
            category: json.category(record, withPrediction: true), agency: json.name(agency: record.state.agencyCode),
            area: json.area(record.area, source: record.areaSource), filed_at: BangkokTime.format(record.filedAt),
            due: json.due(record), is_public: record.isPublic, tracking_url: "/api/v1/cases/\(record.code)",
            notice_th: "เก็บรหัสติดตามและรหัสลับไว้ รหัสลับจะแสดงครั้งนี้ครั้งเดียว ใช้สำหรับดูความคืบหน้า ให้คะแนน และอุทธรณ์",
            notice_en: "Keep the tracking code and the secret: the secret is shown only this once and is needed to follow, rate and appeal the case.")
        if !attached.isEmpty { output.photos = PhotoJSON.list(attached, audience: .citizen) }
        if record.latitude == nil, let offered = cleaned.lazy.compactMap(\.location).first {
            output.photo_location = LocationJSON(lat: offered.latitude, lon: offered.longitude)
        }
        var headers: HTTPFields = [.location: "/api/v1/cases/\(record.code)", .cacheControl: "no-store"]
        if filed.isReplay { headers[.idempotentReplayed] = "true" }
        return try JSONResponse.make(output, status: .created, headers: headers)
    }

    /// The request in a canonical form (keys sorted, unknown fields dropped), so a retry that
    /// sends the same filing with its keys in another order is still the same request.
    /// The request as canonical JSON: fields in declaration order, absent ones left out (the body
    /// has no dictionaries, whose order could vary). Every filing with a key pays for it.
    static func fingerprint(of body: FilingBody) throws -> String {
        String(decoding: try StreamingJSONEncoder().encode(body), as: UTF8.self)
    }

    @Sendable func track(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let now = cases.clock()
        switch try await cases.track(code: code, secret: request.headers[.trackingSecret]) {
        case .citizen(let record, let events):
            var output = json.full(record, events: events, view: .citizen, now: now)
            output.photos = PhotoJSON.list(try await photos.photos(of: record, for: .citizen), audience: .citizen)
            return try JSONResponse.make(output, headers: [.cacheControl: "no-store"])
        case .public(let record, let events):
            var output = json.publicView(record, events: events, now: now)
            output.photos = PhotoJSON.list(try await photos.photos(of: record, for: .anyone), audience: .anyone)
            return try JSONResponse.make(output)
        }
    }

    struct PhotosJSON: Encodable {
        var code: String
        var photos: [PhotoJSON]
    }

    /// `POST /api/v1/cases/{code}/photos`: more of the citizen's photos (multipart, parts named `photos`),
    /// with the secret, until the case is resolved; answers every photo of the case the citizen sees.
    @Sendable func addPhotos(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let secret = try Self.secret(request)
        guard MultipartUpload.isMultipart(request) else {
            throw APIError(
                status: .unsupportedMediaType, code: "multipart_required", th: "ส่งรูปแบบ multipart/form-data ในส่วนชื่อ photos",
                en: "Send the photos as multipart/form-data, in parts named \"photos\".")
        }
        let form = try await MultipartUpload.read(
            request, maxFiles: photos.limits.maxCount, maxFieldBytes: context.maxUploadSize, spool: photos.spool)
        guard !form.files.isEmpty else {
            throw APIError(
                status: .unprocessableContent, code: "photos_required", th: "ไม่มีรูปแนบมา", en: "No photo was attached.")
        }
        let (record, attached) = try await photos.addByCitizen(code: code, secret: secret, photos: form.files)
        withExtendedLifetime(form) {}
        return try JSONResponse.make(
            PhotosJSON(code: record.code, photos: PhotoJSON.list(attached, audience: .citizen)), status: .created,
            headers: [.cacheControl: "no-store"])
    }

    struct FeedbackBody: Decodable {
        var stars: Int
        var comment: String?
    }

    struct ReasonBody: Decodable {
        var reason: String?
    }

    @Sendable func feedback(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(FeedbackBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try cases.rules.checkNote(body.comment, field: "comment")
        return try await act(request, context: context, action: .feedback(stars: body.stars, comment: body.comment?.nonBlank))
    }

    @Sendable func reopen(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let body = try JSONBody.decode(ReasonBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try cases.rules.checkNote(body.reason, field: "reason")
        return try await act(request, context: context, action: .reopen(reason: body.reason ?? ""))
    }

    @Sendable func withdraw(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let data = try await JSONBody.bytes(of: request, context: context)
        let body = data.isEmpty ? ReasonBody(reason: nil) : try JSONBody.decode(ReasonBody.self, from: data)
        try cases.rules.checkNote(body.reason, field: "reason")
        return try await act(request, context: context, action: .withdraw(reason: body.reason?.nonBlank))
    }

    func act(_ request: Request, context: SiangRequestContext, action: CitizenAction) async throws -> Response {
        let code = try Self.code(context)
        let secret = try Self.secret(request)
        let record = try await cases.act(code: code, secret: secret, action: action)
        let events = try await cases.citizenTimeline(of: record)
        return try JSONResponse.make(
            json.full(record, events: events, view: .citizen, now: cases.clock()), headers: [.cacheControl: "no-store"])
    }

    // MARK: Personal data (PDPA)

    /// `GET /api/v1/cases/{code}/data-access`: which agency read the citizen's contact details,
    /// when and why, and whether they are still held.
    struct DataAccessJSON: Encodable {
        struct Contact: Encodable {
            var held: Bool
            var given_at: String?
            var consent_version: String?
            var erased_at: String?
        }
        struct Entry: Encodable {
            /// `read`, `erased_on_request` or `erased_by_retention`.
            var kind: String
            var at: String
            /// The reader's agency; null for staff of no agency (the triage desk, administrators) and for erasures.
            var agency: NameJSON?
            /// The reader's role (`officer`, `triage`, `admin`); null for erasures.
            var role: String?
            var reason: String?
        }
        var code: String
        var status: StatusJSON
        var contact: Contact
        /// Whether `POST …/erase-contact` would erase something now.
        var can_erase: Bool
        var access: [Entry]
        var notice_th: String
        var notice_en: String
    }

    @Sendable func dataAccess(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let (record, log) = try await cases.contactAccess(code: code, secret: try Self.secret(request))
        let output = DataAccessJSON(
            code: record.code, status: CaseJSONBuilder.status(record.state.status),
            contact: .init(
                held: log.held != nil, given_at: log.held.map { BangkokTime.format($0.givenAt) },
                consent_version: log.held?.consentVersion, erased_at: log.erasedAt.map(BangkokTime.format)),
            can_erase: log.canErase(in: record.state.status),
            access: log.entries.map {
                DataAccessJSON.Entry(
                    kind: $0.kind.rawValue, at: BangkokTime.format($0.at), agency: json.name(agency: $0.agencyCode),
                    role: $0.role?.rawValue, reason: $0.reason)
            },
            notice_th: "รายการนี้แสดงหน่วยงานที่เปิดดูข้อมูลติดต่อของท่าน เวลา และเหตุผลที่ระบุ "
                + "โดยไม่แสดงชื่อเจ้าหน้าที่ เมื่อเรื่องสิ้นสุดแล้วท่านขอลบข้อมูลติดต่อได้",
            notice_en: "Each agency that read your contact details, when and the reason it gave "
                + "(officers are not named). Once the case is finished you may have your contact details erased.")
        return try JSONResponse.make(output, headers: [.cacheControl: "no-store"])
    }

    /// `POST /api/v1/cases/{code}/erase-contact`: what the erasure did. A repeated request answers
    /// 200 with `already_erased` and the time of the first erasure.
    struct ErasureJSON: Encodable {
        var code: String
        /// `erased`, `already_erased` or `nothing_to_erase`.
        var result: String
        var erased_at: String?
        var message_th: String
        var message_en: String
    }

    /// `POST /api/v1/cases/{code}/location` (`lat`, `lon`, with the secret): the citizen accepts their
    /// photo's position as the location of a case filed without one.
    @Sendable func setLocation(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let secret = try Self.secret(request)
        let body = try JSONBody.decode(LocationJSON.self, from: try await JSONBody.bytes(of: request, context: context))
        let record = try await cases.setLocation(code: code, secret: secret, latitude: body.lat, longitude: body.lon)
        return try JSONResponse.make(
            LocatedJSON(code: record.code, lat: body.lat, lon: body.lon), headers: [.cacheControl: "no-store"])
    }

    @Sendable func eraseContact(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let code = try Self.code(context)
        let (record, outcome, erasedAt) = try await cases.eraseContact(code: code, secret: try Self.secret(request))
        let (th, en): (String, String)
        switch outcome {
        case .erased:
            th = "ลบข้อมูลติดต่อของท่านแล้ว เรื่องและสถิติยังคงอยู่"
            en = "Your contact details have been erased; the case and its statistics remain."
        case .alreadyErased:
            th = "ข้อมูลติดต่อของท่านถูกลบไปแล้วก่อนหน้านี้"
            en = "Your contact details had already been erased."
        case .nothingToErase:
            th = "เรื่องนี้ไม่มีข้อมูลติดต่อให้ลบ"
            en = "No contact details were given with this case; there is nothing to erase."
        }
        let output = ErasureJSON(
            code: record.code, result: outcome.rawValue, erased_at: erasedAt.map(BangkokTime.format), message_th: th,
            message_en: en)
        return try JSONResponse.make(output, headers: [.cacheControl: "no-store"])
    }

    /// The case's secret from `X-Tracking-Secret`, which every citizen route acting on a case needs.
    /// - Throws: `secret_required` (401) when it is missing.
    static func secret(_ request: Request) throws -> String {
        guard let secret = request.headers[.trackingSecret], !secret.isEmpty else {
            throw APIError(
                status: .unauthorized, code: "secret_required", th: "ต้องส่งรหัสลับในส่วนหัว X-Tracking-Secret",
                en: "Send the case's secret in the X-Tracking-Secret header.")
        }
        return secret
    }

    /// The `{code}` path parameter, percent-decoded ("sg%202026%207k3qx9" is a code typed with spaces).
    static func code(_ context: SiangRequestContext) throws -> String {
        let raw = try context.parameters.require("code")
        return raw.removingPercentEncoding ?? raw
    }
}

