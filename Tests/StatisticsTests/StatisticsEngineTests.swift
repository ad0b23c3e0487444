import Domain
import Statistics
import Testing

@Suite("Statistics")
struct StatisticsEngineTests {
    /// Midnight starting 1 November 2026 in Bangkok.
    let november = BangkokCalendar.startOf(day: BangkokCalendar.day(year: 2026, month: 11, day: 1))
    let hour: Int64 = 3600
    let day: Int64 = 86_400

    func facts(
        _ id: Int64, filed: Int64, category: String = "road", agency: String? = "bma-district-1047", district: String? = "1047",
        status: CaseStatus = .assigned, acknowledged: Int64? = nil, answered: Int64? = nil, resolved: Int64? = nil,
        reopens: Int = 0, rating: Int? = nil, channel: String = "web", kind: CaseKind = .complaint
    ) -> CaseFacts {
        CaseFacts(
            id: id, filedAt: filed, category: category, agency: agency, provinceCode: district.map { String($0.prefix(2)) },
            districtCode: district, subdistrictCode: nil, status: status, kind: kind, channel: channel,
            acknowledgedAt: acknowledged.map { filed + $0 }, firstAnsweredAt: answered.map { filed + $0 },
            resolvedAt: resolved.map { filed + $0 }, acknowledgeDue: filed + 72 * hour, firstAnswerDue: filed + 15 * day,
            resolutionDue: filed + 30 * day, reopenCount: reopens, rating: rating)
    }

    func table(_ all: [CaseFacts]) -> FactColumns {
        var columns = FactColumns()
        for facts in all { columns.upsert(facts) }
        return columns
    }

    @Test("counts, exact medians and 90th percentiles (as percentile_cont), shares, appeals and satisfaction")
    func figures() throws {
        let start = november
        let columns = table([
            facts(1, filed: start, status: .resolved, acknowledged: 1 * hour, answered: 2 * day, resolved: 10 * day, rating: 5),
            facts(2, filed: start, status: .closed, acknowledged: 3 * hour, answered: 20 * day, resolved: 40 * day, rating: 2),
            facts(3, filed: start, status: .inProgress, acknowledged: 5 * hour, answered: 4 * day, reopens: 2),
            facts(4, filed: start, status: .assigned),
            facts(5, filed: start, status: .rejected, answered: 1 * day),
            facts(6, filed: start, status: .merged),
        ])
        let now = start + 31 * day
        let all = try #require(StatisticsEngine.figures(columns, query: StatisticsQuery(), now: now).first)
        #expect(all.filed == 6)
        #expect(all.open == 2)
        #expect(all.resolved == 2)
        #expect(all.rejected == 1)
        #expect(all.merged == 1)
        // Case 4: never acknowledged, 31 days in. Case 3: answered, but past its 30-day resolution target.
        #expect(all.overdue == 2)
        #expect(all.acknowledge.count == 3)
        #expect(all.acknowledge.median == Double(3 * hour))
        #expect(abs(all.acknowledge.p90! - Double(hour) * 4.6) < 1e-6)
        // First answers: 1, 2, 4, 20 days → median 3 days; p90 at rank 2.7 → 4 + 0.7 × 16 days.
        #expect(all.firstAnswer.count == 4)
        #expect(all.firstAnswer.median == Double(3 * day))
        #expect(abs(all.firstAnswer.p90! - (Double(4 * day) + 0.7 * Double(16 * day))) < 1e-6)
        #expect(all.resolution.count == 2)
        #expect(all.resolution.median == Double(25 * day))
        #expect(abs(all.resolution.p90! - (Double(10 * day) + 0.9 * Double(30 * day))) < 1e-6)
        // Due: answered ones (1, 2, 3, 5) and the unanswered one past its deadline (4); the merged one is not.
        #expect(all.firstAnswerDue == 5)
        #expect(all.firstAnswerMet == 3)
        #expect(all.firstAnswerShare == 0.6)
        // Resolution: resolved 1 (in time), 2 (late), and 3 and 4 past target; the rejected and merged ones are not.
        #expect(all.resolutionDue == 4)
        #expect(all.resolutionMet == 1)
        #expect(all.results == 3)
        #expect(all.reopenedCases == 1)
        #expect(all.appeals == 2)
        #expect(all.ratings == 2)
        #expect(all.meanStars == 3.5)
        #expect(all.stars == [0, 1, 0, 0, 1])
    }

