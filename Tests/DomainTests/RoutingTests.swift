import Domain
import Foundation
import Testing

@Suite("Routing")
struct RoutingTests {
    let table = RoutingTable(
        rules: [
            RoutingRule(categoryCode: "road", areaCode: "10", agency: "bma-district-{district}"),
            RoutingRule(categoryCode: "electricity", areaCode: "10", agency: "mea"),
            RoutingRule(categoryCode: "electricity", areaCode: nil, agency: "pea"),
            RoutingRule(categoryCode: "traffic", areaCode: nil, agency: "rtp"),
            RoutingRule(categoryCode: "road", areaCode: "104701", agency: "special-desk"),
            RoutingRule(categoryCode: nil, areaCode: "10", agency: "triage"),
            RoutingRule(categoryCode: nil, areaCode: nil, agency: "damrongdhama-{province}"),
        ],
        agencies: ["bma-district-1047", "bma-district-1001", "mea", "pea", "rtp", "special-desk", "triage", "damrongdhama-50"])

    @Test(
        "the most specific rule wins: category first, then area",
        arguments: [
            ("road", CaseArea(provinceCode: "10", districtCode: "1047"), .agency("bma-district-1047")),
            ("road", CaseArea(provinceCode: "10", districtCode: "1047", subdistrictCode: "104701"), .agency("special-desk")),
            ("electricity", CaseArea(provinceCode: "10"), .agency("mea")),
            ("electricity", CaseArea(provinceCode: "50"), .agency("pea")),
            ("traffic", CaseArea(provinceCode: "10", districtCode: "1047"), .agency("rtp")),
            ("noise", CaseArea(provinceCode: "50"), .agency("damrongdhama-50")),
            ("noise", CaseArea(provinceCode: "10", districtCode: "1047"), .triageDesk),
        ] as [(String, CaseArea, RoutingOutcome)])
    func routes(category: String, area: CaseArea, expected: RoutingOutcome) {
        #expect(table.route(category: category, area: area) == expected)
    }

    @Test("a rule whose template cannot be filled is skipped, so the next one applies")
    func unfillableTemplate() {
        #expect(table.route(category: "road", area: CaseArea(provinceCode: "10")) == .triageDesk)
    }

    @Test("a rule naming an unknown agency is skipped; with no area and no national rule there is no agency")
    func noMatch() {
        #expect(table.route(category: "noise", area: .unknown) == .noRule)
        #expect(table.route(category: "road", area: CaseArea(provinceCode: "99")) == .noRule)
    }

    @Test("an area's lineage runs from subdistrict to province")
    func lineage() {
        #expect(CaseArea(provinceCode: "10", districtCode: "1047", subdistrictCode: "104701").lineage == ["104701", "1047", "10"])
        #expect(Area.lineage(of: "104701") == ["104701", "1047", "10"])
    }
}

@Suite("Deadlines")
struct DeadlineTests {
    let filed = Date(timeIntervalSince1970: 1_800_000_000)
    let book = DeadlineBook(
        byCategory: ["road": DeadlinePolicy(acknowledgeHours: 72, firstAnswerDays: 15, resolutionDays: 30)],
        overrides: [
            "mea": ["electricity": DeadlinePolicy(acknowledgeHours: 12, firstAnswerDays: 3, resolutionDays: 7)],
            "fast-agency": [nil: DeadlinePolicy(acknowledgeHours: 1, firstAnswerDays: 1, resolutionDays: 2)],
        ])

    @Test("an agency's override beats the category's policy, which beats the standard 15-day first answer")
    func policies() {
        #expect(book.policy(category: "road", agency: nil).resolutionDays == 30)
        #expect(book.policy(category: "electricity", agency: "mea").acknowledgeHours == 12)
        #expect(book.policy(category: "road", agency: "fast-agency").resolutionDays == 2)
        #expect(book.policy(category: "noise", agency: nil) == .standard)
        #expect(DeadlinePolicy.standard.firstAnswerDays == 15)
    }

