import Domain
import Foundation
import Hummingbird
import Pages
import Services
import Statistics

/// The figures pages show, asked of `StatisticsService` (which computes each question once per
/// its cache lifetime), and the rendered public pages, kept as long so a busy page is rendered
/// once per address and language, not once per visitor.
final class PageFigures: Sendable {
    struct StatisticsPageData: Sendable {
        var overall: GroupFigures
        var byCategory: [GroupFigures]
        var byMonth: [GroupFigures]
        var ranked: [LeagueTable.Entry]
        var unranked: [LeagueTable.Entry]
        /// Each agency's share of proposals answered by their deadline (all time), where it has one.
        var proposalShares: [String: Double] = [:]
        /// Proposals by status and supports per month (all time: participation is not filtered by the page).
        var proposals: ProposalStatistics.Figures?
        /// Every budget round with its turnout and winners.
        var budgetRounds: [BudgetService.RoundFigures] = []
    }

    let statistics: StatisticsService
    /// Rendered public pages by language and address.
    let pages: TimedCache<String, String>
    /// Agencies with fewer cases in the period are listed but not ranked.
    let minimumCases = 20

    /// Proposals' figures, for the agencies' answers to proposals beside their complaints.
    let proposals: ProposalStatistics?
    /// Consultations' participation and response times.
    let consultations: ConsultationService?

    /// Budget rounds, for their turnout and results.
    let budgets: BudgetService?

    init(
        statistics: StatisticsService, lifetime: Duration, proposals: ProposalStatistics? = nil, budgets: BudgetService? = nil,
        consultations: ConsultationService? = nil
    ) {
        self.statistics = statistics
        self.proposals = proposals
        self.budgets = budgets
        self.consultations = consultations
        self.pages = TimedCache(lifetime: lifetime)
    }

    /// All-time figures of every case: the unfiltered statistics page's.
    func overall() async throws -> GroupFigures {
        try await statistics.figures(StatisticsQuery()).value.first ?? GroupFigures(key: [:])
    }

    /// Everything the statistics page shows for `query`'s period, categories and area (its
    /// grouping, agencies and kinds are not the page's filters and are ignored).
    func page(_ requested: StatisticsQuery) async throws -> StatisticsPageData {
        var filters = requested
        filters.agencies = nil
        filters.kinds = nil
        let query = filters
        let (statistics, minimumCases) = (self.statistics, self.minimumCases)
        @Sendable func grouped(_ dimensions: [StatisticsDimension]) async throws -> [GroupFigures] {
            var grouped = query
            grouped.groupBy = dimensions
            return try await statistics.figures(grouped).value
        }
        let (proposals, budgets) = (self.proposals, self.budgets)
        // All at once: each statistics question is up to a second of the engine at ten million cases,
        // and the proposals' figures are seconds of PostgreSQL (supports per month read every support).
        async let league = statistics.league(query, minimumCases: minimumCases).value
        async let overall = grouped([])
        async let byCategory = grouped([.category])
        async let byMonth = grouped([.month])
        async let proposalFigures = proposals?.figures()
        async let budgetRounds = budgets?.roundFigures()
        let (ranked, unranked) = try await league
        let proposalsFigures = try await proposalFigures
        return StatisticsPageData(
            overall: try await overall.first ?? GroupFigures(key: [:]),
            byCategory: try await byCategory.sorted { $0.filed > $1.filed },
            byMonth: try await byMonth.sorted { ($0.key[.month] ?? "") < ($1.key[.month] ?? "") },
            ranked: ranked, unranked: unranked,
            proposalShares: proposalsFigures?.agencies.reduce(into: [:]) { shares, agency in
                if let share = agency.shareInTime { shares[agency.agencyCode] = share }
            } ?? [:],
            proposals: proposalsFigures, budgetRounds: try await budgetRounds ?? [])
    }
}

