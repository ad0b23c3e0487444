import Domain
import Foundation
import Testing

@Suite("Budget count")
struct BudgetCountTests {
    typealias C = BudgetCount.Candidate

    @Test("greedy takes projects by votes and skips one that no longer fits, so a cheaper one after it can win")
    func greedySkips() {
        let outcome = BudgetCount.count(
            rule: .greedy, budget: 100, projects: [C(id: 1, cost: 60), C(id: 2, cost: 50), C(id: 3, cost: 30)],
            ballots: [[1], [1], [1, 3], [2], [2], [3]])
        #expect(outcome.winners == [1, 3])
        #expect(outcome.projects[1].reason == .doesNotFit(remaining: 40))
        #expect(outcome.projects[2].reason == .selected(remaining: 10, share: nil))
        #expect(outcome.spent == 90)
    }

    @Test("a tie in votes goes to the project created first, whatever order they are given in")
    func tieBreak() {
        let projects = [C(id: 7, cost: 60), C(id: 3, cost: 60)]
        for rule in BudgetRule.allCases {
            // Two votes each, and under Equal Shares the same price for their supporters: only one fits.
            let outcome = BudgetCount.count(rule: rule, budget: 100, projects: projects, ballots: [[7], [3], [7, 3]])
            #expect(outcome.winners == [3], "\(rule)")
            let reversed = BudgetCount.count(
                rule: rule, budget: 100, projects: projects.reversed(), ballots: [[3, 7], [3], [7]])
            #expect(reversed == outcome, "\(rule)")
        }
    }

    @Test("a project nobody voted for is never chosen, even with money left")
    func noVotes() {
        for rule in BudgetRule.allCases {
            let outcome = BudgetCount.count(
                rule: rule, budget: 1000, projects: [C(id: 1, cost: 10), C(id: 2, cost: 10)], ballots: [[1]])
            #expect(outcome.winners == [1])
            #expect(outcome.projects[1].reason == .noVotes)
        }
    }

    @Test("Equal Shares gives a minority its proportional share where greedy gives the majority everything")
    func equalSharesProportional() {
        // 6 voters want 1 and 2, 4 voters want 3; each project costs 40, the budget is 100.
        let ballots = Array(repeating: [Int64(1), 2], count: 6) + Array(repeating: [Int64(3)], count: 4)
        let projects = [C(id: 1, cost: 40), C(id: 2, cost: 40), C(id: 3, cost: 40)]
        #expect(BudgetCount.count(rule: .greedy, budget: 100, projects: projects, ballots: ballots).winners == [1, 2])
        let shares = BudgetCount.count(rule: .equalShares, budget: 100, projects: projects, ballots: ballots)
        #expect(Set(shares.winners) == [1, 3])
        #expect(shares.projects[1].reason.isSupportersCannotAfford)
    }

    @Test("the same ballots always give the same outcome, in any order")
    func deterministic() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<50 {
            let instance = RandomBudgetInstance.make(&random)
            for rule in BudgetRule.allCases {
                let first = instance.count(rule)
                let shuffled = BudgetCount.count(
                    rule: rule, budget: instance.budget, projects: instance.projects.shuffled(using: &random),
                    ballots: instance.ballots.shuffled(using: &random).map { $0.shuffled(using: &random) })
                #expect(first == shuffled)
                #expect(first.spent <= instance.budget)
            }
        }
    }

    @Test("the phase follows the calendar, and staff can move it on but never back")
    func phases() {
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let schedule = BudgetSchedule(
            ideasFrom: start, reviewFrom: start + 10 * day, voteFrom: start + 20 * day, voteUntil: start + 30 * day)
        #expect(schedule.phase(at: start - 1) == .upcoming)
        #expect(schedule.phase(at: start) == .ideas)
        #expect(schedule.phase(at: start + 15 * day) == .review)
        #expect(schedule.phase(at: start + 20 * day) == .vote)
        #expect(schedule.phase(at: start + 30 * day) == .results)
        #expect(schedule.phase(at: start + day, advancedTo: .review) == .review)
        #expect(schedule.phase(at: start + 25 * day, advancedTo: .review) == .vote)
    }

    @Test("a ballot must name projects of the round, at least one, and fit the budget")
    func ballotRule() throws {
        let projects = [C(id: 1, cost: 60), C(id: 2, cost: 50)]
        #expect(throws: Never.self) { try BudgetBallotRule.check([1], projects: projects, budget: 100) }
        #expect(performing: { try BudgetBallotRule.check([1, 2], projects: projects, budget: 100) },
                throws: { ($0 as? DomainError)?.code == "ballot_over_budget" })
        #expect(performing: { try BudgetBallotRule.check([3], projects: projects, budget: 100) },
                throws: { ($0 as? DomainError)?.code == "ballot_unknown_project" })
        #expect(performing: { try BudgetBallotRule.check([], projects: projects, budget: 100) },
                throws: { ($0 as? DomainError)?.code == "ballot_empty" })
    }
}

extension BudgetCount.Reason {
    var isSupportersCannotAfford: Bool {
        if case .supportersCannotAfford = self { return true }
        return false
    }
}

/// A seeded generator, so every run of the tests counts the same instances.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random round: 2–12 projects, a budget of 30–80% of their total cost, 1–60 voters each choosing
/// a knapsack ballot (projects in random order, kept while they fit the budget, up to a random size).
struct RandomBudgetInstance: Encodable {
    struct Project: Encodable { var id: Int64; var cost: Int64 }
    var budget: Int64
    var projects: [BudgetCount.Candidate]
    var ballots: [[Int64]]

    static func make(_ random: inout SplitMix64) -> RandomBudgetInstance {
        let count = Int.random(in: 2...12, using: &random)
        var ids = Set<Int64>()
        while ids.count < count { ids.insert(Int64.random(in: 1...500, using: &random)) }
        let projects = ids.sorted().map {
            BudgetCount.Candidate(id: $0, cost: Int64.random(in: 1...40, using: &random) * 5_000)
        }
        let total = projects.reduce(0) { $0 + $1.cost }
        let budget = total * Int64.random(in: 30...80, using: &random) / 100
        let voters = Int.random(in: 1...60, using: &random)
        // A few popular projects, so votes are skewed as in real rounds.
        let weights = projects.map { _ in Double.random(in: 0.05...1, using: &random) }
        let ballots: [[Int64]] = (0..<voters).map { _ in
            var ballot: [Int64] = []
            var spent: Int64 = 0
            let size = Int.random(in: 1...count, using: &random)
            for index in projects.indices.shuffled(using: &random) where ballot.count < size {
                if Double.random(in: 0...1, using: &random) < weights[index], spent + projects[index].cost <= budget {
                    ballot.append(projects[index].id)
                    spent += projects[index].cost
                }
            }
            return ballot.isEmpty ? [projects.min { $0.cost < $1.cost }!.id] : ballot
        }
        return RandomBudgetInstance(budget: budget, projects: projects, ballots: ballots)
    }

    func count(_ rule: BudgetRule) -> BudgetCount.Outcome {
        BudgetCount.count(rule: rule, budget: budget, projects: projects, ballots: ballots)
    }

    enum CodingKeys: String, CodingKey { case budget, projects, ballots }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(budget, forKey: .budget)
        try container.encode(projects.map { Project(id: $0.id, cost: $0.cost) }, forKey: .projects)
        try container.encode(ballots, forKey: .ballots)
    }
}
