import Statistics
import Testing

@Suite("Dates clients write")
struct BangkokCalendarTests {
    @Test("a real YYYY-MM-DD date in the accepted years is read as its day", arguments: [
        ("1970-01-01", 0), ("2026-11-21", 20_778), ("2024-02-29", 19_782), ("1900-01-01", -25_567),
    ] as [(String, Int32)])
    func accepted(text: String, day: Int32) {
        #expect(BangkokCalendar.parseDay(text) == day)
    }

    @Test("anything else is refused: other shapes, impossible days, years outside 1900–9999", arguments: [
        "300000-1-1", "0000-01-01", "0001-01-01", "1899-12-31", "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
        "2026-1-1", "2026-01-1", "26-01-01", "+2026-01-01", "2026-01-01 ", "๒๕๖๙-๐๑-๐๑", "2026/01/01", "", "abcd-ef-gh",
    ])
    func refused(text: String) {
        #expect(BangkokCalendar.parseDay(text) == nil)
    }
}
