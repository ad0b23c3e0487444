import Testing

/// A participatory-budgeting round in a real browser: `Tests/Browser/budget_round_flow.py` drives headless
/// Chromium from a staff member opening the round, through an idea, projects and four verified voters,
/// to the published results, at 1280 and 320 px. Skipped like `BrowserFlowTests` when the tools are missing.
@Suite("Budget browser flow", .serialized)
struct BudgetBrowserFlowTests {
    static let officerEmail = "budget.officer@bangrak.go.th"
    static let officerPassword = "งบชุมชนบางรัก-2570-browser"

    @Test(
        "a budget round from ideas to results, with codes read from the outbox, in headless Chromium",
        .enabled(
            if: BrowserTools.missing.isEmpty || BrowserTools.required,
            "needs chromium, chromedriver and Selenium for python3 (set SIANG_BROWSER_TESTS=required to insist)"),
        .timeLimit(.minutes(10)), arguments: [1280, 320])
    func budgetRound(width: Int) async throws {
        try await OfficerBrowserFlow.run(
            script: "Tests/Browser/budget_round_flow.py", officerEmail: Self.officerEmail, officerName: "สมหญิง งบชุมชน (ทดสอบ)",
            officerPassword: Self.officerPassword, screenshots: "artifacts/browser/budgets", width: width, name: "budget")
    }
}
