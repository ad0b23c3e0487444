import Pages

@testable import Web

/// One instance of every page model with every optional given and every list holding an
/// element, so `PageModelTests` can look inside each section; and a layout to render them in.
enum PageModelSamples {
    static let layout = PageLayout(
        lang: "th", otherLang: "en", t: ["site_name": "เสียง"], title: "หน้า", csrf: "c", cssVersion: "1",
        jsVersion: "2", back: "/", staff: PageLayout.Staff(name: "สมชาย"), flash: "บันทึกแล้ว")

    static let errors = [FormError(message: "ผิด", field: "code")]
    static let apiField = APIReferencePage.Field(name: "text", type: "string", required: true, description: "d")
    static let option = SelectOption(code: "road", name: "ถนน", selected: true)

    static let all: [any PageModel] = [
        HomePage(headline: HomePage.Headline(filed: "1", answered: "2", resolved: "3", satisfaction: "4")),
        FilingPage(
            form: FilingPage.Fields(
                idempotencyKey: "k", title: "t", text: "x", address: "a", latitude: "13", longitude: "100",
                contactName: "n",
                contactPhone: "p", contactEmail: "e", consent: true, anonymous: false, notifyEmail: true, notifySMS: true),
            kinds: [FilingPage.Kind(value: "complaint", name: "ร้องเรียน", checked: true)], categories: [option],
            provinces: [option],
            districtGroups: [FilingPage.DistrictGroup(province: "10", provinceName: "กรุงเทพ", districts: [option])],
            subdistricts: [option], errors: errors, checked: true, similar: [similarItem], hasSimilar: true),
        FollowedPage(code: "MT-1", secret: "s", caseCode: "SG-1", meTooCount: 2),
        ClustersPage(
            clusters: [
                ClustersPage.Cluster(
                    size: 2, main: "SG-1", members: "SG-2", sharedWords: "ท่อ",
                    cases: [
                        ClustersPage.Member(
                            code: "SG-1", caseTitle: "t", text: "x", statusName: "s", areaName: "a", filedAt: "f", meTooCount: 1)
                    ])
            ], hasClusters: true, errors: errors),
        FiledPage(
            code: "SG-1", secret: "s", statusName: "ใหม่", categoryName: "ถนน", agencyName: "เขต", dueFirstAnswer: "d",
            photoLocation: FiledPage.PhotoLocationOffer(lat: "13.7", lon: "100.5", mapURL: "https://www.openstreetmap.org/")),
        TrackPage(code: "SG-1", errors: errors),
        CasePage(case: citizenCase),
        ErrorPage(heading: "h", message: "m"),
        APIReferencePage(
            intro: "i",
            sections: [
                APIReferencePage.Section(
                    id: "tag-cases", name: "เรื่อง",
                    operations: [
                        APIReferencePage.Operation(
                            id: "fileCase", method: "POST", path: "/api/v1/cases", summary: "ยื่นเรื่อง", description: "d",
                            staff: true,
                            parameters: [
                                APIReferencePage.Parameter(name: "code", location: "path", type: "string", required: true, description: "d")
                            ],
                            body: APIReferencePage.Body(type: "Filing", anchor: "schema-Filing", fields: [apiField]),
                            responses: [APIReferencePage.Reply(status: "201", description: "d", type: "Filed", anchor: "schema-Filed")])
                    ])
            ],
            schemas: [APIReferencePage.Schema(name: "Filed", description: "d", fields: [apiField])]),
        StatsPage(
            filters: StatsPage.Filters(from: "2026-01-01", to: "2026-12-31"), categories: [option], areas: [option],
            period: "p",
            headline: StatsPage.Headline(
                filed: "1", open: "2", resolved: "3", overdue: "4", answeredShare: "5", resolvedShare: "6",
                medianAnswer: "7",
                satisfaction: "8", ratings: "9", appeals: "10"),
            charts: [
                StatsPage.Chart(
                    id: "c", heading: "h", caption: "c", labelHeading: "l", valueHeading: "v", empty: false,
                    svg: "<svg></svg>",
                    rows: [StatsPage.Chart.Row(label: "l", value: "1")])
            ],
            agencies: [
                StatsPage.AgencyRow(
                    rank: "1", name: "เขต", filed: "1", answeredShare: "1", resolvedShare: "1", medianAnswer: "1",
                    satisfaction: "1", proposalsInTime: "1")
            ],
            budgets: StatsPage.BudgetTable(rows: [
                StatsPage.BudgetRow(
                    name: "n", agency: "a", phase: "p", budget: "1", ballots: "1", turnout: "1", winners: "1", spent: "1")
            ]),
            agencyNote: "n", openData: StatsPage.OpenData(csv: "/c", json: "/j", api: "/a"),
            consultations: [StatsPage.ConsultationRow(id: 1, title: "t", opinions: "1", participants: "1", responseDays: "2")],
            duplicates: [StatsPage.DuplicateRow(category: "c", agency: "a", detected: "1", merged: "2", meToo: "3")],
            hasDuplicates: true,
            classifier: [StatsPage.ClassifierRow(name: "n", live: true, cases: "2", changed: "1", kept: "50%")]),
        InboxPage(
            heading: "h", staffLine: "s", isTriage: true, isAdmin: true, statuses: [option], categories: [option], overdueOnly: false,
            rows: [
                InboxPage.Row(
                    code: "SG-1", subject: "s", categoryName: "c", filedAt: "f", statusName: "s", overdue: true,
                    areaName: "a",
                    due: "d")
            ],
            nextPage: "/agency?after=1"),
        AgencyCasePage(case: agencyCase),
        ModelVersionsPage(
            liveName: "รุ่น 2", defaultIsLive: false,
            defaultFinished: ModelVersionsPage.Finished(cases: "10", changed: "2", kept: "80%"),
            versions: [
                ModelVersionsPage.Row(
                    id: 2, name: "รุ่น 2", state: "candidate", stateName: "รอพิจารณา", isLive: true, createdAt: "c",
                    examples: "400", comparison: "0.800 / 0.700", notWorse: true,
                    finished: ModelVersionsPage.Finished(cases: "5", changed: "1", kept: "80%"), canPromote: true,
                    canForce: true)
            ],
            hasVersions: true, liveVersion: 2, canTrain: true, rule: "r", errors: errors),
        PasswordPage(required: true, errors: errors, newHint: "h"),
        SignInPage(email: "e", errors: errors),
        BudgetListPage(rounds: [budgetRound]),
        BudgetPage(
            roundID: 1, name: "n", description: "d", agencyName: "a", phaseName: "p", budget: "b", budgetValue: 1,
            areaNames: "a", steps: [BudgetPage.Step(name: "n", from: "f", current: true)], errors: errors,
            ideaForm: BudgetPage.IdeaForm(title: "t", text: "t", contactName: "n", contactPhone: "p", contactEmail: "e"),
            ideas: [BudgetPage.Idea(title: "t", text: "t", statusName: "s", declineReason: "r")],
            projects: [
                BudgetPage.Project(
                    id: 1, title: "t", description: "d", cost: "c", costValue: 1, feasibility: "f", progressName: "p",
                    chosen: true)
            ],
            vote: BudgetPage.Vote(
                verify: BudgetPage.Verify(address: "a", districts: [option]),
                ballot: BudgetPage.Ballot(total: "t", hasBallot: true)),
            results: BudgetPage.Results(
                ruleName: "r", ruleExplanation: "e", turnout: "t", spent: "s",
                rows: [
                    BudgetPage.ResultRow(
                        title: "t", cost: "c", votes: "v", won: true, explanation: "e",
                        proposal: .init(code: "PR-2026-4F7K2M", statusName: "s"))
                ], otherRule: "o"),
            updates: [BudgetPage.Update(project: "p", progressName: "p", note: "n", at: "a")]),
        BudgetCodePage(roundID: 1, name: "n", codeID: 1, area: "1004", errors: errors),
        StaffBudgetListPage(rounds: [budgetRound], errors: errors, districts: [option]),
        StaffBudgetPage(
            roundID: 1, name: "n", phaseName: "p", budget: "b", closeLabel: "c", isReview: true, canPublish: true,
            ideas: [StaffBudgetPage.Idea(id: 1, title: "t", text: "t", statusName: "s", contact: "c", open: true)],
            projects: [StaffBudgetPage.Project(title: "t", cost: "c", feasibility: "f", progressName: "p")], turnout: "t",
            winners: [
                StaffBudgetPage.Winner(id: 1, title: "t", progressName: "p", options: [option], proposalCode: "PR-2026-4F7K2M")
            ]),
    ] + proposalPages + consultationPages

