import Domain
import Foundation
import Hummingbird
import NIOCore
import Services
import Store

/// Open data: every public case, its public fields only, as CSV or JSON Lines, streamed; and a
/// DCAT catalogue that a CKAN portal such as data.go.th can harvest.
struct OpenDataController {
    let store: StatisticsStore
    let reference: Reference
    let clock: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("open-data/cases.csv", use: csv)
        group.get("open-data/cases.json", use: jsonLines)
        group.get("open-data/catalog.json", use: catalog)
    }

    /// The published columns, in order; the catalogue describes the same list.
    static let fields: [(name: String, type: String, th: String, en: String)] = [
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
        ("title", "string", "หัวเรื่อง (ปิดข้อมูลส่วนบุคคลแล้ว)", "Title, personal data removed"),
        ("text", "string", "รายละเอียด (ปิดข้อมูลส่วนบุคคลแล้ว)", "Text, personal data removed"),
    ]

    @Sendable func csv(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (from, before) = try Self.period(request.uri.queryParameters)
        let store = self.store
        let now = clock()
        let reference = self.reference
        let body = ResponseBody { writer in
            var buffer = ByteBuffer()
            // A byte-order mark so spreadsheet programs read the Thai as UTF-8.
            buffer.writeBytes([0xEF, 0xBB, 0xBF])
            buffer.writeString(Self.fields.map(\.name).joined(separator: ",") + "\r\n")
            try await writer.write(buffer)
            try await store.forEachOpenCase(from: from, before: before) { cases in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(cases.count * 600)
                for item in cases { CSVRow.write(Self.values(item, reference: reference, now: now), to: &buffer) }
                try await writer.write(buffer)
                return true
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"siang-cases.csv\"",
            ], body: body)
    }

    @Sendable func jsonLines(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let (from, before) = try Self.period(request.uri.queryParameters)
        let store = self.store
        let now = clock()
        let reference = self.reference
        let body = ResponseBody { writer in
            let encoder = StreamingJSONEncoder()
            try await store.forEachOpenCase(from: from, before: before) { cases in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(cases.count * 800)
                for item in cases {
                    let values = Self.values(item, reference: reference, now: now)
                    buffer.writeBytes(try encoder.encode(OpenCaseJSON(names: Self.fields.map(\.name), values: values)))
                    buffer.writeInteger(UInt8(0x0A))
                }
                try await writer.write(buffer)
                return true
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8"], body: body)
    }

    /// One case's published values, in `fields` order; nil for an empty cell.
    static func values(_ item: StatisticsStore.OpenCase, reference: Reference, now: Date) -> [OpenValue] {
        let status = CaseStatus(rawValue: item.status)
        let overdue =
            status.map {
                DueDates(acknowledge: item.acknowledgeDue, firstAnswer: item.firstAnswerDue, resolution: item.resolutionDue)
                    .isOverdue(status: $0, acknowledgedAt: item.acknowledgedAt, firstAnsweredAt: item.firstAnsweredAt, at: now)
            } ?? false
        func date(_ value: Date?) -> OpenValue { value.map { .text(BangkokTime.format($0)) } ?? .none }
        func text(_ value: String?) -> OpenValue { value.map(OpenValue.text) ?? .none }
        return [
            .text(item.code), .text(item.kind), .text(item.category), text(reference.categories[item.category]?.nameTH),
            text(item.agency), text(item.agency.flatMap { reference.agencies[$0]?.nameTH }), text(item.province),
            text(item.district), .text(item.status), date(item.filedAt), date(item.acknowledgedAt),
            date(item.firstAnsweredAt), date(item.resolvedAt), date(item.closedAt), date(item.acknowledgeDue),
            date(item.firstAnswerDue), date(item.resolutionDue), .boolean(overdue), item.rating.map(OpenValue.integer) ?? .none,
            .integer(item.reopenCount), text(item.title), .text(item.text),
        ]
    }

    /// `from` and `to` (YYYY-MM-DD, Bangkok, inclusive) as [from, before).
    static func period(_ parameters: Parameters) throws -> (Date?, Date?) {
        var bounds: [Date?] = [nil, nil]
        for (index, name) in ["from", "to"].enumerated() {
            guard let text = parameters.get(name), !text.isEmpty else { continue }
            guard text.count == 10, let day = BangkokTime.parse(text) else {
                throw APIError.badRequest("invalid_\(name)", th: "\(name) ต้องเป็นวันที่ YYYY-MM-DD", en: "\"\(name)\" must be a date, YYYY-MM-DD.")
            }
            bounds[index] = index == 0 ? day : day.addingTimeInterval(86_400)
        }
        return (bounds[0], bounds[1])
    }

    @Sendable func catalog(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let base = Self.baseURL(request)
        return try JSONResponse.make(OpenDataCatalog.make(base: base, fields: Self.fields, modified: clock()))
    }

    /// The address clients used to reach Siang (behind a proxy: its forwarded host and scheme).
    static func baseURL(_ request: Request) -> String {
        let host = request.headers[.init("X-Forwarded-Host")!] ?? request.head.authority ?? "localhost"
        let scheme = request.headers[.init("X-Forwarded-Proto")!] ?? "http"
        return "\(scheme)://\(host)"
    }
}

/// A published cell.
enum OpenValue: Sendable {
    case none
    case text(String)
    case integer(Int)
    case boolean(Bool)
}

/// One open-data case as a JSON object, keys in the published order.
struct OpenCaseJSON: Encodable {
    let names: [String]
    let values: [OpenValue]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in zip(names, values) {
            let key = Key(stringValue: name)
            switch value {
            case .none: try container.encodeNil(forKey: key)
            case .text(let text): try container.encode(text, forKey: key)
            case .integer(let number): try container.encode(number, forKey: key)
            case .boolean(let flag): try container.encode(flag, forKey: key)
            }
        }
    }
}

/// CSV rows (RFC 4180), safe to open in a spreadsheet: a cell that a spreadsheet would read as
/// a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.
enum CSVRow {
    static func write(_ values: [OpenValue], to buffer: inout ByteBuffer) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            switch value {
            case .none: break
            case .integer(let number): buffer.writeString(String(number))
            case .boolean(let flag): buffer.writeString(flag ? "true" : "false")
            case .text(let text): writeText(text, to: &buffer)
            }
        }
        buffer.writeString("\r\n")
    }

    static func writeText(_ text: String, to buffer: inout ByteBuffer) {
        let dangerous = text.utf8.first.map { [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains($0) } ?? false
        let needsQuotes = dangerous || text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.writeString(text)
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        if dangerous { buffer.writeInteger(UInt8(ascii: "'")) }
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { buffer.writeInteger(UInt8(ascii: "\"")) }
            buffer.writeInteger(byte)
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