    @Test("due dates count from filing")
    func dueDates() {
        let due = book.dueDates(filedAt: filed, category: "road", agency: nil)
        #expect(due.acknowledge == filed.addingTimeInterval(72 * 3600))
        #expect(due.firstAnswer == filed.addingTimeInterval(15 * 86_400))
        #expect(due.resolution == filed.addingTimeInterval(30 * 86_400))
    }

    @Test("a case is overdue when an unmet deadline has passed, and never once it is finished")
    func overdue() {
        let due = book.dueDates(filedAt: filed, category: "road", agency: nil)
        let day4 = filed.addingTimeInterval(4 * 86_400)
        #expect(due.isOverdue(status: .assigned, acknowledgedAt: nil, firstAnsweredAt: nil, at: day4))
        #expect(!due.isOverdue(status: .accepted, acknowledgedAt: filed, firstAnsweredAt: nil, at: day4))
        let day16 = filed.addingTimeInterval(16 * 86_400)
        #expect(due.isOverdue(status: .accepted, acknowledgedAt: filed, firstAnsweredAt: nil, at: day16))
        #expect(!due.isOverdue(status: .inProgress, acknowledgedAt: filed, firstAnsweredAt: filed, at: day16))
        let day31 = filed.addingTimeInterval(31 * 86_400)
        #expect(due.isOverdue(status: .inProgress, acknowledgedAt: filed, firstAnsweredAt: filed, at: day31))
        #expect(!due.isOverdue(status: .resolved, acknowledgedAt: filed, firstAnsweredAt: filed, at: day31))
    }
}

@Suite("Tracking codes and access")
struct TrackingCodeTests {
    @Test("codes look like SG-2026-7K3QX9 and use no ambiguous characters")
    func format() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let code = TrackingCode.make(year: 2026, using: &generator)
            #expect(code.hasPrefix("SG-2026-"))
            #expect(code.count == 14)
            #expect(!code.dropFirst(8).contains { "01OIL".contains($0) })
            #expect(TrackingCode.canonical(code) == code)
        }
    }

    @Test("codes are read as citizens type them", arguments: [
        ("sg-2026-7k3qx9", "SG-2026-7K3QX9"), ("SG 2026 7K3QX9", "SG-2026-7K3QX9"), (" sg20267k3qx9 ", "SG-2026-7K3QX9"),
    ])
    func canonical(input: String, expected: String) {
        #expect(TrackingCode.canonical(input) == expected)
    }

    @Test("things that cannot be codes are refused", arguments: ["", "SG-2026-7K3QX", "XX-2026-7K3QX9", "SG-2026-7K3QX0", "SG-20A6-7K3QX9"])
    func notCodes(input: String) {
        #expect(TrackingCode.canonical(input) == nil)
    }

    @Test("officers see only their agency's cases; triage and admins see all; only triage and admins place")
    func access() {
        let officer = StaffMember(id: 1, name: "a", role: .officer, agencyCode: "mea")
        let triage = StaffMember(id: 2, name: "b", role: .triage, agencyCode: nil)
        #expect(CaseAccessPolicy.canView(officer, agencyCode: "mea", status: .assigned))
        #expect(!CaseAccessPolicy.canView(officer, agencyCode: "pea", status: .assigned))
        #expect(!CaseAccessPolicy.canView(officer, agencyCode: nil, status: .triage))
        #expect(CaseAccessPolicy.canView(triage, agencyCode: "pea", status: .assigned))
        #expect(!CaseAccessPolicy.canApply(.place(agency: "mea", category: nil, note: nil), officer, agencyCode: "mea", status: .triage))
        #expect(CaseAccessPolicy.canApply(.place(agency: "mea", category: nil, note: nil), triage, agencyCode: nil, status: .triage))
        #expect(!CaseAccessPolicy.canApply(.resolve(result: "x"), triage, agencyCode: "mea", status: .inProgress))
        #expect(CaseAccessPolicy.listingScope(officer) == "mea")
        #expect(CaseAccessPolicy.listingScope(triage) == nil)
    }
}
