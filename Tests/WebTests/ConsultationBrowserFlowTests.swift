import Testing

/// A consultation in a real browser: `Tests/Browser/consultation_flow.py` drives headless Chromium from a
/// staff member opening it, through a resident verifying by one-time code and giving opinions, to the
/// themes the officer renames, answers and publishes, which the resident then reads, at 1280 and 320 px.
/// Skipped like `BrowserFlowTests` when the tools are missing.
@Suite("Consultation browser flow", .serialized)
struct ConsultationBrowserFlowTests {
    static let officerEmail = "consultation.officer@bangrak.go.th"
    static let officerPassword = "ทางเท้าบางรัก-2570-browser"

    @Test(
        "a resident gives opinions on a consultation and later sees the published themes and response, in headless Chromium",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: [1280, 320])
    func consultation(width: Int) async throws {
        try await OfficerBrowserFlow.run(
            script: "Tests/Browser/consultation_flow.py", officerEmail: Self.officerEmail, officerName: "สมหญิง รับฟังความเห็น (ทดสอบ)",
            officerPassword: Self.officerPassword, screenshots: "artifacts/browser/consultations", width: width, name: "consultation")
    }
}
