import Domain
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import HummingbirdTesting
import Testing

@Suite("Tracking a case")
struct TrackingTests {
    let secretHeader = HTTPField.Name("X-Tracking-Secret")!

    @Test("with the secret the citizen sees everything; without it the public sees the redacted view")
    func citizenAndPublicViews() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var body = bangNaPothole
            body["text"] = "ถนนหน้าบ้านเป็นหลุมลึก ติดต่อกลับที่ 081-234-5678 หรือ somchai@example.com ไลน์ somchai99 ค่ะ"
            body["address"] = "99/1 ซอยบางนา-ตราด 14"
            let (code, secret, _) = try await client.file(body)

            let citizen = try await client.send(.get, "/api/v1/cases/\(code)", headers: [secretHeader: secret])
            #expect(citizen.status == .ok)
            #expect(citizen.string("view") == "citizen")
            #expect(citizen.string("text")?.contains("081-234-5678") == true)
            #expect(citizen.string("address") == "99/1 ซอยบางนา-ตราด 14")
            #expect(citizen.array("timeline").map { $0["kind"] as? String } == ["filed"])

            let public_ = try await client.send(.get, "/api/v1/cases/\(code)")
            #expect(public_.status == .ok)
            #expect(public_.string("view") == "public")
            let text = public_.string("text") ?? ""
            #expect(!text.contains("081-234-5678"))
            #expect(!text.contains("somchai@example.com"))
            #expect(!text.contains("somchai99"))
            #expect(text.contains("[เบอร์โทร]"))
            #expect(public_["address"] == nil)
            #expect(public_["contact"] == nil)
        }
    }

    @Test("the code is found however the citizen types it")
    func lenientCode() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, _, _) = try await client.file(bangNaPothole)
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ").addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            let reply = try await client.send(.get, "/api/v1/cases/\(typed)")
            #expect(reply.status == .ok)
            #expect(reply.string("code") == code)
        }
    }

    @Test("a wrong secret is refused; an unknown code is not found")
    func wrongSecret() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, _, _) = try await client.file(bangNaPothole)
            let wrong = try await client.send(.get, "/api/v1/cases/\(code)", headers: [secretHeader: "not-the-secret"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.errorCode == "invalid_secret")
            let unknown = try await client.send(.get, "/api/v1/cases/SG-2026-ZZZZZZ")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "case_not_found")
            let nonsense = try await client.send(.get, "/api/v1/cases/hello")
            #expect(nonsense.status == .notFound)
        }
    }

    @Test("a non-public case is 404 without its secret, and visible with it")
    func privateCase() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let privateByChoice = try await client.file(["text": "ถนนหน้าบ้านพังเป็นหลุม", "public": false, "area": ["province": "10", "district": "1047"]])
            #expect(privateByChoice.reply.bool("is_public") == false)
            let hidden = try await client.send(.get, "/api/v1/cases/\(privateByChoice.code)")
            #expect(hidden.status == .notFound)
            let wrongSecret = try await client.send(.get, "/api/v1/cases/\(privateByChoice.code)", headers: [secretHeader: "guess"])
            #expect(wrongSecret.status == .notFound)
            let own = try await client.send(.get, "/api/v1/cases/\(privateByChoice.code)", headers: [secretHeader: privateByChoice.secret])
            #expect(own.status == .ok)
            // Categories about a person's own affairs are never public.
            let corruption = try await client.file([
                "text": "เจ้าหน้าที่เขตเรียกรับเงินใต้โต๊ะ 5,000 บาท แลกกับการออกใบอนุญาตก่อสร้าง", "category": "corruption",
            ])
            #expect(corruption.reply.bool("is_public") == false)
            #expect(try await client.send(.get, "/api/v1/cases/\(corruption.code)").status == .notFound)
        }
    }
}