    @Test("months are Bangkok's: 00:30 on 1 December in Bangkok is December though still November in UTC")
    func monthBoundaries() {
        let december = BangkokCalendar.startOf(day: BangkokCalendar.day(year: 2026, month: 12, day: 1))
        let columns = table([
            facts(1, filed: december - 30 * 60),  // 23:30 on 30 November, Bangkok
            facts(2, filed: december + 30 * 60),  // 00:30 on 1 December, Bangkok (17:30 on 30 November, UTC)
            facts(3, filed: december + 5 * day),
        ])
        let byMonth = StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.month]), now: december + 6 * day)
        #expect(byMonth.map { $0.key[.month] } == ["2026-11", "2026-12"])
        #expect(byMonth.map(\.filed) == [1, 2])
        let byDay = StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.day]), now: december + 6 * day)
        #expect(byDay.map { $0.key[.day] } == ["2026-11-30", "2026-12-01", "2026-12-06"])
        let byWeek = StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.week]), now: december + 6 * day)
        // Monday 30 November to Sunday 6 December 2026 is one week, Bangkok time.
        #expect(byWeek.map { $0.key[.week] } == ["2026-11-30"])
        #expect(byWeek.first?.filed == 3)
    }

    @Test("two dimensions group by both; filters select by date, category, agency, area and kind")
    func groupingAndFilters() {
        let start = november
        let columns = table([
            facts(1, filed: start, category: "road", district: "1047"),
            facts(2, filed: start + day, category: "road", district: "1001", channel: "line"),
            facts(3, filed: start + 2 * day, category: "noise", agency: "bma-district-1001", district: "1001"),
            facts(4, filed: start + 40 * day, category: "road", agency: "mea", district: "1047", kind: .suggestion),
        ])
        let now = start + 50 * day
        let grouped = StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.category, .district]), now: now)
        #expect(grouped.map { "\($0.key[.category]!)/\($0.key[.district]!)=\($0.filed)" } == ["noise/1001=1", "road/1001=1", "road/1047=2"])
        let firstDays = StatisticsQuery(
            fromDay: BangkokCalendar.day(year: 2026, month: 11, day: 1), toDay: BangkokCalendar.day(year: 2026, month: 11, day: 2))
        #expect(StatisticsEngine.figures(columns, query: firstDays, now: now).first?.filed == 2)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(categories: ["noise"]), now: now).first?.filed == 1)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(agencies: ["mea"]), now: now).first?.filed == 1)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(area: "1001"), now: now).first?.filed == 2)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(area: "10"), now: now).first?.filed == 4)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(kinds: [.suggestion]), now: now).first?.filed == 1)
        #expect(StatisticsEngine.figures(columns, query: StatisticsQuery(area: "50"), now: now).isEmpty)
        let byChannel = StatisticsEngine.figures(columns, query: StatisticsQuery(groupBy: [.channel]), now: now)
        #expect(byChannel.map { $0.key[.channel]! } == ["line", "web"])
    }

    @Test("a case updated later replaces its facts rather than counting twice")
    func upsert() {
        var columns = FactColumns()
        columns.upsert(facts(1, filed: november, status: .assigned))
        columns.upsert(facts(1, filed: november, status: .resolved, resolved: 2 * day))
        let all = StatisticsEngine.figures(columns, query: StatisticsQuery(), now: november + 3 * day)
        #expect(all.first?.filed == 1)
        #expect(all.first?.resolved == 1)
        #expect(all.first?.resolution.median == Double(2 * day))
    }

    @Test("cases are found by id whether ids are dense, sparse or far beyond the others")
    func idsFarApart() {
        var columns = FactColumns()
        let ids: [Int64] = [3, 1, 2_000_000, 9_000_000_000_000, 7]
        for id in ids { columns.upsert(facts(id, filed: november, status: .assigned)) }
        // Each again, resolved: replaced in place, not added.
        for id in ids { columns.upsert(facts(id, filed: november, status: .resolved, resolved: day)) }
        let all = StatisticsEngine.figures(columns, query: StatisticsQuery(), now: november + 3 * day)
        #expect(columns.count == ids.count)
        #expect(all.first?.filed == ids.count)
        #expect(all.first?.resolved == ids.count)
        #expect(all.first?.open == 0)
    }
}

