/// Counting a budget round's ballots (approval ballots: each ballot is a set of projects).
///
/// Both rules are pure, deterministic and match `pabutools` (checked on random instances by
/// `BudgetCountPabutoolsTests`):
/// - `greedy`: pabutools' `greedy_utilitarian_welfare` with `Cost_Sat`, whose satisfaction density
///   (cost × votes ÷ cost) is the number of votes: projects by votes, most first, each taken while it
///   fits what is left of the budget, a project that does not fit skipped (later, cheaper ones may
///   still fit).
/// - `equalShares`: pabutools' `method_of_equal_shares` with `Cost_Sat` (a supporter's utility is the
///   project's cost) and its iterated completion (`voter_budget_increment`): each voter's share
///   starts at budget ÷ ballots and is raised by 1% of that starting share for as long as the outcome
///   still fits the budget and some supported project could still be added.
///
/// Ties are broken the same way in both rules: the project with the smaller id (the one created
/// first) wins, which is pabutools' lexicographic tie-break when projects are named by zero-padded
/// ids. Projects nobody voted for are never chosen. Money is counted in `Double`; two values within
/// a relative 10⁻⁹ of each other are equal, so rounding never decides a tie differently from exact
/// arithmetic on realistic amounts.
public enum BudgetCount {
    /// A project as the count sees it.
    public struct Candidate: Sendable, Hashable {
        public var id: Int64
        /// Whole baht, more than zero.
        public var cost: Int64
        public init(id: Int64, cost: Int64) {
            self.id = id
            self.cost = cost
        }
    }

    /// Why a project won or did not.
    public enum Reason: Sendable, Hashable {
        /// Chosen; `remaining` is the budget left after it (greedy), `share` what each supporter who
        /// could afford it paid (Equal Shares).
        case selected(remaining: Int64, share: Double?)
        /// Greedy: when its turn came only `remaining` baht were left.
        case doesNotFit(remaining: Int64)
        /// Equal Shares: its supporters had only `supportersMoney` baht of their shares left.
        case supportersCannotAfford(supportersMoney: Double)
        case noVotes
    }

    /// One project's result.
    public struct ProjectResult: Sendable, Hashable {
        public var id: Int64
        public var cost: Int64
        public var votes: Int
        /// 1 for the first project chosen, nil when not chosen.
        public var position: Int?
        public var reason: Reason
        public var selected: Bool { position != nil }

        public init(id: Int64, cost: Int64, votes: Int, position: Int?, reason: Reason) {
            self.id = id
            self.cost = cost
            self.votes = votes
            self.position = position
            self.reason = reason
        }
    }

    /// A count's outcome.
    public struct Outcome: Sendable, Hashable {
        public var rule: BudgetRule
        /// The chosen projects, in the order they were chosen.
        public var winners: [Int64]
        /// Every project, in id order.
        public var projects: [ProjectResult]
        /// Equal Shares: each voter's share in the binding run (after completion); nil for greedy.
        public var voterShare: Double?
        public var spent: Int64 { projects.filter(\.selected).reduce(0) { $0 + $1.cost } }

        public init(rule: BudgetRule, winners: [Int64], projects: [ProjectResult], voterShare: Double?) {
            self.rule = rule
            self.winners = winners
            self.projects = projects
            self.voterShare = voterShare
        }
    }

