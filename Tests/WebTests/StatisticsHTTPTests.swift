import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Services
import Setup
import Statistics
import TestSupport
import Testing
import NIOCore
import Web

@Suite("Public statistics over HTTP")
struct StatisticsHTTPTests {
    @Test("statistics count what was filed and done, grouped and filtered, live and after a reload")
    func stats() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let token = try await app.token(agency: "bma-district-1047")
            let first = try await client.file(bangNaPothole)
            _ = try await client.file(bangNaPothole)
            _ = try await client.file(["text": "เสียงเพลงดังจากบ้านข้างๆ ทุกคืนจนตีสอง", "category": "noise", "area": ["province": "10", "district": "1047"]])
            _ = try await client.act(first.code, token: token, ["action": "accept"])
            _ = try await client.act(first.code, token: token, ["action": "resolve", "result": "ซ่อมแล้ว"])
            _ = try await client.send(
                .post, "/api/v1/cases/\(first.code)/feedback", json: ["stars": 4],
                headers: [HTTPField.Name("X-Tracking-Secret")!: first.secret])
            app.runtime.statistics.live.apply()

            let byCategory = try await client.send(.get, "/api/v1/stats?group_by=category")
            #expect(byCategory.status == .ok)
            let groups = byCategory.array("groups")
            let road = try #require(groups.first { ($0["key"] as? [String: Any]).flatMap { $0["category"] as? [String: Any] }?["code"] as? String == "road" })
            #expect(road["filed"] as? Int == 2)
            #expect(road["resolved"] as? Int == 1)
            #expect(road["open"] as? Int == 1)
            #expect((road["satisfaction"] as? [String: Any])?["count"] as? Int == 1)
            #expect((road["satisfaction"] as? [String: Any])?["stars"] as? [Int] == [0, 0, 0, 1, 0])
            #expect(groups.count == 2)

            let filtered = try await client.send(.get, "/api/v1/stats?category=noise&area=1047")
            #expect(filtered.array("groups").first?["filed"] as? Int == 1)
            let byMonth = try await client.send(.get, "/api/v1/stats?group_by=month,status")
            #expect(byMonth.array("groups").allSatisfy { ($0["key"] as? [String: Any])?["month"] is String })

            // A reload from the database gives the same figures as the live updates.
            try await app.runtime.statistics.reload()
            let reloaded = try await client.send(.get, "/api/v1/stats?group_by=category")
            #expect(reloaded.array("groups").map { $0["filed"] as? Int } == groups.map { $0["filed"] as? Int })

