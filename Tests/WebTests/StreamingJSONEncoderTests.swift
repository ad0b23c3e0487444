import JSONBytes
import Foundation
import Testing
@testable import Web

@Suite("Streaming JSON encoder")
struct StreamingJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var code: String
        var score: Double?
    }

    struct Outer: Codable, Equatable {
        var text: String
        var count: Int
        var flag: Bool
        var missing: String?
        var inner: Inner
        var list: [Inner]
        var numbers: [Int]
        var empty: [String]
        var map: [String: Int]
        var optionalInner: Inner?
    }

    @Test("output parses back to the same value as Foundation's encoder, keys in declaration order, nils omitted")
    func matchesFoundation() throws {
        let value = Outer(
            text: "ถนน \"พัง\" \\ ยาว\nบรรทัดใหม่\t\u{1}", count: -42, flag: true, missing: nil,
            inner: Inner(code: "road", score: 0.93), list: [Inner(code: "a", score: nil), Inner(code: "b", score: 1)],
            numbers: [1, 2, 3], empty: [], map: ["x": 1], optionalInner: nil)
        let bytes = try StreamingJSONEncoder().encode(value)
        let decoded = try JSONDecoder().decode(Outer.self, from: Data(bytes))
        #expect(decoded == value)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"text":"ถนน \"พัง\" \\ ยาว\nบรรทัดใหม่\t\u0001","count":-42,"flag":true,"inner":{"code":"road","score":0.93}"#))
        #expect(!text.contains("missing"))
        #expect(text.contains(#""empty":[]"#))
        #expect(text.contains(#""list":[{"code":"a"},{"code":"b","score":1}]"#))
    }

    @Test("an object written field by field is byte for byte what the encoder writes for the same value")
    func objectWriterMatchesEncoder() throws {
        struct Event: Encodable {
            struct Part: Encodable {
                var code: String
                var agency: String?
                var note: String?
            }
            var first: Part
            var second: Part
            var `internal`: Bool
        }
        let first = Event.Part(code: "SG-2026-ABC123", agency: nil, note: "ถนน \"พัง\" \\\nบรรทัดใหม่\t\u{1}")
        let second = Event.Part(code: "", agency: "bma-district-1047", note: nil)
        let json = JSONObjectWriter()
        for (key, part) in [("first", first), ("second", second)] {
            json.object(key) { json in
                json.string("code", part.code)
                json.string("agency", part.agency)
                json.string("note", part.note)
            }
        }
        json.bool("internal", false)
        let expected = try StreamingJSONEncoder().encode(Event(first: first, second: second, internal: false))
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(JSONObjectWriter().bytes == Array("{}".utf8))
    }

    @Test("numbers with up to four decimals, written by digits, are spelt as Swift spells them, and so are all others")
    func decimals() throws {
        var values: [Double] = (1...120_000).map { Double($0) / 10_000 }
        values += values.prefix(20_000).map { -$0 }
        values += [0.00005, 1e-7, 0.1 + 0.2, 1.0 / 3, 123_456_789.1234, 999_999_999.9999, 1e9 + 0.5, 2.5e12 + 0.25, 0.12345, -0.0001]
        values += (0..<2_000).map { Double($0) * 0.7311 }
        for value in values {
            let written = String(decoding: try StreamingJSONEncoder().encode([value]), as: UTF8.self)
            let expected = value == value.rounded() && abs(value) < 1e15 ? "[\(Int64(value))]" : "[\(value)]"
            if written != expected {
                Issue.record("\(value) written as \(written), not \(expected)")
                return
            }
        }
    }

    @Test("non-finite numbers are refused rather than written as invalid JSON")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(Inner(code: "x", score: .infinity)) }
    }
}
