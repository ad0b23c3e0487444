import Classification
import Domain
import Foundation
import Setup
import Services
@testable import siang
import TestSupport
import Testing
import ThaiText

@Suite("siang classify across the country")
struct ClassifyCountryTests {
    let stream: ClassifyStream

    init() throws {
        stream = try ClassifyStream.fromSeeds()
    }

    func object(_ line: String?) throws -> [String: Any] { try jsonObject(line) }

    @Test("an area that does not resolve comes back as area_error beside the category, with suggestions")
    func areaErrorBesideTheCategory() throws {
        let output = try object(
            stream.process(#"{"id": 1, "text": "ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน", "province": "สมุทรปราการ", "district": "บางพลีย์"}"#))
        #expect(output["category"] as? String == "road")
        let error = try #require(output["area_error"] as? [String: Any])
        #expect(error["code"] as? String == "unknown_area")
        #expect(error["field"] as? String == "area.district")
        #expect((error["suggestions"] as? [String])?.first?.hasPrefix("บางพลี") == true)
        let unknownProvince = try object(stream.process(#"{"text": "ถนนพัง", "province": "ไม่มีจังหวัดนี้"}"#))
        #expect(unknownProvince["category"] is String)
        #expect((unknownProvince["area_error"] as? [String: Any])?["code"] as? String == "unknown_area")
    }

    @Test("a district outside Bangkok is placed and routed to its district office")
    func bangPhli() throws {
        let output = try object(
            stream.process(#"{"text": "ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน", "province": "สมุทรปราการ", "district": "บางพลี"}"#))
        #expect((output["agency"] as? [String: Any])?["code"] as? String == "district-office-1103")
        #expect((output["area"] as? [String: Any])?["district"] as? String == "1103")
        #expect(output["area_error"] == nil)
    }

    @Test("a name several subdistricts share is reported ambiguous, not guessed")
    func ambiguous() throws {
        let output = try object(stream.process(#"{"text": "ถนนเป็นหลุมบ่อ ต.ท่าข้าม"}"#))
        #expect((output["area"] as? [String: Any])?["subdistrict"] == nil)
        let ambiguous = try #require(output["ambiguous_places"] as? [[String: Any]])
        #expect(((ambiguous.first?["codes"] as? [String])?.count ?? 0) > 1)
    }

    /// The team's test set of place extraction (bench/places/places.jsonl, made by make_places.py).
    @Test("the place test set: at least 95% right and no guess where the name is ambiguous")
    func placeTestSet() throws {
        let path = TestDatabase.home.path + "/bench/places/places.jsonl"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 400)
        var right = 0
        var guesses: [String] = []
        var misses: [String] = []
        for line in lines {
            let input = try object(String(line))
            let output = try object(stream.process(String(line)))
            let area = output["area"] as? [String: Any] ?? [:]
            let got = (area["subdistrict"] ?? area["district"] ?? area["province"]) as? String ?? ""
            let expected = input["expect"] as? String ?? ""
            if got == expected {
                right += 1
            } else if input["ambiguous"] as? Bool == true, got.count > expected.count {
                guesses.append("\(input["id"] ?? ""): \(got) for \(expected)")
            } else {
                misses.append("\(input["id"] ?? ""): \(got) for \(expected)")
            }
        }
        let share = Double(right) / Double(lines.count)
        #expect(share >= 0.95, "\(right)/\(lines.count) right; missed: \(misses.prefix(20))")
        #expect(guesses.isEmpty, "wrong guesses: \(guesses)")
    }
}
