import Domain
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import HummingbirdTesting
import Testing

@Suite("Filing a case")
struct FilingTests {
    @Test("a complaint is classified, routed to the district office and answered with its code, secret and due dates")
    func filesAndRoutes() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret, reply) = try await client.file(bangNaPothole)
            #expect(code.wholeMatch(of: /SG-\d{4}-[2-9A-HJKMNP-Z]{6}/) != nil)
            #expect(secret.count == 24)
            #expect(reply.string("status.code") == "assigned")
            #expect(reply.string("category.code") == "road")
            #expect((reply.value("category.confidence") as? Double ?? 0) > 0.4)
            #expect(reply.string("agency.code") == "bma-district-1047")
            #expect(reply.string("area.district.code") == "1047")
            #expect(reply.string("area.source") == "given")
            #expect(reply.string("due.first_answer")?.hasSuffix("+07:00") == true)
            #expect(reply.headers[.location] == "/api/v1/cases/\(code)")
        }
    }

    @Test("the area is taken from the text when none is given")
    func areaFromText() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (_, _, reply) = try await client.file([
                "text": "ทางเท้าแถวสยามในเขตปทุมวันแตกเป็นหลุม เดินสะดุดล้มบ่อยมาก กระเบื้องหลุดทั้งแนว"
            ])
            #expect(reply.string("area.district.code") == "1007")
            #expect(reply.string("area.source") == "text")
            #expect(reply.string("agency.code") == "bma-district-1007")
        }
    }

    @Test("a case the classifier is unsure of goes to triage, as does one no rule places")
    func triage() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let unsure = try await client.file(["text": "สวัสดีครับ"])
            #expect(unsure.reply.string("status.code") == "triage")
            #expect(unsure.reply["agency"] == nil || unsure.reply["agency"] is NSNull)
            // A road problem in Bangkok without a district: no district office can be chosen.
            let unplaced = try await client.file([
                "text": "ถนนเป็นหลุมบ่อเต็มไปหมด ยางมะตอยหลุดร่อน รถตกหลุมทุกวัน", "area": ["province": "10"],
            ])
            #expect(unplaced.reply.string("category.code") == "road")
            #expect(unplaced.reply.string("status.code") == "triage")
        }
    }

    @Test("national categories go to national agencies, provincial problems to the province's Damrongdhama centre")
    func nationalAndProvincial() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let power = try await client.file([
                "text": "ไฟฟ้าดับทั้งหมู่บ้านตั้งแต่เมื่อคืน หม้อแปลงระเบิดเสียงดังมาก ตู้เย็นของเสียหมดแล้ว", "area": ["province": "เชียงใหม่"],
            ])
            #expect(power.reply.string("agency.code") == "pea")
            let vendors = try await client.file([
                "text": "แม่ค้าตั้งแผงขายของบนทางเท้าเต็มไปหมด คนเดินต้องลงไปเดินบนถนน", "category": "street_vendors",
                "area": ["province": "50"],
            ])
            #expect(vendors.reply.string("agency.code") == "damrongdhama-50")
        }
    }

    @Test("a retry with the same Idempotency-Key returns the same case and secret, never a second case")
    func idempotentRetry() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-123"]
            let first = try await client.file(bangNaPothole, headers: headers)
            let second = try await client.file(bangNaPothole, headers: headers)
            #expect(second.code == first.code)
            #expect(second.secret == first.secret)
            #expect(second.reply.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 1)
            // The same key with a different request is refused and files nothing.
            var other = bangNaPothole
            other["text"] = "เรื่องอื่นเลย ไฟถนนดับทั้งซอย"
            let reused = try await client.send(.post, "/api/v1/cases", json: other, headers: headers)
            #expect(reused.status == .conflict)
            #expect(reused.errorCode == "idempotency_key_reused")
        }
    }

    @Test("concurrent requests with one Idempotency-Key create one case")
    func concurrentIdempotency() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "same-key"]
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try await client.file(bangNaPothole, headers: headers).code } }
                var codes = Set<String>()
                for try await code in group { codes.insert(code) }
                return codes
            }
            #expect(codes.count == 1)
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 1)
        }
    }

    @Test("contact details are kept apart from the case, and need consent")
    func contactAndConsent() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var body = bangNaPothole
            body["contact"] = ["name": "สมศรี ใจดี", "phone": "081-234-5678", "email": "somsri@example.com"]
            let refused = try await client.send(.post, "/api/v1/cases", json: body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorCode == "consent_required")
            body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
            body["anonymous"] = true
            let filed = try await client.file(body)
            let stored = try await app.database.pool.withConnection { connection in
                try connection.query(
                    "SELECT name, phone, email, consent_version FROM case_contacts JOIN cases c ON c.id = case_id WHERE c.code = $1",
                    [filed.code]
                ).first!.values
            }
            #expect(stored == ["สมศรี ใจดี", "081-234-5678", "somsri@example.com", "2026-01"])
        }
    }

    static let invalidFilings: [(String, String, HTTPResponse.Status, String)] = [
        ("missing text", #"{"kind": "complaint"}"#, .badRequest, "invalid_json"),
        ("text of the wrong type", #"{"text": 12}"#, .badRequest, "invalid_json"),
        ("not JSON", #"{"text": "ถนน"#, .badRequest, "invalid_json"),
        ("empty text", #"{"text": "   "}"#, .unprocessableContent, "missing_text"),
        ("unknown kind", #"{"text": "ถนนพัง", "kind": "praise"}"#, .unprocessableContent, "invalid_kind"),
        ("unknown category", #"{"text": "ถนนพัง", "category": "potholes"}"#, .unprocessableContent, "unknown_category"),
        ("unknown province", #"{"text": "ถนนพัง", "area": {"province": "แอตแลนติส"}}"#, .unprocessableContent, "unknown_area"),
        ("district outside the province", #"{"text": "ถนนพัง", "area": {"province": "50", "district": "1047"}}"#, .unprocessableContent, "area_mismatch"),
        ("latitude without longitude", #"{"text": "ถนนพัง", "lat": 13.7}"#, .unprocessableContent, "invalid_location"),
        ("latitude out of range", #"{"text": "ถนนพัง", "lat": 113.7, "lon": 100.5}"#, .unprocessableContent, "invalid_location"),
        ("bad e-mail", #"{"text": "ถนนพัง", "contact": {"email": "not-an-email"}, "consent": {"version": "2026-01", "accepted": true}}"#, .unprocessableContent, "invalid_contact_email"),
        ("bad phone", #"{"text": "ถนนพัง", "contact": {"phone": "12"}, "consent": {"version": "2026-01", "accepted": true}}"#, .unprocessableContent, "invalid_contact_phone"),
        ("old consent version", #"{"text": "ถนนพัง", "contact": {"name": "ก"}, "consent": {"version": "2019-01", "accepted": true}}"#, .unprocessableContent, "consent_version"),
        ("consent not given", #"{"text": "ถนนพัง", "contact": {"name": "ก"}, "consent": {"version": "2026-01", "accepted": false}}"#, .unprocessableContent, "consent_required"),
        ("NUL character", #"{"text": "ถนน\u0000พัง"}"#, .unprocessableContent, "invalid_text"),
        ("bad channel", #"{"text": "ถนนพัง", "channel": "Web Form!"}"#, .unprocessableContent, "invalid_channel"),
    ]

    @Test("bad input gets a clear 4xx error in the one JSON shape and stores nothing", arguments: invalidFilings)
    func rejectsBadInput(name: String, body: String, status: HTTPResponse.Status, code: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(.post, "/api/v1/cases", raw: body)
            #expect(reply.status == status, "\(name)")
            #expect(reply.errorCode == code, "\(name): \(reply.json)")
            #expect(reply.string("error.message")?.isEmpty == false)
            #expect(reply.string("error.message_en")?.isEmpty == false)
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first!.int(0) }
            #expect(count == 0)
        }
    }

    @Test("text longer than 5,000 characters is refused; a body over the size limit gets 413")
    func limits() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let long = try await client.send(.post, "/api/v1/cases", json: ["text": String(repeating: "ก", count: 5001)])
            #expect(long.status == .unprocessableContent)
            #expect(long.errorCode == "text_too_long")
            let huge = try await client.send(.post, "/api/v1/cases", json: ["text": String(repeating: "x", count: 70_000)])
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorCode == "body_too_large")
            let ok = try await client.send(.post, "/api/v1/cases", json: ["text": String(repeating: "ถนนพัง ", count: 700)])
            #expect(ok.status == .created)
        }
    }

    @Test("unknown routes answer 404 in the JSON error shape, in English when asked")
    func notFound() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let thai = try await client.send(.get, "/api/v1/nothing-here")
            #expect(thai.status == .notFound)
            #expect(thai.errorCode == "not_found")
            #expect(thai.string("error.message") == thai.string("error.message_th"))
            let english = try await client.send(.get, "/api/v1/nothing-here", headers: [.acceptLanguage: "en-GB,en;q=0.9,th;q=0.5"])
            #expect(english.string("error.message") == english.string("error.message_en"))
        }
    }
}