/// `/stats`: headline figures, cases per category and per month, agencies' answer and
/// resolution shares, satisfaction; each chart drawn as inline SVG with its numbers in a table.
struct StatisticsPage {
    let kit: PageKit
    let figures: PageFigures
    let reference: Reference
    /// Duplicates by category and agency; nil leaves the table out.
    var duplicates: DuplicateService? = nil
    /// Accuracy by classifier model version; nil leaves the table out.
    var models: ModelUpdates? = nil
    /// The version classifying now, marked live in that table.
    var analyzer: TextAnalyzer? = nil

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("stats", use: show)
    }

    @Sendable func show(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let view = kit.view(request, context: context)
        // The page holds nothing of the visitor's, so one rendering serves everyone asking the
        // same address in the same language for the statistics' lifetime.
        return try await kit.sharedPage(request, view: view, cache: figures.pages) { try await render(request, view: view) }
    }

    func render(_ request: Request, view: PageKit.View) async throws -> String {
        // Dates as a person types them (Buddhist-era years, Thai digits) become the API's Gregorian ones.
        var parameters = request.uri.queryParameters
        for name in ["from", "to"] {
            if let typed = parameters.get(name) { parameters[Substring(name)] = Substring(TypedDate.gregorian(typed)) }
        }
        // Only the filters the page offers; the JSON API takes the rest.
        var query = StatisticsQuery()
        do {
            query = try StatisticsParameters.parse(parameters, allowGrouping: false).query
        } catch let error as APIError {
            throw PageError(status: error.status, heading: "error_generic_heading", message: "error_date", words: (error.messageTH, error.messageEN))
        }
        // Seconds of PostgreSQL each at ten million cases (the model versions' table reads every finished
        // case): computed once the cases are loaded and then answered from the last figures while they are
        // read again, so only a visitor right after the start waits. Asked now, read when the page is
        // built. Not while the statistics load, which may be waiting for the cases table: the page answers
        // 503 then, without waiting for them.
        try figures.statistics.requireLoaded()
        let (models, consultations) = (self.models, figures.consultations)
        async let accuracy = models?.accuracyByVersion()
        async let consultationFigures = consultations?.figures()
        let data = try await figures.page(query)
        let format = view.format
        let language = view.language

        let overall = data.overall
        let headline = StatsPage.Headline(
            filed: format.number(overall.filed), open: format.number(overall.open),
            resolved: format.number(overall.resolved), overdue: format.number(overall.overdue),
            answeredShare: format.percent(overall.firstAnswerShare),
            resolvedShare: format.percent(overall.resolutionShare),
            medianAnswer: format.days(overall.firstAnswer.median),
            satisfaction: overall.meanStars.map { format.number($0, fractionDigits: 1) + " / 5" } ?? "–",
            ratings: format.number(overall.ratings), appeals: format.percent(overall.reopenShare))

        let categoryPoints = data.byCategory.map {
            ChartPoint(label: $0.key[.category].map { reference.categoryName($0, language) } ?? "–", value: Double($0.filed))
        }
        let monthPoints = data.byMonth.map {
            ChartPoint(label: format.month(key: $0.key[.month] ?? ""), value: Double($0.filed))
        }
        let starPoints = (1...5).map { ChartPoint(label: view.text("stars_\($0)"), value: Double(overall.stars[$0 - 1])) }
        let whole: (Double) -> String = { format.number(Int($0)) }
        let charts = [
            chart(
                id: "category", draw: SVGChart.bars, heading: view.text("chart_category_heading"),
                description: view.text("chart_category_desc"), labelHeading: view.text("case_category"),
                valueHeading: view.text("chart_cases"), points: categoryPoints, format: whole),
            chart(
                id: "month", draw: SVGChart.line, heading: view.text("chart_month_heading"),
                description: view.text("chart_month_desc"), labelHeading: view.text("chart_month"),
                valueHeading: view.text("chart_cases"), points: monthPoints, format: whole),
            chart(
                id: "stars", draw: SVGChart.bars, heading: view.text("chart_stars_heading"),
                description: view.text("chart_stars_desc"), labelHeading: view.text("chart_stars"),
                valueHeading: view.text("chart_ratings"), points: starPoints, format: whole),
        ]

        let participation = participationCharts(data, view: view, whole: whole)
        let rounds = data.budgetRounds.map { figures in
            StatsPage.BudgetRow(
                name: figures.round.name, agency: reference.agencyName(figures.round.agencyCode, language),
                phase: view.text("budget_phase_" + figures.phase.rawValue), budget: format.number(Int(figures.round.totalBudget)),
                ballots: format.number(figures.ballots), turnout: format.percent(figures.turnout),
                winners: figures.round.resultsPublishedAt == nil ? "–" : format.number(figures.winners.count),
                spent: figures.round.resultsPublishedAt == nil ? "–" : format.number(Int(figures.spent)))
        }
        let agencies = (data.ranked + data.unranked).prefix(200).map { entry in
            let figures = entry.figures
            return StatsPage.AgencyRow(
                rank: entry.rank.map(String.init) ?? "–", name: reference.agencyName(entry.agency, language),
                filed: format.number(figures.filed), answeredShare: format.percent(figures.firstAnswerShare),
                resolvedShare: format.percent(figures.resolutionShare),
                medianAnswer: format.days(figures.firstAnswer.median),
                satisfaction: figures.meanStars.map { format.number($0, fractionDigits: 1) } ?? "–",
                proposalsInTime: format.percent(data.proposalShares[entry.agency]))
        }

        let from = parameters.get("from") ?? ""
        let to = parameters.get("to") ?? ""
        func shown(_ day: Int32?) -> String {
            day.map { format.date(Date(timeIntervalSince1970: TimeInterval(BangkokCalendar.startOf(day: $0)))) } ?? "…"
        }
        let period =
            from.isEmpty && to.isEmpty
            ? view.text("stats_period_all") : view.text("stats_period_range", ["from": shown(query.fromDay), "to": shown(query.toDay)])
        var dateQuery: [String] = []
        if !from.isEmpty { dateQuery.append("from=\(from)") }
        if !to.isEmpty { dateQuery.append("to=\(to)") }
        var apiQuery = dateQuery
        if let categories = query.categories { apiQuery.append("category=" + categories.joined(separator: ",")) }
        if let area = query.area { apiQuery.append("area=\(area)") }
        func address(_ path: String, _ items: [String]) -> String {
            items.isEmpty ? path : path + "?" + items.map(PageKit.percentEncodedQueryItem).joined(separator: "&")
        }
        let selectedCategory = query.categories?.first
        // Provinces, Bangkok's districts and the districts of the province chosen (the page stays small).
        let chosenProvince = query.area.map { String($0.prefix(2)) }
        let areas = reference.data.areas.filter {
            $0.level == .province || ($0.level == .district && ($0.parentCode == "10" || $0.parentCode == chosenProvince))
        }.sorted {
            ($0.level == .province ? $0.code : $0.parentCode ?? "", $0.level == .province ? "" : $0.name(language))
                < ($1.level == .province ? $1.code : $1.parentCode ?? "", $1.level == .province ? "" : $1.name(language))
        }
        // As last computed: at national size a computation takes minutes (a search per open case).
        let duplicateRows = duplicates?.latestFigures()?.prefix(200).map { row in
            StatsPage.DuplicateRow(
                category: reference.categoryName(row.category, language),
                agency: row.agency.map { reference.agencyName($0, language) } ?? "–",
                detected: format.number(row.detected), merged: format.number(row.merged), meToo: format.number(row.meToo))
        } ?? []
        let consultationRows = try await consultationFigures?.map {
            StatsPage.ConsultationRow(
                id: $0.consultation.id, title: $0.consultation.title, opinions: format.number($0.participation.opinions),
                participants: format.number($0.participation.participants),
                responseDays: $0.responseDays.map { format.number($0, fractionDigits: 1) } ?? "–")
        } ?? []
        let live = analyzer?.modelVersion
        // The table is a bonus: if its figures cannot be read, the page goes on without it.
        let classifierRows = (try? await accuracy)?.map { row in
            StatsPage.ClassifierRow(
                name: row.version.map { view.text("stats_model_numbered", ["version": String($0)]) } ?? view.text("stats_model_default"),
                live: row.version == live, cases: format.number(row.cases), changed: format.number(row.changed),
                kept: format.percent(row.cases == 0 ? nil : row.kept))
        } ?? []
        let model = StatsPage(
            filters: StatsPage.Filters(from: from, to: to),
            categories: reference.data.categories.map {
                SelectOption(
                    code: $0.code, name: language.pick($0.nameTH, $0.nameEN), selected: $0.code == selectedCategory)
            },
            areas: areas.map {
                SelectOption(
                    code: $0.code, name: $0.level == .province ? $0.name(language) : "— " + $0.name(language),
                    selected: $0.code == query.area)
            },
            period: period, headline: headline, charts: charts + participation, agencies: Array(agencies),
            budgets: rounds.isEmpty ? nil : StatsPage.BudgetTable(rows: rounds),
            agencyNote: view.text("stats_agency_note", ["min": String(figures.minimumCases)]),
            openData: StatsPage.OpenData(
                csv: address("/api/v1/open-data/cases.csv", dateQuery),
                json: address("/api/v1/open-data/cases.json", dateQuery),
                api: address("/api/v1/stats", apiQuery + ["group_by=category"])),
            consultations: consultationRows, duplicates: duplicateRows, hasDuplicates: !duplicateRows.isEmpty,
            classifier: classifierRows)
        return try kit.render(model, title: view.text("title_stats"), view: view, request: request, shared: true)
    }

    /// Proposals by status and supports per month, all time (their captions say so).
    func participationCharts(_ data: PageFigures.StatisticsPageData, view: PageKit.View, whole: @escaping (Double) -> String)
        -> [StatsPage.Chart]
    {
        guard let proposals = data.proposals else { return [] }
        let format = view.format
        return [
            chart(
                id: "proposals", draw: SVGChart.bars, heading: view.text("chart_proposals_heading"),
                description: view.text("chart_proposals_desc"), labelHeading: view.text("proposals_status"),
                valueHeading: view.text("chart_proposals"),
                points: proposals.byStatus.map {
                    ChartPoint(label: ProposalPages.statusName($0.status, view.language), value: Double($0.count))
                }, format: whole),
            chart(
                id: "supports", draw: SVGChart.line, heading: view.text("chart_supports_heading"),
                description: view.text("chart_supports_desc"), labelHeading: view.text("chart_month"),
                valueHeading: view.text("chart_supports"),
                points: proposals.supportsPerMonth.map { ChartPoint(label: format.month(key: $0.month), value: Double($0.supports)) },
                format: whole),
        ]
    }

    /// A chart and the table of its numbers, as the template shows them; none when every value is 0
    /// (no ratings yet, say), which the template says in words instead.
    /// - Parameter draw: `SVGChart.bars` or `SVGChart.line`.
    func chart(
        id: String, draw: (String, String, String, [ChartPoint], (Double) -> String) -> String, heading: String,
        description: String, labelHeading: String, valueHeading: String, points: [ChartPoint], format: @escaping (Double) -> String
    ) -> StatsPage.Chart {
        StatsPage.Chart(
            id: id, heading: heading, caption: description, labelHeading: labelHeading, valueHeading: valueHeading,
            empty: points.allSatisfy { $0.value == 0 }, svg: draw("chart-\(id)", heading, description, points, format),
            rows: points.map { StatsPage.Chart.Row(label: $0.label, value: format($0.value)) })
    }
}

extension PageKit {
    /// `name=value` with the value percent-encoded for a query string.
    static func percentEncodedQueryItem(_ item: String) -> String {
        guard let equals = item.firstIndex(of: "=") else { return item }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        let value = item[item.index(after: equals)...].addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return item[..<equals] + "=" + value
    }
}