            for bad in ["group_by=colour", "group_by=category,month,day", "from=2026-13-01", "area=abc", "kind=praise", "from=2026-02-01&to=2026-01-01"] {
                let reply = try await client.send(.get, "/api/v1/stats?\(bad)")
                #expect(reply.status == .badRequest, "\(bad)")
                #expect(reply.errorCode?.hasPrefix("invalid_") == true)
            }
        }
    }

    @Test("a server answers while it loads its statistics: /readyz, the API and the page say 503 until the load is done")
    func loading() async throws {
        // One connection holds the cases, and the background services' waiting for it take more.
        let app = try await TestApp.make(loadStatistics: false, poolSize: 8)
        // The load in the background (`StatisticsUpkeep`) waits while another transaction holds the cases.
        try await app.database.pool.withLease { lease in
            try await lease.run { try $0.execute("BEGIN; LOCK TABLE cases IN ACCESS EXCLUSIVE MODE") }
            try await app.run { client in
                let ready = try await client.send(.get, "/readyz")
                #expect(ready.status == .serviceUnavailable)
                #expect(ready.json["status"] as? String == "loading statistics")
                let stats = try await client.send(.get, "/api/v1/stats", headers: [.acceptLanguage: "en"])
                #expect(stats.status == .serviceUnavailable)
                #expect(stats.errorCode == "statistics_loading")
                #expect(stats.string("error.message")?.contains("being loaded") == true)
                #expect(stats.headers[.retryAfter] == "5")
                let page = try await client.executeRequest(uri: "/stats", method: .get, headers: [.acceptLanguage: "th"], body: nil)
                #expect(page.status == .serviceUnavailable)
                #expect(String(buffer: page.body).contains("กำลังเตรียมข้อมูลสถิติ"))

                try await lease.run { try $0.execute("ROLLBACK") }
                var answer = try await client.send(.get, "/readyz")
                for _ in 0..<600 where answer.status != .ok {
                    try await Task.sleep(for: .milliseconds(100))
                    answer = try await client.send(.get, "/readyz")
                }
                #expect(answer.status == .ok)
                _ = try await client.file(bangNaPothole)
                app.runtime.statistics.live.apply()
                let loaded = try await client.send(.get, "/api/v1/stats")
                #expect(loaded.status == .ok)
                #expect(loaded.array("groups").first?["filed"] as? Int == 1)
            }
        }
    }

    @Test("the league table ranks agencies with enough cases and lists the others unranked")
    func league() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            for _ in 0..<3 { _ = try await client.file(bangNaPothole) }
            app.runtime.statistics.live.apply()
            let table = try await client.send(.get, "/api/v1/stats/agencies?min_cases=2")
            #expect(table.array("ranked").map { ($0["key"] as? [String: Any]).flatMap { $0["agency"] as? [String: Any] }?["code"] as? String } == ["bma-district-1047"])
            #expect(table.array("ranked").first?["rank"] as? Int == 1)
            #expect(table.int("minimum_cases") == 2)
            let strict = try await client.send(.get, "/api/v1/stats/agencies")
            #expect(strict.array("ranked").isEmpty)
            #expect(strict.array("unranked").count == 1)
            let trends = try await client.send(.get, "/api/v1/stats/trends")
            #expect(trends.array("windows").map { $0["days"] as? Int } == [7, 30])
        }
    }

    /// A valid 13-digit Thai national ID (the check digit computed).
    static func nationalID(_ seed: Int) -> String {
        var digits = (0..<12).map { ($0 * 7 + seed * 3 + 1) % 10 }
        digits[0] = 1 + seed % 8
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * (13 - $1.offset) }
        digits.append((11 - sum % 11) % 10)
        return digits.map(String.init).joined()
    }

    @Test("open data has public cases only, public fields only, with personal data removed and formulas defused")
    func openData() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var secrets: [String] = []
            for seed in 0..<12 {
                let phone = "08\(seed % 10)-\(100 + seed)-\(4000 + seed)"
                let id = Self.nationalID(seed)
                let email = "person\(seed)@example.com"
                var body = bangNaPothole
                body["text"] = "=HYPERLINK(\"x\") ถนนพังหน้าบ้าน โทร \(phone) เลขบัตร \(id) อีเมล \(email) ไลน์ line\(seed)x"
                body["contact"] = ["name": "ชื่อจริง\(seed)", "phone": phone, "email": email]
                body["consent"] = ["version": "2026-01", "accepted": true] as JSONObject
                secrets += [phone, id, email, "ชื่อจริง\(seed)", "line\(seed)x"]
                _ = try await client.file(body)
            }
            let hidden = try await client.file(["text": "เรื่องส่วนตัว ห้ามเผยแพร่ ถนนพัง", "public": false, "area": ["province": "10", "district": "1047"]])

            let csvResponse = try await client.executeRequest(uri: "/api/v1/open-data/cases.csv", method: .get, headers: [:], body: nil)
            #expect(csvResponse.status == .ok)
            let csv = String(decoding: csvResponse.body.readableBytesView, as: UTF8.self)
            let lines = csv.split(separator: "\n")
            #expect(lines.count == 13)  // header and the twelve public cases
            #expect(lines[0].hasPrefix("\u{FEFF}code,kind,category"))
            for secret in secrets { #expect(!csv.contains(secret), "\(secret) leaked") }
            #expect(!csv.contains(hidden.code))
            #expect(csv.contains("[เบอร์โทร]"))
            // A cell a spreadsheet would run as a formula starts with an apostrophe instead.
            #expect(csv.contains("\"'=HYPERLINK"))
            #expect(!csv.contains(",=HYPERLINK"))

            let jsonResponse = try await client.executeRequest(uri: "/api/v1/open-data/cases.json", method: .get, headers: [:], body: nil)
            let jsonText = String(decoding: jsonResponse.body.readableBytesView, as: UTF8.self)
            let objects = try jsonText.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(objects.count == 12)
            #expect(objects.allSatisfy { $0["contact"] == nil && $0["phone"] == nil })
            // Values keep their kinds: times in Bangkok to the second, numbers, booleans, null.
            let first = try #require(objects.first)
            #expect((first["filed_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00/) != nil)
            #expect(first["overdue"] as? Bool == false)
            #expect(first["reopen_count"] as? Int == 0)
            #expect(first["rating"] is NSNull)
            #expect(first["acknowledged_at"] is NSNull)
            #expect((first["text"] as? String)?.hasPrefix("=HYPERLINK(\"x\")") == true)
            // The CSV has the same text, quoted, its quotes doubled.
            #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")"))
            #expect(csv.contains("," + (first["filed_at"] as? String ?? "?") + ","))
            for secret in secrets { #expect(!jsonText.contains(secret), "\(secret) leaked") }

            let none = try await client.executeRequest(uri: "/api/v1/open-data/cases.csv?from=2000-01-01&to=2000-01-02", method: .get, headers: [:], body: nil)
            #expect(String(decoding: none.body.readableBytesView, as: UTF8.self).split(separator: "\n").count == 1)
            let bad = try await client.send(.get, "/api/v1/open-data/cases.csv?from=yesterday")
            #expect(bad.status == .badRequest)

            let catalog = try await client.send(.get, "/api/v1/open-data/catalog.json")
            #expect(catalog.string("@type") == "dcat:Catalog")
            let datasets = catalog.array("dcat:dataset")
            #expect(datasets.map { $0["dct:identifier"] as? String } == [
                "siang-cases", "siang-statistics", "siang-proposals", "siang-budget-results", "siang-consultation-opinions",
                "siang-consultation-themes", "siang-areas",
            ])
            let fields = (datasets.first?["csvw:tableSchema"] as? [[String: Any]])?.compactMap { $0["csvw:name"] as? String }
            #expect(fields?.first == "code")
            #expect(fields?.contains("text") == true)
            #expect(fields?.contains("phone") == false)
            // The catalogue describes exactly the columns the CSV has, in its order.
            let header = lines[0].dropFirst().split(separator: ",").map(String.init)
            #expect(fields == header)
        }
    }
}