@Suite("League table and trends")
struct LeagueAndTrendsTests {
    func group(_ agency: String, filed: Int, due: Int, met: Int, resolutionDue: Int = 0, resolutionMet: Int = 0) -> GroupFigures {
        var figures = GroupFigures(key: [.agency: agency])
        figures.filed = filed
        figures.firstAnswerDue = due
        figures.firstAnswerMet = met
        figures.resolutionDue = resolutionDue
        figures.resolutionMet = resolutionMet
        return figures
    }

    @Test("agencies rank by share answered in time, then resolved in time; small ones are listed apart, unranked")
    func ranking() {
        let (ranked, unranked) = LeagueTable.rank(
            [
                group("a", filed: 100, due: 100, met: 80, resolutionDue: 10, resolutionMet: 5),
                group("b", filed: 50, due: 50, met: 45),
                group("c", filed: 5, due: 5, met: 5),
                group("d", filed: 100, due: 100, met: 80, resolutionDue: 10, resolutionMet: 9),
            ], minimumCases: 20)
        #expect(ranked.map(\.agency) == ["b", "d", "a"])
        #expect(ranked.map(\.rank) == [1, 2, 3])
        #expect(unranked.map(\.agency) == ["c"])
        #expect(unranked.first?.rank == nil)
    }

    @Test("rising categories compare the last days with the days before, in Bangkok days")
    func rising() {
        let today = BangkokCalendar.day(year: 2026, month: 11, day: 21)
        let noon = BangkokCalendar.startOf(day: today) + 12 * 3600
        var columns = FactColumns()
        var id: Int64 = 0
        func add(_ category: String, daysAgo: Int64, count: Int) {
            for _ in 0..<count {
                id += 1
                columns.upsert(
                    CaseFacts(
                        id: id, filedAt: noon - daysAgo * 86_400, category: category, agency: nil, provinceCode: "10",
                        districtCode: nil, subdistrictCode: nil, status: .assigned, kind: .complaint, channel: "web",
                        acknowledgedAt: nil, firstAnsweredAt: nil, resolvedAt: nil, acknowledgeDue: 0, firstAnswerDue: 0,
                        resolutionDue: 0, reopenCount: 0, rating: nil))
            }
        }
        add("flooding", daysAgo: 1, count: 9)  // recent week
        add("flooding", daysAgo: 10, count: 3)  // the week before
        add("road", daysAgo: 2, count: 5)
        add("road", daysAgo: 8, count: 5)
        add("noise", daysAgo: 6, count: 2)  // 6 days ago is still the recent week (today counts)
        add("noise", daysAgo: 20, count: 7)  // outside both weeks
        let rises = Trends.rising(columns, dimension: .category, days: 7, now: noon)
        #expect(rises.map(\.key) == ["flooding", "noise"])
        #expect(rises.first == Trends.Rise(key: "flooding", recent: 9, previous: 3))
        #expect(rises.last?.previous == 0)
    }
}