    /// Counts `ballots` (sets of project ids; ids not among `projects` are ignored) under `rule`.
    public static func count(
        rule: BudgetRule, budget: Int64, projects: [Candidate], ballots: [[Int64]]
    ) -> Outcome {
        let candidates = projects.sorted { $0.id < $1.id }
        let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1.id, $0) })
        // Ballots in a canonical order, so the same ballots in any order give the very same arithmetic
        // (floating-point sums depend on their order) and so the very same explanations.
        let voters: [[Int]] = ballots.map { Array(Set($0.compactMap { index[$0] })).sorted() }
            .sorted { $0.lexicographicallyPrecedes($1) }
        switch rule {
        case .greedy: return greedy(budget: budget, candidates: candidates, voters: voters)
        case .equalShares: return equalShares(budget: budget, candidates: candidates, voters: voters)
        }
    }

    static func votes(_ candidates: [Candidate], _ voters: [[Int]]) -> [Int] {
        var votes = [Int](repeating: 0, count: candidates.count)
        for ballot in voters { for project in ballot { votes[project] += 1 } }
        return votes
    }

    static func greedy(budget: Int64, candidates: [Candidate], voters: [[Int]]) -> Outcome {
        let votes = votes(candidates, voters)
        // The index is the tie-break: candidates are in id order.
        let order = candidates.indices.sorted { votes[$0] != votes[$1] ? votes[$0] > votes[$1] : $0 < $1 }
        var remaining = budget
        var reasons = [Reason](repeating: .noVotes, count: candidates.count)
        var positions = [Int?](repeating: nil, count: candidates.count)
        var winners: [Int64] = []
        for project in order where votes[project] > 0 {
            let cost = candidates[project].cost
            if cost <= remaining {
                remaining -= cost
                winners.append(candidates[project].id)
                positions[project] = winners.count
                reasons[project] = .selected(remaining: remaining, share: nil)
            } else {
                reasons[project] = .doesNotFit(remaining: remaining)
            }
        }
        return Outcome(
            rule: .greedy, winners: winners,
            projects: candidates.indices.map {
                ProjectResult(
                    id: candidates[$0].id, cost: candidates[$0].cost, votes: votes[$0], position: positions[$0],
                    reason: reasons[$0])
            }, voterShare: nil)
    }

    /// Whether `a` and `b` are equal up to rounding.
    static func same(_ a: Double, _ b: Double) -> Bool {
        a == b || (a.isFinite && b.isFinite && abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)))
    }

    struct EqualSharesRun {
        var chosen: [Int] = []
        var shares: [Int: Double] = [:]
        /// What each voter has left at the end.
        var money: [Double] = []
    }

    /// One run of the Method of Equal Shares with every voter starting with `share`.
    static func equalSharesRun(share: Double, candidates: [Candidate], voters: [[Int]], supporters: [[Int]]) -> EqualSharesRun {
        var money = [Double](repeating: share, count: voters.count)
        var run = EqualSharesRun()
        // The price per unit of utility (ρ) of each project only rises as voters spend, so the last one
        // computed is a lower bound; projects whose bound already exceeds the best are skipped, as pabutools does.
        var bound = candidates.indices.map { supporters[$0].isEmpty ? Double.infinity : 1 / Double(supporters[$0].count) }
        var open = Set(candidates.indices.filter { !supporters[$0].isEmpty })
        while true {
            var best = Double.infinity
            var tied: [Int] = []
            for project in open.sorted(by: { same(bound[$0], bound[$1]) ? $0 < $1 : bound[$0] < bound[$1] }) {
                let cost = Double(candidates[project].cost)
                let available = supporters[project].reduce(0.0) { $0 + money[$1] }
                if available < cost && !same(available, cost) {
                    open.remove(project)
                    continue
                }
                if bound[project] > best && !same(bound[project], best) { break }
                // Supporters from the poorest: those who cannot pay the equal part pay all they have.
                let ordered = supporters[project].sorted { money[$0] != money[$1] ? money[$0] < money[$1] : $0 < $1 }
                var paid = 0.0
                var left = ordered.count
                for voter in ordered {
                    let part = (cost - paid) / Double(left)
                    if part <= money[voter] || same(part, money[voter]) {
                        let rho = part / cost
                        bound[project] = rho
                        if rho < best && !same(rho, best) {
                            best = rho
                            tied = [project]
                        } else if same(rho, best) {
                            tied.append(project)
                        }
                        break
                    }
                    paid += money[voter]
                    left -= 1
                }
            }
            guard let chosen = tied.min() else { break }
            let part = best * Double(candidates[chosen].cost)
            for voter in supporters[chosen] { money[voter] -= min(money[voter], part) }
            open.remove(chosen)
            run.chosen.append(chosen)
            run.shares[chosen] = part
        }
        run.money = money
        return run
    }

    static func equalShares(budget: Int64, candidates: [Candidate], voters: [[Int]]) -> Outcome {
        let votes = votes(candidates, voters)
        var supporters = [[Int]](repeating: [], count: candidates.count)
        for (voter, ballot) in voters.enumerated() { for project in ballot { supporters[project].append(voter) } }
        let supported = candidates.indices.filter { votes[$0] > 0 }
        func cost(_ chosen: [Int]) -> Int64 { chosen.reduce(0) { $0 + candidates[$1].cost } }
        func exhaustive(_ chosen: [Int]) -> Bool {
            let spent = cost(chosen)
            let taken = Set(chosen)
            return !supported.contains { !taken.contains($0) && spent + candidates[$0].cost <= budget }
        }

        var outcome = EqualSharesRun()
        var share = 0.0
        if !voters.isEmpty {
            let start = Double(budget) / Double(voters.count)
            let step = start / 100
            var level = 0
            outcome = equalSharesRun(share: start, candidates: candidates, voters: voters, supporters: supporters)
            share = start
            while !exhaustive(outcome.chosen) {
                level += 1
                let raised = start + Double(level) * step
                let next = equalSharesRun(share: raised, candidates: candidates, voters: voters, supporters: supporters)
                guard cost(next.chosen) <= budget else { break }
                outcome = next
                share = raised
            }
        }

        var positions = [Int?](repeating: nil, count: candidates.count)
        for (place, project) in outcome.chosen.enumerated() { positions[project] = place + 1 }
        let reasons: [Reason] = candidates.indices.map { project in
            if votes[project] == 0 { return .noVotes }
            if positions[project] != nil {
                return .selected(remaining: budget - cost(Array(outcome.chosen.prefix(positions[project]!))),
                                 share: outcome.shares[project])
            }
            // Equal Shares stops only when no supported project is affordable, so this is why.
            return .supportersCannotAfford(supportersMoney: supporters[project].reduce(0.0) { $0 + outcome.money[$1] })
        }
        return Outcome(
            rule: .equalShares, winners: outcome.chosen.map { candidates[$0].id },
            projects: candidates.indices.map {
                ProjectResult(
                    id: candidates[$0].id, cost: candidates[$0].cost, votes: votes[$0], position: positions[$0],
                    reason: reasons[$0])
            }, voterShare: voters.isEmpty ? nil : share)
    }
}