    static let proposalPages: [any PageModel] = [
        ProposalListPage(
            scopes: [option], categories: [option], statuses: [option], sorts: [option],
            items: [
                ProposalListPage.Item(
                    code: "PR-1", heading: "h", scopeName: "s", categoryName: "c", statusName: "s", supports: "1",
                    needed: "1 / 300")
            ], empty: false, previousPage: "/proposals?page=1", nextPage: "/proposals?page=3"),
        ProposePage(
            form: ProposePage.Fields(
                heading: "h", text: "t", cost: "1", contactName: "n", contactPhone: "p", contactEmail: "e", consent: true,
                notifyEmail: true),
            scopes: [option], categories: [option], provinces: [option],
            districtGroups: [FilingPage.DistrictGroup(province: "10", provinceName: "กรุงเทพ", districts: [option])],
            similar: [ProposePage.Similar(code: "PR-1", heading: "h", supports: "1")], checkedSimilar: true, errors: errors),
        ProposedPage(code: "PR-1", secret: "s"),
        ProposalPage(
            proposal: ProposalPage.Details(
                code: "PR-1", heading: "h", text: "t", statusCode: "published", statusName: "s", scopeName: "s",
                categoryName: "c", cost: "1", supports: "1", threshold: "300", closes: "c", agencyName: "a",
                budgetRound: .init(roundID: 1, name: "n")),
            chart: "<svg></svg>", days: [ProposalPage.Day(day: "d", supports: "1")],
            answer: ProposalPage.Answer(
                kindName: "k", answerText: "t", answeredAt: "a", due: "d", studyUntil: "s", late: true),
            timeline: [ProposalPage.Event(at: "a", what: "w", note: "n")],
            support: ProposalPage.Support(verified: false, codeID: "1", sentTo: "a@b.co"), ownerNotice: "o", errors: errors),
        StaffProposalsPage(
            moderator: true,
            pending: [StaffProposalsPage.Item(code: "PR-1", heading: "h", statusName: "s", supports: "1", flaggedSupports: "0", due: "d")],
            flagged: [StaffProposalsPage.Item(code: "PR-1", heading: "h", statusName: "s", supports: "1", flaggedSupports: "2", due: "d")],
            toAnswer: [StaffProposalsPage.Item(code: "PR-1", heading: "h", statusName: "s", supports: "1", flaggedSupports: "0", due: "d")]),
        StaffProposalPage(
            code: "PR-1", heading: "h", text: "t", statusName: "s", scopeName: "s", categoryName: "c", supports: "1",
            flaggedCount: "0", agencyName: "a", canModerate: true, canDecideFlagged: true, canAnswer: true,
            canReportProgress: true, reasons: [option], answers: [option],
            timeline: [StaffProposalPage.Event(at: "a", what: "w", note: "n")], errors: errors),
    ]

