import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

@Suite("The whole country: areas and routing outside Bangkok")
struct CountryTests {
    static let pothole = "ถนนเป็นหลุมบ่อเต็มไปหมด ยางมะตอยหลุดร่อน รถจักรยานยนต์ล้มทุกวัน"

    @Test("a case filed with district บางพลี and province สมุทรปราการ goes to that district office")
    func bangPhli() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (_, _, reply) = try await client.file([
                "text": Self.pothole, "area": ["province": "สมุทรปราการ", "district": "บางพลี"],
            ])
            #expect(reply.string("area.district.code") == "1103")
            #expect(reply.string("agency.code") == "district-office-1103")
            #expect(reply.string("status.code") == "assigned")
            // Electricity there is the metropolitan authority's; in Chiang Mai, the provincial one's.
            let power = try await client.file([
                "text": "ไฟฟ้าดับทั้งหมู่บ้านตั้งแต่เมื่อคืน หม้อแปลงระเบิด", "area": ["district": "1103"],
            ])
            #expect(power.reply.string("agency.code") == "mea")
        }
    }

    @Test("the capital district written as อำเภอเมือง, and a subdistrict the text names inside the given province")
    func mueangAndText() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let mueang = try await client.file(["text": Self.pothole, "area": ["province": "พะเยา", "district": "อำเภอเมือง"]])
            #expect(mueang.reply.string("area.district.code") == "5601")
            #expect(mueang.reply.string("agency.code") == "district-office-5601")
            let fromText = try await client.file(["text": Self.pothole + " ต.แม่ต๋ำ อ.เมืองพะเยา จ.พะเยา"])
            #expect(fromText.reply.string("area.source") == "text")
            #expect(fromText.reply.string("area.district.code") == "5601")
        }
    }

    @Test("an unknown district answers 422 naming the field, with the closest names suggested")
    func unknownDistrict() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(
                .post, "/api/v1/cases", json: ["text": Self.pothole, "area": ["province": "สมุทรปราการ", "district": "บางพลีย์"]])
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorCode == "unknown_area")
            #expect(reply.string("error.field") == "area.district")
            let suggestions = reply.value("error.suggestions") as? [String] ?? []
            #expect(suggestions.first == "บางพลี จ.สมุทรปราการ")
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 0)
        }
    }

    @Test("filing with no area still works: placed from the text, or sent to triage")
    func noArea() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let placed = try await client.file(["text": Self.pothole + " แถวอำเภอหางดง จังหวัดเชียงใหม่"])
            #expect(placed.reply.string("area.district.code") == "5015")
            #expect(placed.reply.string("agency.code") == "district-office-5015")
            let unplaced = try await client.file(["text": Self.pothole])
            #expect(unplaced.reply.string("status.code") == "triage")
        }
    }

    @Test(
        "Bangkok routing answers exactly as before",
        arguments: [
            ("road", ["province": "10", "district": "1047"], "bma-district-1047"),
            ("flooding", ["province": "10", "district": "1047"], "bma-drainage"),
            ("electricity", ["province": "10"], "mea"),
            ("traffic", ["province": "10", "district": "1030"], "rtp-mpb"),
            ("entertainment_venues", ["province": "10"], "rtp-mpb"),
            ("other", ["province": "10"], "damrongdhama-10"),
            ("road", ["province": "10"], nil),
        ] as [(String, [String: String], String?)])
    func bangkok(category: String, area: [String: String], agency: String?) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (_, _, reply) = try await client.file(["text": Self.pothole, "category": category, "area": area])
            #expect(reply.string("agency.code") == agency)
        }
    }

    @Test("outside Bangkok: traffic to the provincial police, local problems to the district office, water to PWA")
    func provincialRouting() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let traffic = try await client.file(["text": Self.pothole, "category": "traffic", "area": ["district": "5015"]])
            #expect(traffic.reply.string("agency.code") == "police-50")
            let drains = try await client.file(["text": Self.pothole, "category": "drainage", "area": ["district": "5015"]])
            #expect(drains.reply.string("agency.code") == "district-office-5015")
            let water = try await client.file(["text": Self.pothole, "category": "water_supply", "area": ["district": "5015"]])
            #expect(water.reply.string("agency.code") == "pwa")
        }
    }

    @Test("an abolished subdistrict's code resolves to the area that replaced it")
    func abolished() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            // 100205 บางซื่อ (abolished 2006) is now 102901.
            let (_, _, reply) = try await client.file(["text": Self.pothole, "area": ["subdistrict": "100205"]])
            #expect(reply.string("area.subdistrict.code") == "102901")
        }
    }
}
