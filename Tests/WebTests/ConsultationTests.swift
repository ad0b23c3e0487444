import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Setup
import Statistics
import TestSupport
import Testing

@Suite("Consultations")
struct ConsultationTests {
    static let day: TimeInterval = 86_400

    func staff(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// Opens Bang Na's footpath consultation (a draft of three sections) from yesterday for 10 days; its id.
    func open(
        _ client: some TestClientProtocol, app: TestApp, token: String, anonymous: Bool = true, startsInDays: Double = -1
    ) async throws -> Int {
        let now = app.clock.now()
        let reply = try await client.send(
            .post, "/api/v1/agency/consultations",
            json: [
                "title": "แผนปรับปรุงทางเท้าเขตบางนา", "question": "ท่านเห็นอย่างไรกับร่างแผนปรับปรุงทางเท้า",
                "sections": ["ขยายทางเท้าถนนสายหลัก", "ปลูกต้นไม้ให้ร่มเงา", "ติดไฟส่องสว่าง"], "area": "1047",
                "opens_at": BangkokTime.format(now + startsInDays * Self.day),
                "closes_at": BangkokTime.format(now + (startsInDays + 10) * Self.day), "allows_anonymous": anonymous,
            ], headers: staff(token))
        #expect(reply.status == .created, "\(reply.json)")
        return try #require(reply.int("id"))
    }

    func opinion(
        _ client: some TestClientProtocol, _ id: Int, _ text: String, stance: String = "agree", section: Int? = nil,
        token: String? = nil
    ) async throws -> JSONReply {
        var body: JSONObject = ["text": text, "stance": stance]
        if let section { body["section"] = section }
        if let token { body["token"] = token }
        return try await client.send(.post, "/api/v1/consultations/\(id)/opinions", json: body)
    }

    func opinionCount(_ app: TestApp) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM consultation_opinions").first!.int(0) }
    }

    @Test("an opinion before opening or after closing is refused with a clear 409 and stores nothing")
    func refusedOutsideDates() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let upcoming = try await open(client, app: app, token: token, startsInDays: 2)
            let early = try await opinion(client, upcoming, "ขอทางเท้ากว้างกว่านี้")
            #expect(early.status == .conflict && early.errorCode == "consultation_not_yet_open", "\(early.json)")

