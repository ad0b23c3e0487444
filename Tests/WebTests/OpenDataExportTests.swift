import Domain
import Foundation
import Postgres
@testable import Store
import Synchronization
import TestSupport
import Testing

/// The open-data export formats its rows itself (`OpenDataRows`); PostgreSQL's own writers, fed the same
/// rows, are the reference it must match.
@Suite("Open data export against PostgreSQL's own writers")
struct OpenDataExportTests {
    /// Texts that need care in CSV or JSON, set on some published cases before the export.
    static let awkward = [
        "a,b", "say \"hi\"", "two\nlines", "\r\nstarts with a line break", "=SUM(1)", "-5 บาท", "+66 ขอบคุณ", "@admin",
        "\tแท็บ", "ไทย\u{01}ควบคุม\u{1F}", "back\\slash", "ถนน\"พัง\",มาก", "", "ยาวมาก " + String(repeating: "ถนนพัง,", count: 300),
    ]

    @Test("the CSV export is, byte for byte, what PostgreSQL's CSV writer makes of the same rows, and each JSON line holds json_build_object's values")
    func exportMatchesPostgres() async throws {
        try await CopyOutTests.withDemoCases { database, store in
            let now = Date()
            try await database.pool.withConnection { connection in
                for (offset, text) in Self.awkward.enumerated() {
                    try connection.query(
                        """
                        UPDATE cases SET public_text = $1, public_title = $2
                        WHERE id = (SELECT id FROM cases WHERE is_public ORDER BY id OFFSET $3 LIMIT 1)
                        """, [text, offset % 3 == 0 ? text : nil, offset * 7])
                }
            }
            let csv = try await Self.export(.csv, store: store, now: now)
            let header = StatisticsStore.openDataColumns.map(\.name).joined(separator: ",") + "\n"
            let reference = try await database.pool.withConnection { connection in
                try Self.copy("COPY (\(Self.referenceSelect(now: now, json: false))) TO STDOUT WITH (FORMAT csv)", connection)
            }
            #expect(csv.count > 100_000, "enough rows to cross many chunks")
            let expected = Array(header.utf8) + reference
            if csv != expected {
                let first = zip(csv, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(csv.count, expected.count)
                Issue.record(
                    """
                    differs at byte \(first): ours \(String(decoding: csv[max(0, first - 80)..<min(csv.count, first + 80)], as: UTF8.self))
                    theirs \(String(decoding: expected[max(0, first - 80)..<min(expected.count, first + 80)], as: UTF8.self))
                    """)
            }
            let csvText = String(decoding: csv, as: UTF8.self)
            // The overdue flag (worked out in Swift) is met both ways.
            let overdueBothWays = csvText.contains(",true,") && csvText.contains(",false,")
            #expect(overdueBothWays)
            for text in Self.awkward where text.contains(",") {
                let quoted = csvText.contains("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                #expect(quoted, "\(text.prefix(40)) quoted, its quotes doubled")
            }

            let jsonLines = try await Self.export(.jsonLines, store: store, now: now).split(separator: 0x0A)
            let referenceLines = try await database.pool.withConnection { connection in
                try Self.copy("COPY (\(Self.referenceSelect(now: now, json: true))) TO STDOUT", connection)
            }
            .split(separator: 0x0A)
            #expect(jsonLines.count == referenceLines.count)
            for (ours, theirs) in zip(jsonLines, referenceLines) {
                let mine = try JSONSerialization.jsonObject(with: Data(ours)) as? NSDictionary
                // COPY's text format escapes backslashes; undone here before parsing.
                let text = String(decoding: theirs, as: UTF8.self).replacingOccurrences(of: "\\\\", with: "\\")
                let expected = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
                #expect(mine == expected, "\(String(decoding: ours, as: UTF8.self))")
                if mine != expected { break }
            }
        }
    }

    static func export(_ format: OpenDataFormat, store: StatisticsStore, now: Date) async throws -> [UInt8] {
        let bytes = Mutex<[UInt8]>([])
        try await store.exportOpenData(format, from: nil, before: nil, now: now, chunkBytes: 8192) { chunk in
            bytes.withLock { $0 += chunk }
        }
        return bytes.withLock { $0 }
    }

    static func copy(_ sql: String, _ connection: Connection) throws -> [UInt8] {
        try connection.startCopyOut(sql)
        var bytes: [UInt8] = []
        while let chunk = try connection.readCopyData(upTo: 1 << 20) { bytes += chunk }
        return bytes
    }

    /// The published columns made by PostgreSQL: names joined, times by `to_char` in Bangkok time, the
    /// formula guard by a CASE; as a CSV row, or as one `json_build_object`.
    static func referenceSelect(now: Date, json: Bool) -> String {
        let at = StatisticsStore.timeLiteral(now)!
        func time(_ column: String) -> String {
            "to_char(c.\(column) AT TIME ZONE 'Asia/Bangkok', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+07:00\"')"
        }
        func guarded(_ value: String) -> String {
            json ? value : "CASE WHEN left(\(value), 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || \(value) ELSE \(value) END"
        }
        let times = ["filed_at", "acknowledged_at", "first_answered_at", "resolved_at", "closed_at", "acknowledge_due",
            "first_answer_due", "resolution_due"]
        let overdue = "coalesce(\(CaseRulesSQL.overdue(at: at)), false)"
        let values: [(String, String)] = [
            ("code", "c.code"), ("kind", "c.kind"), ("category", "c.category_code"), ("category_name_th", "cat.name_th"),
            ("agency", "c.agency_code"), ("agency_name_th", "ag.name_th"), ("province", "c.province_code"),
            ("district", "c.district_code"), ("status", "c.status"),
        ] + times.map { ($0, time($0)) } + [
            ("overdue", json ? overdue : "CASE WHEN \(overdue) THEN 'true' ELSE 'false' END"), ("rating", "c.rating"),
            ("reopen_count", "c.reopen_count"), ("me_too_count", "c.me_too_count"),
            ("title", guarded("coalesce(c.public_title, c.title)")), ("text", guarded("coalesce(c.public_text, c.text)")),
            ("photo_url", "NULL::text"),
        ]
        let select = json
            ? "json_build_object(" + values.map { "'\($0.0)', \($0.1)" }.joined(separator: ", ") + ")"
            : values.map(\.1).joined(separator: ", ")
        return """
            SELECT \(select) FROM cases c
            JOIN categories cat ON cat.code = c.category_code
            LEFT JOIN agencies ag ON ag.code = c.agency_code
            WHERE c.is_public ORDER BY c.id
            """
    }
}
