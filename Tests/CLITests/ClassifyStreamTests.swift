import Classification
import Domain
import Foundation
import JSONBytes
import Setup
import Services
@testable import siang
import TestSupport
import Testing
import ThaiText

@Suite("siang classify")
struct ClassifyStreamTests {
    let stream: ClassifyStream

    init() throws {
        stream = try ClassifyStream.fromSeeds()
    }

    func object(_ line: String?) throws -> [String: Any] { try jsonObject(line) }

    @Test("a line gets its category, a confidence in [0, 1], the top three and the places named, with its id")
    func classifies() throws {
        let output = try object(stream.process(#"{"id": 7, "text": "น้ำประปาไม่ไหลมาสามวันแล้วค่ะ บ้านอยู่ จ.ขอนแก่น"}"#))
        #expect(output["id"] as? Int == 7)
        #expect(output["category"] as? String == "water_supply")
        let confidence = try #require(output["confidence"] as? Double)
        #expect((0...1).contains(confidence))
        let top = try #require(output["top"] as? [[String: Any]])
        #expect(top.count == 3)
        #expect(top.first?["category"] as? String == "water_supply")
        let places = try #require(output["places"] as? [[String: Any]])
        #expect(places.first?["code"] as? String == "40")
        // No province or district on the line: the area comes from the text, as at filing.
        #expect(output["area_source"] as? String == "text")
        #expect(output.keys.contains("agency"))
        #expect(output["triage"] is Bool)
    }

    @Test("a text naming two problems names the second under `also`; one naming one problem has an empty `also`")
    func secondaryCategories() throws {
        let two = try object(stream.process(#"{"id": 1, "text": "สายสื่อสารห้อยต่ำพันกันรุงรัง และกิ่งไม้ใหญ่พาดสายจะหักลงมา"}"#))
        #expect(two["category"] as? String == "cables")
        let also = try #require(two["also"] as? [[String: Any]])
        #expect(also.map { $0["category"] as? String } == ["trees"])
        let one = try object(stream.process(#"{"id": 2, "text": "ถนนในซอยเป็นหลุมบ่อ รถตกหลุมทุกวัน"}"#))
        #expect((one["also"] as? [Any])?.isEmpty == true)
    }

    @Test("with a province or district the line is routed to an agency")
    func routes() throws {
        let bangkok = try object(stream.process(#"{"id": "a", "text": "ไฟฟ้าดับทั้งซอย หม้อแปลงระเบิด", "province": "10"}"#))
        #expect((bangkok["agency"] as? [String: Any])?["code"] as? String == "mea")
        let district = try object(stream.process(#"{"id": "b", "text": "ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน", "district": "1047"}"#))
        #expect((district["agency"] as? [String: Any])?["code"] as? String == "bma-district-1047")
        let thaiNames = try object(stream.process(#"{"text": "ถนนเป็นหลุมบ่อ", "province": "กรุงเทพมหานคร", "district": "บางนา"}"#))
        #expect((thaiNames["agency"] as? [String: Any])?["name"] as? String == "สำนักงานเขตบางนา")
    }

    @Test(
        "a malformed line gets an error object and does not stop the rest",
        arguments: [
            ("not json", "invalid_json"), ("[1, 2]", "invalid_json"), (#"{"id": 1}"#, "invalid_text"),
            (#"{"id": 1, "text": 5}"#, "invalid_text"),
        ])
    func errors(line: String, code: String) throws {
        let output = try object(stream.process(line))
        #expect((output["error"] as? [String: Any])?["code"] as? String == code)
        let next = try object(stream.process(#"{"id": 2, "text": "เสียงดังจากผับทุกคืน"}"#))
        #expect(next["category"] is String)
    }

    @Test(
        "each answer written field by field is byte for byte what the encoder writes for it",
        arguments: [
            #"{"id": 7, "text": "น้ำประปาไม่ไหลมาสามวันแล้วค่ะ บ้านอยู่ จ.ขอนแก่น"}"#,
            #"{"id": "a\"b", "text": "ไฟฟ้าดับทั้งซอย หม้อแปลงระเบิด", "province": "10"}"#,
            #"{"id": 7.25, "text": "สายสื่อสารห้อยต่ำพันกันรุงรัง และกิ่งไม้ใหญ่พาดสายจะหักลงมา"}"#,
            #"{"id": null, "text": "ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน", "province": "สมุทรปราการ", "district": "บางพลีย์"}"#,
            #"{"id": [1, {"b": true}], "text": "ถนนเป็นหลุมบ่อ ต.ท่าข้าม"}"#,
            #"{"id": false, "text": "ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน", "province": "สมุทรปราการ", "district": "บางพลี"}"#,
            #"{"text": ""}"#,
            #"{"id": 1e300, "text": "ขยะ\nไม่เก็บ\t\u0001 มาสองอาทิตย์ \\ เหม็นมาก ซอยรามคำแหง 24 เขตบางกะปิ"}"#,
        ])
    func writtenAsEncoded(line: String) throws {
        var line = line
        let answer = line.withUTF8 { stream.answer(for: $0) }
        guard case .output(let output) = answer else {
            Issue.record("\(line) was not answered")
            return
        }
        #expect(ClassifyStream.write(output) == (try StreamingJSONEncoder().encode(output)))
    }

    @Test("blank lines are skipped; empty text is still answered")
    func blankLines() throws {
        #expect(stream.process("   ") == nil)
        let empty = try object(stream.process(#"{"id": 1, "text": ""}"#))
        #expect(empty["category"] is String)
    }

    /// Pairs of categories that share words, each placed by the rule in `Seeds/categories.json`:
    /// a cover is a fixture, a drain is how water flows; a shop selling on the footpath is a
    /// vendor, broken paving is the footpath; a street lamp is lighting, the supply is electricity.
    @Test(
        "the default model places each side of a confusable pair as the taxonomy says",
        arguments: [
            ("ฝาท่อแตก หน้าบ้านเลขที่ 5", "damaged_facilities"), ("ท่อระบายน้ำตัน น้ำไม่ไหล เหม็นมาก", "drainage"),
            ("ร้านอาหารตั้งโต๊ะเก้าอี้เต็มฟุตบาททุกเย็น", "street_vendors"), ("บล็อกทางเท้าแตกกระเดิด เดินสะดุด", "sidewalk"),
            ("ไฟถนนดับทั้งซอย มืดมาก", "lighting"), ("ไฟฟ้าดับทั้งหมู่บ้าน หม้อแปลงระเบิด", "electricity"),
            ("ไม่แสดงรายละเอียด", "corruption"),
        ])
    func conventions(text: String, category: String) throws {
        let output = try object(stream.process(#"{"text": "\#(text)"}"#))
        #expect(output["category"] as? String == category)
    }
}