    static let budgetRound = BudgetListPage.Round(
        id: 1, name: "n", agencyName: "a", phaseName: "p", budget: "b", areaNames: "a")

    static let citizenCase = CasePage.Details(
        isCitizen: true, code: "SG-1", statusCode: "new", statusName: "ใหม่", overdue: true, kindName: "k",
        categoryName: "c",
        agencyName: "a", areaName: "a", filedAt: "f", open: true, dueAcknowledge: "d", dueFirstAnswer: "d",
        dueResolution: "d",
        text: "t", caseTitle: "t", address: "a", resolvedAt: "r", resolution: "r", resultHeading: "h", rejection: "r",
        mergedInto: "SG-2", rating: "5", canRate: true, starChoices: [CasePage.StarChoice(value: 5, label: "5")],
        reopenUntil: "u",
        privacy: CasePage.Privacy(
            givenAt: "g", erasedAt: "e", none: false,
            entries: [CasePage.Privacy.Entry(at: "a", iso: "i", who: "w", reason: "r")], eraseLater: false,
            canErase: true),
        errors: errors, photos: gallery, timeline: [CasePage.Event(at: "a", iso: "i", what: "w", note: "n")],
        meTooCount: 1, canFollow: true)

    static let similarItem = SimilarItem(
        code: "SG-1", similarTitle: "t", text: "x", statusName: "s", areaName: "a", filedAt: "f", meTooCount: 1, percent: 40,
        sharedWords: "ท่อ")

    static let gallery = PhotoGallery(groups: [
        PhotoGallery.Group(
            id: "photos-before", caption: "c",
            photos: [
                PhotoGallery.Photo(
                    id: 1, thumbnail: "/t", display: "/d", width: 320, height: 240, alt: "a", hiddenReason: "r",
                    hideCode: "SG-1")
            ])
    ])

    static let agencyCase = AgencyCasePage.Details(
        code: "SG-1", statusCode: "new", statusName: "ใหม่", overdue: true, caseTitle: "t", text: "t", kindName: "k",
        categoryName: "c", predicted: "p", also: "t", agencyName: "a", areaName: "a", address: "a", location: "13, 100",
        filedAt: "f",
        dueAcknowledge: "d", dueFirstAnswer: "d", dueResolution: "d", rating: "5",
        contact: AgencyCasePage.Contact(name: "n", phone: "p", email: "e", anonymous: true), contactErased: "e",
        resolution: "r", resultHeading: "h",
        timeline: [AgencyCasePage.Event(at: "a", iso: "i", what: "w", internal: true, note: "n")],
        notifications: [
            AgencyCasePage.Notification(
                channel: "c", what: "w", at: "a", statusCode: "sent", status: "s", attempts: 1, error: "e")
        ],
        actions: [
            AgencyCasePage.Action(
                name: "transfer", label: "l", noteLabel: "n", noteRequired: true, needsInternal: true,
                needsTarget: true,
                needsAgency: true, needsCategory: true, needsReason: true, acceptsPhotos: true, agencyOptions: [option],
                categoryOptions: [option],
                reasonOptions: [option])
        ],
        errors: errors, photos: gallery, similar: [similarItem], hasSimilar: true)
}
