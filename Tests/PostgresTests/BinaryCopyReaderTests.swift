import Postgres
import Testing
import TestSupport

@Suite("Binary COPY")
struct BinaryCopyReaderTests {
    struct Values: Equatable {
        var text: String?
        var missing: Bool
        var small: Int64?
        var integer: Int64?
        var big: Int64?
        var flag: Bool?
        var seconds: Int64?
    }

    @Test("rows read the same whatever size the chunks are cut to: text, NULL, integers of each width, booleans, times")
    func chunks() async throws {
        let database = try await TestDatabase.fresh()
        let stream = try await database.pool.withConnection { connection -> [UInt8] in
            try connection.startCopyOut(
                """
                COPY (SELECT * FROM (VALUES
                    ('ถนน "พัง", ซอย 5'::text, NULL::text, 42::int2, -7::int4, 9000000000::int8, true,
                     '2026-01-02 03:04:05.9+00'::timestamptz),
                    ('', NULL, (-32768)::int2, 2147483647, -1, false, '1999-12-31 23:59:59.5+00'),
                    (NULL, 'x', NULL, NULL, NULL, NULL, NULL)) AS rows) TO STDOUT WITH (FORMAT binary)
                """)
            var all: [UInt8] = []
            while let chunk = try connection.readCopyData(upTo: 1 << 16) { all += chunk }
            return all
        }
        await database.pool.shutdown()
        let expected = [
            Values(text: "ถนน \"พัง\", ซอย 5", missing: true, small: 42, integer: -7, big: 9_000_000_000, flag: true, seconds: 1_767_323_045),
            Values(text: "", missing: true, small: -32768, integer: 2_147_483_647, big: -1, flag: false, seconds: 946_684_799),
            Values(text: nil, missing: false, small: nil, integer: nil, big: nil, flag: nil, seconds: nil),
        ]
        for size in [1, 3, 7, 64, stream.count] {
            var reader = BinaryCopyReader()
            var rows: [Values] = []
            for start in stride(from: 0, to: stream.count, by: size) {
                try reader.read(Array(stream[start..<min(start + size, stream.count)])) { row in
                    rows.append(
                        Values(
                            text: row.isNull(0) ? nil : String(decoding: row.bytes(0), as: UTF8.self), missing: row.isNull(1),
                            small: row.integer(2), integer: row.integer(3), big: row.integer(4), flag: row.bool(5),
                            seconds: row.unixSeconds(6)))
                }
            }
            #expect(rows == expected, "chunks of \(size) bytes")
            #expect(reader.finished)
        }
    }

    @Test("bytes that are not a binary COPY are refused")
    func malformed() {
        var reader = BinaryCopyReader()
        #expect(throws: BinaryCopyReader.Malformed.self) {
            try reader.read(Array("code,kind\nSG-1,complaint\n".utf8)) { _ in }
        }
    }
}
