import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Web

@Suite("Statistics page filters")
struct StatisticsPageTests {
    @Test("a typed Buddhist-era year or Thai digits read as the Gregorian date; other text is left for validation", arguments: [
        ("2569-01-31", "2026-01-31"), ("๒๕๖๙-๑๒-๓๑", "2026-12-31"), (" 2026-05-01 ", "2026-05-01"), ("2026-05-01", "2026-05-01"),
        ("2569/01/31", "2569/01/31"), ("abc", "abc"), ("", ""),
    ])
    func typedDates(typed: String, gregorian: String) {
        #expect(TypedDate.gregorian(typed) == gregorian)
    }

    @Test("the page takes a Buddhist-era period, shows it in Thai dates and puts Gregorian dates in its date inputs")
    func buddhistEraPeriod() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let page = try await Browser(client).get("/stats?from=2569-01-01&to=%E0%B9%92%E0%B9%95%E0%B9%96%E0%B9%99-%E0%B9%91%E0%B9%92-%E0%B9%93%E0%B9%91")
            #expect(page.status == .ok)
            #expect(page.text(id: "stats-period")?.contains("1 ม.ค. 2569") == true, "\(page.text(id: "stats-period") ?? "")")
            #expect(page.text(id: "stats-period")?.contains("31 ธ.ค. 2569") == true)
            #expect(page.html.contains("type=\"date\" id=\"from\" name=\"from\" min=\"1900-01-01\" max=\"9999-12-31\" value=\"2026-01-01\""))
            // The JSON API stays Gregorian: there 2569 is the year 2569.
            let api = try await client.send(.get, "/api/v1/stats?from=2569-01-01&to=2026-12-31")
            #expect(api.status == .badRequest)
        }
    }
}
