import Foundation
import Testing

@testable import Pages

@Suite("Dates, numbers and durations as pages show them")
struct DisplayFormatTests {
    let thai = DisplayFormat(language: .thai)
    let english = DisplayFormat(language: .english)

    func instant(_ iso: String) throws -> Date {
        try Date(iso, strategy: .iso8601)
    }

    @Test("a date is written with the abbreviated Thai month and the Buddhist-era year, or in English")
    func dateInBothLanguages() throws {
        let date = try instant("2026-11-21T07:05:00Z")
        #expect(thai.date(date) == "21 พ.ย. 2569")
        #expect(english.date(date) == "21 Nov 2026")
    }

    @Test("a date is the day in Bangkok, not in UTC, across a month boundary")
    func dateAcrossMonthBoundary() throws {
        let after = try instant("2026-10-31T17:30:00Z")
        #expect(thai.date(after) == "1 พ.ย. 2569")
        #expect(english.date(after) == "1 Nov 2026")
        let before = try instant("2026-10-31T16:59:00Z")
        #expect(thai.date(before) == "31 ต.ค. 2569")
        #expect(english.dateTime(before) == "31 Oct 2026, 23:59")
    }

    @Test("the Buddhist-era year turns over at midnight in Bangkok")
    func yearBoundary() throws {
        let date = try instant("2026-12-31T17:00:00Z")
        #expect(thai.date(date) == "1 ม.ค. 2570")
        #expect(english.dateTime(date) == "1 Jan 2027, 00:00")
    }

    @Test("a date and time shows Bangkok hours and minutes, seconds dropped, with น. in Thai")
    func dateTime() throws {
        let date = try instant("2026-11-21T07:05:59Z")
        #expect(thai.dateTime(date) == "21 พ.ย. 2569 14:05 น.")
        #expect(english.dateTime(date) == "21 Nov 2026, 14:05")
    }

    static let thaiMonthLabels = [
        "ม.ค. 69", "ก.พ. 69", "มี.ค. 69", "เม.ย. 69", "พ.ค. 69", "มิ.ย. 69",
        "ก.ค. 69", "ส.ค. 69", "ก.ย. 69", "ต.ค. 69", "พ.ย. 69", "ธ.ค. 69",
    ]

    @Test(
        "every month has its Thai chart label with a two-digit Buddhist-era year",
        arguments: zip(1...12, DisplayFormatTests.thaiMonthLabels)
    )
    func thaiMonthLabel(month: Int, label: String) {
        #expect(thai.month(year: 2026, month: month) == label)
    }

    @Test("an English month label has the short month name and the full year")
    func englishMonthLabels() {
        #expect(english.month(year: 2026, month: 1) == "Jan 2026")
        #expect(english.month(year: 2026, month: 11) == "Nov 2026")
    }

    @Test("a two-digit Buddhist-era year keeps its leading zero")
    func twoDigitYear() {
        // 2057 + 543 = 2600.
        #expect(thai.month(year: 2057, month: 3) == "มี.ค. 00")
        #expect(thai.month(year: 2066, month: 3) == "มี.ค. 09")
    }

    @Test("a statistics month key becomes a chart label")
    func monthKey() {
        #expect(thai.month(key: "2026-11") == "พ.ย. 69")
        #expect(english.month(key: "2026-01") == "Jan 2026")
    }

    @Test(
        "a month key that does not parse is shown unchanged",
        arguments: ["2026-13", "2026-00", "2026-1", "26-11", "2026-11-21", "unknown", "", "2026-1a", "-2026-11"]
    )
    func unparseableMonthKey(key: String) {
        #expect(thai.month(key: key) == key)
        #expect(english.month(key: key) == key)
    }

    @Test(
        "whole numbers have a comma between every three digits",
        arguments: [
            (0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567"),
            (-1_234_567, "-1,234,567"), (Int.min, "-9,223,372,036,854,775,808"),
        ]
    )
    func wholeNumber(value: Int, text: String) {
        #expect(thai.number(value) == text)
        #expect(english.number(value) == text)
    }

    @Test(
        "decimal numbers have separators and a fixed number of decimals, rounded half away from zero",
        arguments: [
            (1234.56, 1, "1,234.6"), (1_234_567.891, 2, "1,234,567.89"), (2.5, 0, "3"), (0.05, 2, "0.05"),
            (3, 1, "3.0"), (-1234.5, 1, "-1,234.5"), (-0.04, 1, "0.0"), (7, -2, "7"),
            (1e20, 0, "100,000,000,000,000,000,000"),
        ] as [(Double, Int, String)]
    )
    func decimalNumber(value: Double, digits: Int, text: String) {
        #expect(english.number(value, fractionDigits: digits) == text)
    }

    @Test("a number that is not finite is shown as missing")
    func notFinite() {
        #expect(english.number(Double.nan, fractionDigits: 1) == "–")
        #expect(english.number(-Double.infinity, fractionDigits: 1) == "–")
    }

    @Test(
        "a share is a percentage with one decimal",
        arguments: [(0.875, "87.5%"), (1.0, "100.0%"), (0.0, "0.0%"), (1.0 / 3.0, "33.3%")]
    )
    func percent(share: Double, text: String) {
        #expect(thai.percent(share) == text)
        #expect(english.percent(share) == text)
    }

    @Test("a missing share is a dash")
    func missingShare() {
        #expect(thai.percent(nil) == "–")
        #expect(english.percent(.nan) == "–")
    }

    @Test("a duration of days has one decimal and the unit of the language")
    func durationInDays() {
        #expect(thai.days(3.5 * 86_400) == "3.5 วัน")
        #expect(english.days(3.5 * 86_400) == "3.5 days")
        #expect(english.days(1234.5 * 86_400) == "1,234.5 days")
    }

    @Test("a duration under a day is in whole hours")
    func durationInHours() {
        #expect(thai.days(5 * 3600) == "5 ชม.")
        #expect(english.days(5 * 3600 + 600) == "5 h")
        #expect(english.days(0) == "0 h")
        #expect(english.days(-3600) == "0 h")
    }

    @Test("a duration of a few minutes does not read as zero hours")
    func durationInMinutes() {
        #expect(thai.days(600) == "< 1 ชม.")
        #expect(english.days(600) == "< 1 h")
    }

    @Test("a duration that rounds to twenty-four hours is shown in days")
    func durationRoundingToADay() {
        #expect(english.days(23.75 * 3600) == "1.0 days")
        #expect(thai.days(86_400) == "1.0 วัน")
    }

    @Test("a missing duration is a dash")
    func missingDuration() {
        #expect(thai.days(nil) == "–")
        #expect(english.days(nil) == "–")
    }
}