            let id = try await open(client, app: app, token: token)
            #expect(try await opinion(client, id, "ขอทางเท้ากว้างกว่านี้").status == .created)
            app.clock.advance(days: 10)
            let late = try await opinion(client, id, "ทางเท้าแคบมาก")
            #expect(late.status == .conflict && late.errorCode == "consultation_closed", "\(late.json)")
            #expect(late.string("error.message_en")?.contains("closed") == true)
            #expect(try await opinionCount(app) == 1, "only the opinion given while open is stored")
        }
    }

    @Test("without anonymity an opinion needs a verified participant; the address is never stored")
    func verification() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let id = try await open(client, app: app, token: token, anonymous: false)
            let anonymous = try await opinion(client, id, "ขอไฟส่องสว่างเพิ่ม")
            #expect(anonymous.status == .unauthorized && anonymous.errorCode == "participant_not_verified", "\(anonymous.json)")

            let sent = try await client.send(
                .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": "somsri@example.com", "purpose": "consultation"])
            let code = try await OneTimeCodeTests().sentCode(app, to: "somsri@example.com")
            let verified = try await client.send(
                .post, "/api/v1/consultations/participants", json: ["code_id": try #require(sent.int("id")), "code": code])
            #expect(verified.status == .created, "\(verified.json)")
            let participant = try #require(verified.string("token"))
            let given = try await opinion(client, id, "ขอไฟส่องสว่างเพิ่มในซอย", section: 3, token: participant)
            #expect(given.status == .created, "\(given.json)")
            #expect(given.bool("opinion.verified") == true && given.int("opinion.section") == 3)
            let again = try await opinion(client, id, "และขอกล้องวงจรปิดด้วย", token: participant)
            #expect(again.status == .created)

            let badSection = try await opinion(client, id, "หมวดที่ไม่มี", section: 9, token: participant)
            #expect(badSection.status == .unprocessableContent && badSection.errorCode == "invalid_section")
            let forged = try await opinion(client, id, "ปลอม", token: "not-a-token")
            #expect(forged.status == .unauthorized)

            let shown = try await client.send(.get, "/api/v1/consultations/\(id)")
            #expect(shown.int("consultation.participation.opinions") == 2)
            #expect(shown.int("consultation.participation.participants") == 1, "two opinions of one verified person")
            let stored = try await app.database.pool.withConnection {
                try $0.query(
                    """
                    SELECT count(*) FROM consultation_opinions
                    WHERE octet_length(participant) <> 32 OR position(convert_to('somsri', 'UTF8') IN participant) > 0
                    """
                ).first!.int(0)
            }
            #expect(stored == 0)
        }
    }

    /// Three themes residents of a district might raise, five opinions each, worded differently.
    static let knownSet: [(theme: String, text: String)] = [
        ("light", "ซอยมืดมากตอนกลางคืน ขอไฟส่องสว่างเพิ่ม"),
        ("light", "ไฟส่องสว่างเสียหลายดวง กลางคืนเดินกลับบ้านมืดน่ากลัว"),
        ("light", "อยากได้ไฟส่องสว่างที่สว่างกว่านี้ กลางคืนมืดมองไม่เห็นทาง"),
        ("light", "ทางเท้ามืดตอนกลางคืน ผู้หญิงเดินคนเดียวไม่กล้า ขอไฟเพิ่ม"),
        ("light", "กลางคืนมืดสนิท ไฟส่องสว่างดับมาเป็นเดือน"),
        ("trees", "ขอปลูกต้นไม้ให้ร่มเงาตลอดทางเดิน แดดร้อนมาก"),
        ("trees", "อย่าตัดต้นไม้ใหญ่ ต้นไม้ให้ร่มเงาคนเดิน"),
        ("trees", "ปลูกต้นไม้เพิ่มเถอะ ร่มเงาช่วยให้เดินสบาย"),
        ("trees", "ต้นไม้ริมทางช่วยลดความร้อน อยากได้ร่มเงาเยอะๆ"),
        ("trees", "แดดร้อนจัดไม่มีร่มเงา ขอปลูกต้นไม้ยืนต้น"),
        ("bikes", "มอเตอร์ไซค์ขี่บนทางเท้าอันตรายมาก ขอเสากั้นมอเตอร์ไซค์"),
        ("bikes", "ควรจับและปรับมอเตอร์ไซค์ที่ขี่บนทางเท้าทุกคัน"),
        ("bikes", "มอเตอร์ไซค์ขี่เร็วบนทางเท้า เกือบชนเด็ก ขอให้จับปรับ"),
        ("bikes", "วินมอเตอร์ไซค์จอดและขี่บนทางเท้าเป็นประจำ อันตราย"),
        ("bikes", "ติดเสากั้นไม่ให้มอเตอร์ไซค์ขี่ขึ้นทางเท้า"),
    ]

    @Test("after closing, a small known set is grouped into its three themes, with words, quotes and stances")
    func groupsKnownSet() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let id = try await open(client, app: app, token: token)
            var labelOf: [Int: String] = [:]
            for (theme, text) in Self.knownSet {
                let given = try await opinion(client, id, text, stance: theme == "trees" ? "agree" : "neutral")
                labelOf[try #require(given.int("opinion.id"))] = theme
            }
            let live = try await client.send(.get, "/api/v1/agency/consultations/\(id)/themes", headers: staff(token))
            #expect(live.bool("live") == true && live.array("themes").count == 3, "\(live.json)")
            let hidden = try await client.send(.get, "/api/v1/consultations/\(id)")
            #expect(hidden.array("themes").isEmpty, "the public sees no themes while it runs")

            app.clock.advance(days: 10)
            let shown = try await client.send(.get, "/api/v1/consultations/\(id)")
            let themes = shown.array("themes")
            #expect(themes.count == 3, "\(themes)")
            for theme in themes {
                #expect(theme["size"] as? Int == 5)
                #expect((theme["quotes"] as? [String])?.count == 3)
                #expect(!((theme["words"] as? [String]) ?? []).isEmpty)
            }
            let opinions = try await client.send(.get, "/api/v1/agency/consultations/\(id)/opinions", headers: staff(token))
            var themeOf: [String: Set<Int>] = [:]
            for opinion in opinions.array("opinions") {
                themeOf[labelOf[opinion["id"] as! Int]!, default: []].insert(try #require(opinion["theme_id"] as? Int))
            }
            #expect(themeOf.values.allSatisfy { $0.count == 1 }, "each known theme's opinions share one theme: \(themeOf)")
            #expect(Set(themeOf.values.map { $0.first! }).count == 3, "three different themes")
            let trees = try #require(themes.first { ($0["quotes"] as? [String])?.allSatisfy { $0.contains("ต้นไม้") } == true })
            #expect((trees["stances"] as? [String: Any])?["agree_share"] as? Double == 1.0)

            // Grouping again (another reading) changes nothing: the themes are stored once.
            let again = try await client.send(.get, "/api/v1/consultations/\(id)")
            #expect(again.array("themes").map { $0["id"] as? Int } == themes.map { $0["id"] as? Int })
        }
    }

    @Test("grouping is deterministic: the same opinions in any order give the same themes, words and quotes")
    func deterministic() async throws {
        let app = try await TestApp.make()
        let items = Self.knownSet.enumerated().map { index, entry in
            ThemeGrouping.Item(
                id: Int64(index + 1), words: app.runtime.analyzer.contentWords(entry.text), stance: .neutral,
                publicText: entry.text)
        }
        await app.database.pool.shutdown()
        let themes = ThemeGrouping().group(items)
        #expect(themes.count == 3)
        #expect(ThemeGrouping().group(items.reversed()) == themes)
        #expect(ThemeGrouping().group(items.shuffled()) == themes)
    }

    @Test("opinions that share one word about different things fall in different themes, and the extra starting groups empty")
    func sharedWordDoesNotJoinThemes() {
        // Street lights and overhead cables share "ไฟ"; four themes of eight opinions, each with three of
        // its theme's five words, start from eight groups.
        let themes: [(name: String, words: [String])] = [
            ("lights", ["มืด", "สว่าง", "ส่อง", "ดวง", "กลางคืน"]),
            ("cables", ["สาย", "ห้อย", "ระโยง", "เสา", "สื่อสาร"]),
            ("trees", ["ต้นไม้", "ร่ม", "ปลูก", "ราก", "กิ่ง"]),
            ("bicycles", ["จักรยาน", "ปั่น", "เลน", "จอด", "หมวก"]),
        ]
        var items: [ThemeGrouping.Item] = []
        var themeOf: [Int64: String] = [:]
        for (number, theme) in themes.enumerated() {
            for index in 0..<8 {
                var words = (0..<3).map { theme.words[(index + $0 * (1 + index % 2)) % 5] }
                if number < 2, index % 2 == 0 { words.append("ไฟ") }
                let id = Int64(items.count + 1)
                themeOf[id] = theme.name
                items.append(.init(id: id, words: words, stance: .neutral, publicText: words.joined(separator: " ")))
            }
        }
        let grouped = ThemeGrouping().group(items)
        #expect(grouped.count == 4, "\(grouped.map(\.words))")
        for theme in grouped {
            #expect(Set(theme.memberIDs.map { themeOf[$0]! }).count == 1, "a theme mixes \(theme.memberIDs.map { themeOf[$0]! })")
        }
    }

    @Test("staff rename, merge, split and respond; the public sees the responses only once published")
    func editAndRespond() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let id = try await open(client, app: app, token: token)
            for (_, text) in Self.knownSet { _ = try await opinion(client, id, text) }
            let early = try await client.send(.post, "/api/v1/agency/consultations/\(id)/themes/1/rename", json: ["label": "x"], headers: staff(token))
            #expect(early.status == .conflict && early.errorCode == "consultation_still_open")
            app.clock.advance(days: 10)
            let themes = try await client.send(.get, "/api/v1/agency/consultations/\(id)/themes", headers: staff(token)).array("themes")
            let ids = themes.compactMap { $0["id"] as? Int }
            #expect(ids.count == 3)

            let renamed = try await client.send(
                .post, "/api/v1/agency/consultations/\(id)/themes/\(ids[0])/rename", json: ["label": "ความปลอดภัยของคนเดินเท้า"],
                headers: staff(token))
            #expect(renamed.array("themes").contains { $0["label"] as? String == "ความปลอดภัยของคนเดินเท้า" })

            let merged = try await client.send(
                .post, "/api/v1/agency/consultations/\(id)/themes/\(ids[0])/merge", json: ["from": [ids[1]]], headers: staff(token))
            #expect(merged.status == .ok, "\(merged.json)")
            #expect(merged.array("themes").count == 2)
            #expect(merged.array("themes").first { $0["id"] as? Int == ids[0] }?["size"] as? Int == 10)

            let split = try await client.send(.post, "/api/v1/agency/consultations/\(id)/themes/\(ids[0])/split", headers: staff(token))
            #expect(split.status == .created, "\(split.json)")
            let afterSplit = split.array("themes")
            #expect(afterSplit.count == 3)
            #expect(afterSplit.map { $0["size"] as? Int ?? 0 }.reduce(0, +) == 15, "no opinion is lost")

            let unknown = try await client.send(
                .post, "/api/v1/agency/consultations/\(id)/themes/999999/response", json: ["text": "x"], headers: staff(token))
            #expect(unknown.status == .notFound && unknown.errorCode == "theme_not_found")
            let nothing = try await client.send(.post, "/api/v1/agency/consultations/\(id)/publish", headers: staff(token))
            #expect(nothing.status == .conflict && nothing.errorCode == "no_responses")

            let responded = try await client.send(
                .post, "/api/v1/agency/consultations/\(id)/themes/\(ids[2])/response",
                json: ["text": "ท่านบอกว่าอยากได้ร่มเงา เราจะปลูกต้นไม้ 200 ต้นภายในปีนี้"], headers: staff(token))
            #expect(responded.status == .ok)
            let before = try await client.send(.get, "/api/v1/consultations/\(id)")
            #expect(before.array("themes").allSatisfy { $0["response"] == nil || $0["response"] is NSNull })

            let other = try await app.token(agency: "bma-district-1004")
            let refused = try await client.send(.post, "/api/v1/agency/consultations/\(id)/publish", headers: staff(other))
            #expect(refused.status == .notFound, "another agency's officer cannot publish")
            let published = try await client.send(.post, "/api/v1/agency/consultations/\(id)/publish", headers: staff(token))
            #expect(published.status == .ok && published.string("responses_published_at") != nil, "\(published.json)")
            let after = try await client.send(.get, "/api/v1/consultations/\(id)")
            #expect(after.bool("responses_published") == true)
            #expect(after.array("themes").contains { ($0["response"] as? String)?.contains("200 ต้น") == true })

            let stats = try await client.send(.get, "/api/v1/stats/consultations")
            #expect(stats.int("total_opinions") == 15)
            // Closed a day before the responses were published.
            #expect(stats.array("consultations").first?["response_days"] as? Double == 1)
        }
    }

    @Test("phone numbers and e-mail addresses in opinions are redacted in quotes and open data")
    func redaction() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let id = try await open(client, app: app, token: token)
            for (_, text) in Self.knownSet.prefix(5) {
                _ = try await opinion(client, id, text + " ติดต่อ 081-234-5678 หรือ somchai@example.com")
            }
            app.clock.advance(days: 10)
            let shown = try await client.send(.get, "/api/v1/consultations/\(id)")
            let quotes = shown.array("themes").flatMap { $0["quotes"] as? [String] ?? [] }
            #expect(!quotes.isEmpty)
            #expect(quotes.allSatisfy { !$0.contains("081-234-5678") && !$0.contains("somchai@") })
            for path in ["/api/v1/open-data/consultation-opinions.csv", "/api/v1/open-data/consultation-themes.csv"] {
                let response = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!text.contains("081-234-5678") && !text.contains("somchai@"), "\(path)")
            }
            let opinions = try await client.executeRequest(uri: "/api/v1/open-data/consultation-opinions.csv", method: .get, headers: [:], body: nil)
            #expect(String(buffer: opinions.body).split(separator: "\r\n").count == 6, "a header and five opinions")
            let catalog = try await client.send(.get, "/api/v1/open-data/catalog.json")
            let identifiers = (catalog["dcat:dataset"] as? [[String: Any]] ?? []).compactMap { $0["dct:identifier"] as? String }
            #expect(identifiers.contains("siang-consultation-opinions") && identifiers.contains("siang-consultation-themes"))
        }
    }

    @Test("the public page shows the question, the form while open, and the themes with the published responses after")
    func publicPage() async throws {
        let app = try await TestApp.make()
        let token = try await app.token(agency: "bma-district-1047")
        try await app.run { client in
            let id = try await open(client, app: app, token: token)
            func page(_ language: String = "th") async throws -> String {
                String(buffer: try await client.executeRequest(
                    uri: "/consultations/\(id)", method: .get, headers: [.acceptLanguage: language], body: nil).body)
            }
            let open = try await page()
            #expect(open.contains("แผนปรับปรุงทางเท้าเขตบางนา") && open.contains("id=\"opinion-text\""))
            #expect(open.contains("ปลูกต้นไม้ให้ร่มเงา"), "the draft's sections are shown")
            for (_, text) in Self.knownSet { _ = try await opinion(client, id, text) }
            app.clock.advance(days: 10)
            let themes = try await client.send(.get, "/api/v1/agency/consultations/\(id)/themes", headers: staff(token)).array("themes")
            let first = try #require(themes.first?["id"] as? Int)
            _ = try await client.send(
                .post, "/api/v1/agency/consultations/\(id)/themes/\(first)/response", json: ["text": "เราจะทำตามที่ท่านเสนอภายในมีนาคม"],
                headers: staff(token))
            #expect(!(try await page()).contains("เราจะทำตามที่ท่านเสนอ"), "not before publishing")
            _ = try await client.send(.post, "/api/v1/agency/consultations/\(id)/publish", headers: staff(token))
            let closed = try await page()
            #expect(closed.contains("เราจะทำตามที่ท่านเสนอภายในมีนาคม"))
            #expect(!closed.contains("id=\"opinion-text\""), "no form once closed")
            #expect(try await page("en").contains("What people said"))
            let list = String(buffer: try await client.executeRequest(uri: "/consultations", method: .get, headers: [:], body: nil).body)
            #expect(list.contains("/consultations/\(id)"))
            let stats = String(buffer: try await client.executeRequest(uri: "/stats", method: .get, headers: [:], body: nil).body)
            #expect(stats.contains("id=\"table-consultations\"") && stats.contains("แผนปรับปรุงทางเท้าเขตบางนา"))
        }
    }
}
