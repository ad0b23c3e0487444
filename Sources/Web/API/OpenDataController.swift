import Domain
import Foundation
import Hummingbird
import NIOCore
import Services
import Statistics

/// Open data: every public case, its public fields only, as CSV or JSON Lines, streamed; and a
/// DCAT catalogue that a CKAN portal such as data.go.th can harvest.
struct OpenDataController {
    let statistics: StatisticsService
    let reference: Reference
    let clock: @Sendable () -> Date
    /// Whether a reverse proxy sets `X-Forwarded-Host` and `-Proto`; otherwise a client could write any
    /// host it likes into the catalogue's URLs.
    let behindProxy: Bool

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("open-data/cases.csv", use: csv)
        group.get("open-data/cases.json", use: jsonLines)
        group.get("open-data/catalog.json", use: catalog)
    }

    /// What each published column is (the store decides which columns there are, in order).
    static let descriptions: [(name: String, type: String, th: String, en: String)] = [
        ("code", "string", "รหัสติดตามเรื่อง", "Tracking code"),
        ("kind", "string", "ประเภท (complaint, suggestion, inquiry)", "Kind: complaint, suggestion or inquiry"),
        ("category", "string", "รหัสหมวดหมู่", "Category code"),
        ("category_name_th", "string", "ชื่อหมวดหมู่", "Category name in Thai"),
        ("agency", "string", "รหัสหน่วยงานที่รับผิดชอบ", "Responsible agency's code"),
        ("agency_name_th", "string", "ชื่อหน่วยงาน", "Agency name in Thai"),
        ("province", "string", "รหัสจังหวัด (กรมการปกครอง)", "Province DOPA code"),
        ("district", "string", "รหัสอำเภอ/เขต", "District DOPA code"),
        ("status", "string", "สถานะ", "Status"),
        ("filed_at", "datetime", "วันเวลาที่แจ้ง", "Filed at (ISO 8601, Bangkok time)"),
        ("acknowledged_at", "datetime", "วันเวลาที่หน่วยงานรับเรื่อง", "Acknowledged at"),
        ("first_answered_at", "datetime", "วันเวลาที่ตอบครั้งแรก", "First answered at"),
        ("resolved_at", "datetime", "วันเวลาที่ดำเนินการเสร็จ", "Resolved at"),
        ("closed_at", "datetime", "วันเวลาที่ปิดเรื่อง", "Closed at"),
        ("acknowledge_due", "datetime", "กำหนดรับเรื่อง", "Acknowledgement due"),
        ("first_answer_due", "datetime", "กำหนดตอบครั้งแรก", "First answer due"),
        ("resolution_due", "datetime", "กำหนดแล้วเสร็จ", "Resolution due"),
        ("overdue", "boolean", "เกินกำหนด ณ เวลาที่ส่งออก", "Overdue at the time of export"),
        ("rating", "integer", "คะแนนความพึงพอใจ 1–5", "Satisfaction, 1 to 5 stars"),
        ("reopen_count", "integer", "จำนวนครั้งที่อุทธรณ์", "Number of appeals"),
        ("me_too_count", "integer", "จำนวนคนที่ติดตามเรื่องนี้แทนการแจ้งซ้ำ (ฉันก็เจอ)", "Citizens following the case instead of filing it again (me too)"),
        ("title", "string", "หัวเรื่อง (ปิดข้อมูลส่วนบุคคลแล้ว)", "Title, personal data removed"),
        ("text", "string", "รายละเอียด (ปิดข้อมูลส่วนบุคคลแล้ว)", "Text, personal data removed"),
        ("photo_url", "string", "ที่อยู่รูปภาพ (ขนาดแสดงผล ไม่มีข้อมูลตำแหน่งหรือกล้อง) ต่อจากที่อยู่ของบริการ",
         "Path of the first public photo (display size, all metadata removed), under the service's address"),
    ]

    @Sendable func csv(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (from, before) = try Self.period(request.uri.queryParameters)
        return stream(.csv, from: from, before: before, contentType: "text/csv; charset=utf-8", extra: [
            .contentDisposition: "attachment; filename=\"siang-cases.csv\"",
        ])
    }

    @Sendable func jsonLines(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (from, before) = try Self.period(request.uri.queryParameters)
        return stream(.jsonLines, from: from, before: before, contentType: "application/x-ndjson; charset=utf-8", extra: [:])
    }

    /// A response streaming the export as the database produces it, chunk by chunk, so memory
    /// stays constant; a failure after the first chunk can only cut the body short.
    func stream(
        _ format: OpenDataFormat, from: Date?, before: Date?, contentType: String, extra: HTTPFields
    ) -> Response {
        let statistics = self.statistics
        let now = clock()
        let body = ResponseBody { writer in
            if format == .csv {
                // A byte-order mark so spreadsheet programs read the Thai as UTF-8.
                try await writer.write(ByteBuffer(bytes: [0xEF, 0xBB, 0xBF]))
            }
            try await statistics.exportOpenData(format, from: from, before: before, now: now) { chunk in
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `from` and `to` (YYYY-MM-DD, Bangkok, inclusive) as [from, before).
    static func period(_ parameters: Parameters) throws -> (Date?, Date?) {
        var bounds: [Date?] = [nil, nil]
        for (index, name) in ["from", "to"].enumerated() {
            guard let text = parameters.get(name), !text.isEmpty else { continue }
            guard text.utf8.count == 10, let day = BangkokTime.parse(text) else {
                throw APIError.badRequest("invalid_\(name)", th: "\(name) ต้องเป็นวันที่ YYYY-MM-DD", en: "\"\(name)\" must be a date, YYYY-MM-DD.")
            }
            bounds[index] = index == 0 ? day : day.addingTimeInterval(86_400)
        }
        return (bounds[0], bounds[1])
    }

    @Sendable func catalog(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let base = Self.baseURL(request, behindProxy: behindProxy)
        return try JSONResponse.make(OpenDataCatalog.make(base: base, fields: Self.fields, modified: clock()))
    }

    /// The published columns, in the store's order, with their descriptions.
    static var fields: [(name: String, type: String, th: String, en: String)] {
        StatisticsService.openDataColumnNames.map { name in
            descriptions.first { $0.name == name } ?? (name, "string", name, name)
        }
    }

    /// The address clients used to reach Siang: behind a proxy its forwarded host and scheme, else the
    /// request's own host. A host with anything but the letters of a host name and port is not echoed.
    static func baseURL(_ request: Request, behindProxy: Bool) -> String {
        let forwardedHost = behindProxy ? request.headers[.init("X-Forwarded-Host")!] : nil
        let forwardedScheme = behindProxy ? request.headers[.init("X-Forwarded-Proto")!] : nil
        var host = forwardedHost ?? request.head.authority ?? "localhost"
        let hostCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        if host.isEmpty || host.count > 255 || !host.allSatisfy(hostCharacters.contains) { host = "localhost" }
        let scheme = forwardedScheme == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }
}

