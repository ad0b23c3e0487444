import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Store
import TestSupport
import Testing

@Suite("One-time codes")
struct OneTimeCodeTests {
    /// The code in the message the outbox holds for `address` (as the citizen would read it).
    func sentCode(_ app: TestApp, to address: String) async throws -> String {
        let body = try await app.database.pool.withConnection {
            try $0.query("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1", [address]).first?.string(0)
        }
        let text = try #require(body)
        return try #require(text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init))
    }

    @Test("a code is sent through the outbox, proves the address once, and is never stored in the clear")
    func proves() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let sent = try await client.send(
                .post, "/api/v1/one-time-codes",
                json: ["channel": "email", "address": "somsri@example.com", "purpose": "support", "language": "en"])
            #expect(sent.status == .created)
            let id = try #require(sent.int("id"))
            let code = try await sentCode(app, to: "somsri@example.com")
            let stored = try await app.database.pool.withConnection {
                try $0.query("SELECT count(*) FROM one_time_codes WHERE encode(code_hash, 'escape') LIKE '%' || $1 || '%'", [code])
                    .first!.int(0)
            }
            #expect(stored == 0, "only the code's hash is kept")
            let wrong = try await client.send(.post, "/api/v1/one-time-codes/\(id)/verify", json: ["code": code == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .unprocessableContent && wrong.errorCode == "wrong_code")
            let right = try await client.send(.post, "/api/v1/one-time-codes/\(id)/verify", json: ["code": code])
            #expect(right.status == .ok && right.bool("verified") == true && right.string("purpose") == "support")
            let again = try await client.send(.post, "/api/v1/one-time-codes/\(id)/verify", json: ["code": code])
            #expect(again.status == .conflict && again.errorCode == "code_spent", "a code works once")
        }
    }

    @Test("a code expires; five wrong tries spend it; an address gets at most five codes an hour")
    func limits() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let phone = "081-234-5678"
            var ids: [Int] = []
            for _ in 0..<5 {
                let sent = try await client.send(
                    .post, "/api/v1/one-time-codes", json: ["channel": "sms", "address": phone, "purpose": "support"])
                ids.append(try #require(sent.int("id")))
            }
            let sixth = try await client.send(
                .post, "/api/v1/one-time-codes", json: ["channel": "sms", "address": phone, "purpose": "support"])
            #expect(sixth.status == .conflict && sixth.errorCode == "too_many_codes")

            let code = try await sentCode(app, to: phone)
            for _ in 0..<5 {
                _ = try await client.send(.post, "/api/v1/one-time-codes/\(ids[4])/verify", json: ["code": "99999x"])
            }
            let spent = try await client.send(.post, "/api/v1/one-time-codes/\(ids[4])/verify", json: ["code": code])
            #expect(spent.errorCode == "code_spent", "five wrong tries spend the code, even for the right one after")

            app.clock.advance(days: 11.0 / 1440)
            let late = try await client.send(.post, "/api/v1/one-time-codes/\(ids[0])/verify", json: ["code": "123456"])
            #expect(late.status == .conflict && late.errorCode == "code_expired")
        }
    }

    @Test(
        "a channel, address or purpose that cannot be is refused and nothing is sent",
        arguments: [
            (["channel": "fax", "address": "x", "purpose": "support"] as JSONObject, "invalid_channel"),
            (["channel": "line", "address": "U123", "purpose": "support"] as JSONObject, "invalid_channel"),
            (["channel": "email", "address": "not-an-address", "purpose": "support"] as JSONObject, "invalid_address"),
            (["channel": "sms", "address": "12", "purpose": "support"] as JSONObject, "invalid_address"),
            (["channel": "email", "address": "a@b.co", "purpose": "DROP TABLE"] as JSONObject, "invalid_purpose"),
        ])
    func refusals(body: JSONObject, code: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await client.send(.post, "/api/v1/one-time-codes", json: body)
            #expect(reply.status == .unprocessableContent && reply.errorCode == code)
            #expect(try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM outbox").first!.int(0) } == 0)
        }
    }
}
