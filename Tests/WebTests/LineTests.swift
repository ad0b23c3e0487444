import AsyncHTTPClient
import Channels
import Crypto
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Setup
import Store
import Synchronization
import TestSupport
import Testing
import Web

@testable import Services

/// A fake LINE Messaging API on 127.0.0.1: records the replies and pushes it is sent, and refuses
/// a request without the channel access token with 401, as LINE does.
final class FakeLineAPI: Sendable {
    struct Received: Sendable {
        var path: String
        var authorization: String?
        var retryKey: String?
        var body: [UInt8]

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var messages: [[String: Any]] { json["messages"] as? [[String: Any]] ?? [] }
        var texts: [String] { messages.compactMap { $0["text"] as? String } }
        var text: String { texts.joined(separator: "\n") }
        var replyToken: String? { json["replyToken"] as? String }
        var to: String? { json["to"] as? String }
        /// The labels of the first message's quick-reply buttons.
        var buttons: [String] {
            let items = (messages.first?["quickReply"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
            return items.compactMap { ($0["action"] as? [String: Any])?["label"] as? String }
        }
    }

    let token = "line-access-token-\(UUID().uuidString)"
    let received = Mutex<[Received]>([])
    let answer = Mutex<HTTPResponse.Status>(.ok)

    var replies: [Received] { received.withLock { $0.filter { $0.path.hasSuffix("/reply") } } }
    var pushes: [Received] { received.withLock { $0.filter { $0.path.hasSuffix("/push") } } }

    func run(_ body: @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let router = Router()
        router.post("v2/bot/message/reply") { [self] request, _ in try await record(request) }
        router.post("v2/bot/message/push") { [self] request, _ in try await record(request) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(try #require(client.port))") }
    }

    func record(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let authorization = request.headers[.authorization]
        received.withLock {
            $0.append(
                Received(
                    path: request.uri.path, authorization: authorization,
                    retryKey: request.headers[HTTPField.Name("X-Line-Retry-Key")!], body: Array(bytes.readableBytesView)))
        }
        guard authorization == "Bearer \(token)" else { return Response(status: .unauthorized) }
        return Response(status: answer.withLock { $0 })
    }
}

/// LINE's side of the webhook: events as LINE writes them, signed with the channel secret.
struct LineWebhookSender {
    let secret = "line-channel-secret-\(UUID().uuidString)"

    /// HMAC-SHA256 of the body under the channel secret, base64: computed here as LINE documents
    /// it, not with Siang's code.
    func signature(_ body: [UInt8], secret: String? = nil) -> String {
        let key = SymmetricKey(data: Array((secret ?? self.secret).utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).base64EncodedString()
    }

    static func body(_ events: [[String: Any]]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["destination": "U0000siang", "events": events]))
    }

    /// Posts `body` with `signature` (none when nil), as LINE would.
    func post(_ client: any TestClientProtocol, body: [UInt8], signature: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let signature { headers[HTTPField.Name("X-Line-Signature")!] = signature }
        return try await client.executeRequest(
            uri: "/channels/line/webhook", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// Posts the events, signed; expects 200.
    @discardableResult
    func send(_ client: any TestClientProtocol, _ events: [[String: Any]]) async throws -> TestResponse {
        let body = Self.body(events)
        let response = try await post(client, body: body, signature: signature(body))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return response
    }

    static func event(
        _ id: String, user: String, type: String = "message", message: [String: Any]? = nil, redelivery: Bool = false,
        source: String = "user"
    ) -> [String: Any] {
        var event: [String: Any] = [
            "type": type, "mode": "active", "timestamp": 1_795_000_000_000, "webhookEventId": id,
            "deliveryContext": ["isRedelivery": redelivery], "replyToken": "reply-\(id)",
            "source": source == "user" ? ["type": "user", "userId": user] : ["type": source, "groupId": "Cgroup", "userId": user],
        ]
        if let message { event["message"] = message }
        return event
    }

    static func text(_ id: String, _ text: String, user: String, redelivery: Bool = false, source: String = "user") -> [String: Any] {
        event(id, user: user, message: ["type": "text", "id": "m-\(id)", "text": text, "quoteToken": "q-\(id)"],
            redelivery: redelivery, source: source)
    }

    static func location(_ id: String, user: String, address: String) -> [String: Any] {
        event(
            id, user: user,
            message: [
                "type": "location", "id": "m-\(id)", "title": "ตำแหน่งของฉัน", "address": address, "latitude": 13.6682,
                "longitude": 100.6047,
            ])
    }
}

@Suite("LINE")
struct LineTests {
    static let citizen = "U4af4980629a1b2c3d4e5f60718293a4b"
    static let secretHeader = HTTPField.Name("X-Tracking-Secret")!
    static let bangNa = "bma-district-1047"
    static let pothole = "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ตกหลุมล้มไปสองคันแล้วค่ะ ฝนตกน้ำขังมองไม่เห็นหลุม"
    static let bangNaAddress = "ถนนสุขุมวิท แขวงบางนาใต้ เขตบางนา กรุงเทพมหานคร 10260 ประเทศไทย"

    /// A Siang with LINE on, answering through `fake`.
    static func app(_ line: LineWebhookSender, fake: FakeLineAPI, baseURL: String) async throws -> TestApp {
        try await TestApp.make(environment: [
            "SIANG_LINE_CHANNEL_SECRET": line.secret, "SIANG_LINE_CHANNEL_ACCESS_TOKEN": fake.token,
            "SIANG_LINE_API_BASE_URL": baseURL, "SIANG_NOTIFICATIONS_PUBLIC_URL": "https://siang.example.go.th",
        ])
    }

    static func count(_ app: TestApp, _ sql: String) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query(sql).first!.int(0) }
    }

    /// The tracking code a reply gives.
    static func code(in text: String) -> String? {
        text.firstMatch(of: /SG-\d{4}-[0-9A-Z]+/).map { String($0.output) }
    }

    /// Text, location, confirmation: the whole conversation of a filing; returns the code and secret.
    static func fileByChat(
        _ client: any TestClientProtocol, _ line: LineWebhookSender, fake: FakeLineAPI, user: String = citizen,
        prefix: String = "e"
    ) async throws -> (code: String, secret: String) {
        try await line.send(client, [LineWebhookSender.text("\(prefix)1", pothole, user: user)])
        try await line.send(client, [LineWebhookSender.location("\(prefix)2", user: user, address: bangNaAddress)])
        try await line.send(client, [LineWebhookSender.text("\(prefix)3", "ยืนยัน", user: user)])
        let filed = try #require(fake.replies.last { $0.replyToken == "reply-\(prefix)3" })
        let code = try #require(Self.code(in: filed.texts.first ?? ""), "the reply gives the tracking code: \(filed.texts)")
        return (code, try #require(filed.texts.last))
    }

    @Test("without a channel secret and token LINE is off: the webhook answers 404 in the one error shape")
    func notConfigured() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let line = LineWebhookSender()
            let body = LineWebhookSender.body([LineWebhookSender.text("x1", Self.pothole, user: Self.citizen)])
            let response = try await line.post(client, body: body, signature: line.signature(body))
            #expect(response.status == .notFound)
            #expect(HostileRun.errorShapeProblem(Data(response.body.readableBytesView), contentType: response.headers[.contentType] ?? "") == nil)
            #expect(String(buffer: response.body).contains("line_not_configured"))
        }
    }

    @Test("a forged, missing or misplaced LINE signature gets 401 and changes nothing")
    func forgedSignature() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                let body = LineWebhookSender.body([
                    LineWebhookSender.text("f1", Self.pothole, user: Self.citizen),
                    LineWebhookSender.text("f2", "ยืนยัน", user: Self.citizen),
                ])
                let other = LineWebhookSender.body([LineWebhookSender.text("f3", "สถานะ", user: Self.citizen)])
                var tampered = body
                tampered[tampered.count - 3] ^= 0x01
                for (label, bytes, signature) in [
                    ("another secret", body, line.signature(body, secret: "not-the-secret")),
                    ("no signature", body, nil),
                    ("another body's signature", body, line.signature(other)),
                    ("a changed byte", tampered, line.signature(body)),
                    ("not base64", body, "***"),
                    ("hex instead of base64", body, line.signature(body).utf8.map { String(format: "%02x", $0) }.joined()),
                ] as [(String, [UInt8], String?)] {
                    let response = try await line.post(client, body: bytes, signature: signature)
                    #expect(response.status == .unauthorized, "\(label)")
                    #expect(String(buffer: response.body).contains("invalid_signature"), "\(label)")
                    #expect(
                        HostileRun.errorShapeProblem(
                            Data(response.body.readableBytesView), contentType: response.headers[.contentType] ?? "") == nil)
                }
                for table in ["line_drafts", "line_events", "cases", "case_subscriptions", "outbox"] {
                    #expect(try await Self.count(app, "SELECT count(*) FROM \(table)") == 0, "\(table) is untouched")
                }
                #expect(fake.received.withLock { $0.isEmpty }, "nothing was said in the chat")
            }
        }
    }

    @Test("a signed body that is not LINE's JSON is 400; LINE's verification request (no events) is 200")
    func malformedBodies() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                for text in ["{", "[]", "{\"events\": 3}", "{\"events\": [{\"type\": 5}]}", ""] {
                    let body = Array(text.utf8)
                    let response = try await line.post(client, body: body, signature: line.signature(body))
                    #expect(response.status == .badRequest, "\(text)")
                }
                let verification = Array(#"{"destination":"U0000siang","events":[]}"#.utf8)
                let response = try await line.post(client, body: verification, signature: line.signature(verification))
                #expect(response.status == .ok)
                let huge = LineWebhookSender.body([LineWebhookSender.text("h1", String(repeating: "ก", count: 40_000), user: Self.citizen)])
                #expect(try await line.post(client, body: huge, signature: line.signature(huge)).status == .contentTooLarge)
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0)
            }
        }
    }

    @Test("a whole LINE conversation files a case with channel line that the routed agency's officer sees, and the chat gets its tracking code")
    func conversationFiles() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            let officer = try await app.token(agency: Self.bangNa)
            try await app.run { client in
                try await line.send(client, [LineWebhookSender.text("c1", Self.pothole, user: Self.citizen)])
                let asked = try #require(fake.replies.last)
                #expect(asked.replyToken == "reply-c1")
                #expect(asked.text.contains("ปัญหานี้อยู่ที่ไหน"), "asks where, in Thai: \(asked.text)")
                #expect(asked.buttons == ["ส่งตำแหน่ง", "ข้าม", "ยกเลิก"])
                #expect(try await Self.count(app, "SELECT count(*) FROM cases") == 0, "nothing is filed before the confirmation")

                try await line.send(client, [LineWebhookSender.location("c2", user: Self.citizen, address: Self.bangNaAddress)])
                let summary = try #require(fake.replies.last)
                #expect(summary.replyToken == "reply-c2")
                let agencyName = try #require(app.runtime.reference.agencies[Self.bangNa]?.nameTH)
                #expect(summary.text.contains("ส่งถึง: \(agencyName)"), "the summary names the agency: \(summary.text)")
                #expect(summary.text.contains(Self.bangNaAddress))
                #expect(summary.buttons == ["ยืนยัน", "ยกเลิก"])

                try await line.send(client, [LineWebhookSender.text("c3", "ยืนยัน", user: Self.citizen)])
                let filed = try #require(fake.replies.last)
                #expect(filed.replyToken == "reply-c3")
                let code = try #require(Self.code(in: filed.texts.first ?? ""), "\(filed.texts)")
                #expect(filed.texts.first?.contains("https://siang.example.go.th/cases/\(code)") == true)
                #expect(filed.texts.count == 3, "the code, what the secret is for, and the secret alone")
                let secret = try #require(filed.texts.last)
                #expect(!(filed.texts.first ?? "").contains(secret), "the code's message can be forwarded without the secret")
                #expect(fake.received.withLock { $0.allSatisfy { $0.authorization == "Bearer \(fake.token)" } })

                // The officer of the agency the case was routed to sees it, filed on LINE.
                let inbox = try await client.send(.get, "/api/v1/agency/cases", headers: [.authorization: "Bearer \(officer)"])
                #expect(inbox.array("cases").contains { $0["code"] as? String == code }, "\(inbox.json)")
                let details = try await client.send(
                    .get, "/api/v1/agency/cases/\(code)", headers: [.authorization: "Bearer \(officer)"])
                #expect(details.string("channel") == "line")
                #expect(details.string("address") == Self.bangNaAddress)
                let category = try #require(details.string("category.code"))
                let categoryName = try #require(app.runtime.reference.categories[category]?.nameTH)
                #expect(summary.text.contains("หมวดหมู่: \(categoryName)"), "the summary showed the category filed")

                // The secret the chat gave is the case's.
                let tracked = try await client.send(.get, "/api/v1/cases/\(code)", headers: [Self.secretHeader: secret])
                #expect(tracked.string("view") == "citizen")
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0, "the draft is gone once filed")
                #expect(
                    try await Self.count(
                        app, "SELECT count(*) FROM case_subscriptions WHERE channel = 'line' AND address = '\(Self.citizen)'")
                        == 1)
            }
        }
    }

    @Test("\"สถานะ\" lists the citizen's own cases with their status, and no one else's")
    func status() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            let officer = try await app.token(agency: Self.bangNa)
            try await app.run { client in
                let (code, _) = try await Self.fileByChat(client, line, fake: fake)
                _ = try await client.act(code, token: officer, ["action": "accept"])
                try await line.send(client, [LineWebhookSender.text("s1", "สถานะ", user: Self.citizen)])
                let answer = try #require(fake.replies.last { $0.replyToken == "reply-s1" })
                #expect(answer.text.contains(code))
                #expect(answer.text.contains(CaseStatus.accepted.nameTH), "\(answer.text)")

                try await line.send(client, [LineWebhookSender.text("s2", "status", user: "U0ther")])
                let other = try #require(fake.replies.last { $0.replyToken == "reply-s2" })
                #expect(!other.text.contains(code))
                #expect(other.text.contains("no cases"), "answered in the language of the command: \(other.text)")
            }
        }
    }

    @Test("an event LINE delivers again, even at the same moment, is acted on once: one case, one answer")
    func redelivery() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                let first = LineWebhookSender.text("r1", Self.pothole, user: Self.citizen)
                try await line.send(client, [first])
                try await line.send(client, [LineWebhookSender.text("r1", Self.pothole, user: Self.citizen, redelivery: true)])
                let text = try await app.database.pool.withConnection { try $0.query("SELECT text FROM line_drafts").first!.string(0) }
                #expect(text == Self.pothole, "the text was not added twice")
                try await line.send(client, [LineWebhookSender.text("r2", "ข้าม", user: Self.citizen)])

                // The confirmation twice at once, then once more later.
                async let one = line.send(client, [LineWebhookSender.text("r3", "ยืนยัน", user: Self.citizen)])
                async let two = line.send(client, [LineWebhookSender.text("r3", "ยืนยัน", user: Self.citizen, redelivery: true)])
                _ = try await (one, two)
                try await line.send(client, [LineWebhookSender.text("r3", "ยืนยัน", user: Self.citizen, redelivery: true)])

                #expect(try await Self.count(app, "SELECT count(*) FROM cases") == 1)
                #expect(fake.replies.filter { $0.replyToken == "reply-r3" }.count == 1, "one answer with the code")
                #expect(fake.replies.filter { $0.replyToken == "reply-r1" }.count == 1)
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0)
            }
        }
    }

    @Test("after an officer accepts the case, the LINE user gets a push with its code; the filing itself pushes nothing")
    func progressIsPushed() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            let officer = try await app.token(agency: Self.bangNa)
            try await app.run { client in
                let (code, secret) = try await Self.fileByChat(client, line, fake: fake)
                let delivery = NotificationDelivery(
                    outbox: OutboxStore(pool: app.database.pool),
                    senders: [.line: LineSender(api: LineAPI(client: .shared, baseURL: baseURL, accessToken: fake.token))],
                    retry: RetryPolicy(first: 60, longest: 600, giveUpAfter: 3600), clock: { app.clock.now() })
                #expect(try await delivery.deliverDue().total == 0, "the chat's reply told of the filing")

                let accepted = try await client.act(code, token: officer, ["action": "accept"])
                #expect(accepted.status == .ok)
                #expect(try await delivery.deliverDue() == NotificationDelivery.Round(sent: 1))
                let push = try #require(fake.pushes.first)
                #expect(fake.pushes.count == 1)
                #expect(push.to == Self.citizen)
                #expect(push.authorization == "Bearer \(fake.token)")
                #expect(push.retryKey.flatMap(UUID.init(uuidString:)) != nil, "pushed with a retry key")
                #expect(push.text.contains(code) && push.text.contains("รับเรื่อง"), "\(push.text)")
                #expect(!push.text.contains(secret) && !push.text.contains("หลุม"), "never the secret or the text")
            }
        }
    }

    @Test("a citizen who writes in English is answered in English, and can file without a location")
    func english() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                try await line.send(client, [
                    LineWebhookSender.text("n1", "The street light in front of my house has been broken for a week", user: Self.citizen)
                ])
                #expect(fake.replies.last?.text.contains("Where is the problem?") == true)
                try await line.send(client, [LineWebhookSender.text("n2", "Skip", user: Self.citizen)])
                let summary = try #require(fake.replies.last)
                #expect(summary.text.contains("Please check before filing") && summary.text.contains("Location: not given"))
                try await line.send(client, [LineWebhookSender.text("n3", "confirm", user: Self.citizen)])
                #expect(fake.replies.last?.texts.first?.hasPrefix("Your case is filed.") == true)
                #expect(try await Self.count(app, "SELECT count(*) FROM case_subscriptions WHERE language = 'en'") == 1)
                #expect(try await Self.count(app, "SELECT count(*) FROM cases WHERE latitude IS NULL") == 1)
            }
        }
    }

    @Test("\"ยกเลิก\" deletes what the citizen was writing; a group chat is never a place for a complaint")
    func cancelAndGroups() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                try await line.send(client, [LineWebhookSender.text("k1", Self.pothole, user: Self.citizen)])
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 1)
                try await line.send(client, [LineWebhookSender.text("k2", "ยกเลิก", user: Self.citizen)])
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0)
                #expect(fake.replies.last?.text.contains("ยกเลิกแล้ว") == true)

                let before = fake.replies.count
                try await line.send(client, [
                    LineWebhookSender.text("g1", Self.pothole, user: Self.citizen, source: "group"),
                    LineWebhookSender.text("g2", "ยืนยัน", user: Self.citizen, source: "group"),
                ])
                #expect(fake.replies.count == before, "nothing is said in a group")
                try await line.send(client, [LineWebhookSender.event("g3", user: Self.citizen, type: "join", source: "group")])
                #expect(fake.replies.count == before + 1)
                #expect(fake.replies.last?.text.contains("แชทส่วนตัว") == true)
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0)
                #expect(try await Self.count(app, "SELECT count(*) FROM cases") == 0)
            }
        }
    }

    @Test("a reply LINE refuses does not fail the webhook, and the conversation goes on")
    func replyFailure() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                fake.answer.withLock { $0 = .internalServerError }
                try await line.send(client, [LineWebhookSender.text("x1", Self.pothole, user: Self.citizen)])
                try await line.send(client, [LineWebhookSender.text("x2", "ข้าม", user: Self.citizen)])
                try await line.send(client, [LineWebhookSender.text("x3", "ยืนยัน", user: Self.citizen)])
                #expect(fake.replies.count == 3, "each was tried")
                #expect(try await Self.count(app, "SELECT count(*) FROM cases WHERE channel = 'line'") == 1)
            }
        }
    }

    @Test("the LINE user id is erased with the contact details, on request or by retention; half-written drafts expire")
    func erasure() async throws {
        let fake = FakeLineAPI()
        try await fake.run { baseURL in
            let line = LineWebhookSender()
            let app = try await Self.app(line, fake: fake, baseURL: baseURL)
            try await app.run { client in
                let (asked, secret) = try await Self.fileByChat(client, line, fake: fake)
                let (kept, keptSecret) = try await Self.fileByChat(client, line, fake: fake, user: "U2", prefix: "k")
                for (code, secret) in [(asked, secret), (kept, keptSecret)] {
                    let withdrawn = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", headers: [Self.secretHeader: secret])
                    #expect(withdrawn.status == .ok)
                }
                let erased = try await client.send(.post, "/api/v1/cases/\(asked)/erase-contact", headers: [Self.secretHeader: secret])
                #expect(erased.string("result") == "erased", "\(erased.json)")
                #expect(try await Self.count(app, "SELECT count(*) FROM case_subscriptions WHERE address = '\(Self.citizen)'") == 0)
                try await line.send(client, [LineWebhookSender.text("e9", "สถานะ", user: Self.citizen)])
                #expect(fake.replies.last?.text.contains(asked) == false, "the case is no longer linked to the LINE user")

                // The other citizen's, by retention; and a draft left a day.
                try await line.send(client, [LineWebhookSender.text("d1", Self.pothole, user: "U3")])
                app.clock.advance(days: 731)
                let round = try await CaseUpkeep(
                    store: CaseStore(pool: app.database.pool), rules: app.runtime.rules, clock: { app.clock.now() },
                    lineConversations: LineConversationStore(pool: app.database.pool)
                ).runOnce()
                #expect(round.contactsErased == 1)
                #expect(round.lineDraftsDropped == 1)
                #expect(try await Self.count(app, "SELECT count(*) FROM case_subscriptions") == 0)
                #expect(try await Self.count(app, "SELECT count(*) FROM line_drafts") == 0)
                #expect(try await Self.count(app, "SELECT count(*) FROM outbox WHERE channel = 'line' AND recipient <> ''") == 0)
            }
        }
    }

    // MARK: The conversation's rules, without a database

    @Test(
        "commands are read in Thai and English, with quotes and full stops as people type them",
        arguments: [
            ("ยืนยัน", LineCommand.confirm, MessageLanguage.th), ("\"ยืนยัน\"", .confirm, .th), ("Confirm.", .confirm, .en),
            ("ยกเลิก", .cancel, .th), ("CANCEL", .cancel, .en), ("ข้าม", .skip, .th), ("skip", .skip, .en),
            ("สถานะ", .status, .th), ("status", .status, .en), ("help", .help, .en),
        ])
    func commands(text: String, command: LineCommand, language: MessageLanguage) {
        let parsed = LineCommand.parse(text)
        #expect(parsed?.0 == command && parsed?.1 == language)
    }

    @Test("a complaint that merely contains a command word is a complaint")
    func notCommands() {
        #expect(LineCommand.parse("ยืนยันว่าถนนพังจริง") == nil)
        #expect(LineCommand.language(of: "ไฟดับ street light") == .th)
        #expect(LineCommand.language(of: "ถนนหน้า 7-Eleven เป็นหลุมใหญ่") == .th)
        #expect(LineCommand.language(of: "The light is out at ซอย 5") == .en)
        #expect(LineCommand.language(of: "Pothole on Sukhumvit near ซอยลาซาล") == .en)
    }

    @Test("a confirmation files under one key: repeated while filing, it reuses the first key and is not yet handled")
    func confirmationKeys() {
        let draft = LineDraft(step: .confirmation, text: "ไฟดับ", language: .th)
        let first = LineChat.decide(.text("ยืนยัน"), draft: draft, filingKey: "k1", maximumTextLength: 5000)
        guard case .save(let filing) = first.change else {
            Issue.record("the confirmation saves the draft as filing")
            return
        }
        #expect(filing.step == .filing && filing.filingKey == "k1" && !first.handled)
        let again = LineChat.decide(.text("ยืนยัน"), draft: filing, filingKey: "k2", maximumTextLength: 5000)
        #expect(again.change == .keep && again.result == .file(filing) && !again.handled)
        let more = LineChat.decide(.text("อีกเรื่อง"), draft: filing, filingKey: "k3", maximumTextLength: 5000)
        #expect(more.change == .keep && more.result == .stillFiling(.th))
        let tooLong = LineChat.decide(.text(String(repeating: "ก", count: 11)), draft: nil, filingKey: "k4", maximumTextLength: 10)
        #expect(tooLong.change == .keep && tooLong.result == .tooLong(.th))
    }
}
