public import Foundation

/// The phases of a budget round (งบประมาณแบบมีส่วนร่วม), in the order they follow each other.
public enum BudgetPhase: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Opened but not yet collecting ideas.
    case upcoming
    /// รับข้อเสนอ: residents submit ideas.
    case ideas
    /// พิจารณา: staff turn ideas into projects with a cost and a feasibility note.
    case review
    /// ลงคะแนน: verified residents cast (and may change) one ballot each.
    case vote
    /// ประกาศผล: voting is over; results are counted and published.
    case results

    public static func < (lhs: BudgetPhase, rhs: BudgetPhase) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The phase after this one (`results` is the last).
    public var next: BudgetPhase? {
        let index = Self.allCases.firstIndex(of: self)!
        return index + 1 < Self.allCases.count ? Self.allCases[index + 1] : nil
    }
}

/// When a round's phases begin: ideas from `ideasFrom`, review from `reviewFrom`, voting from
/// `voteFrom` until `voteUntil`, results after.
public struct BudgetSchedule: Sendable, Hashable {
    public var ideasFrom: Date
    public var reviewFrom: Date
    public var voteFrom: Date
    public var voteUntil: Date

    public init(ideasFrom: Date, reviewFrom: Date, voteFrom: Date, voteUntil: Date) {
        self.ideasFrom = ideasFrom
        self.reviewFrom = reviewFrom
        self.voteFrom = voteFrom
        self.voteUntil = voteUntil
    }

    /// The phase the calendar gives at `now`, moved on to `advancedTo` when staff closed the earlier
    /// phases early. Staff can only move a round forward, never back, so the later of the two wins.
    public func phase(at now: Date, advancedTo: BudgetPhase? = nil) -> BudgetPhase {
        let calendar: BudgetPhase
        if now < ideasFrom {
            calendar = .upcoming
        } else if now < reviewFrom {
            calendar = .ideas
        } else if now < voteFrom {
            calendar = .review
        } else if now < voteUntil {
            calendar = .vote
        } else {
            calendar = .results
        }
        guard let advancedTo else { return calendar }
        return max(calendar, advancedTo)
    }

    /// - Throws: `invalid_schedule` unless the dates follow each other.
    public func validate() throws(DomainError) {
        guard ideasFrom < reviewFrom, reviewFrom <= voteFrom, voteFrom < voteUntil else {
            throw DomainError.invalid(
                "invalid_schedule", th: "วันที่ของแต่ละขั้นต้องเรียงกัน: รับข้อเสนอ → พิจารณา → ลงคะแนน → สิ้นสุดการลงคะแนน",
                en: "The phase dates must follow each other: ideas, review, vote, end of vote.")
        }
    }
}

/// Which count decides a round's winners.
public enum BudgetRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Most votes first, each project taken while it still fits the remaining budget.
    case greedy
    /// The Method of Equal Shares (cost utilities, completed by raising each voter's share), see `BudgetCount`.
    case equalShares = "equal_shares"
}

/// A budget round as the public sees it.
public struct BudgetRound: Sendable, Hashable {
    public var id: Int64
    public var agencyCode: String
    public var name: String
    public var description: String
    /// In whole baht.
    public var totalBudget: Int64
    public var schedule: BudgetSchedule
    /// Area codes (provinces, districts) whose residents may vote.
    public var eligibleAreas: [String]
    public var rule: BudgetRule
    /// Set when staff closed phases early.
    public var advancedTo: BudgetPhase?
    public var resultsPublishedAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, agencyCode: String, name: String, description: String, totalBudget: Int64,
        schedule: BudgetSchedule, eligibleAreas: [String], rule: BudgetRule, advancedTo: BudgetPhase?,
        resultsPublishedAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.agencyCode = agencyCode
        self.name = name
        self.description = description
        self.totalBudget = totalBudget
        self.schedule = schedule
        self.eligibleAreas = eligibleAreas
        self.rule = rule
        self.advancedTo = advancedTo
        self.resultsPublishedAt = resultsPublishedAt
        self.createdAt = createdAt
    }

    public func phase(at now: Date) -> BudgetPhase {
        schedule.phase(at: now, advancedTo: advancedTo)
    }
}

/// What became of an idea.
public enum BudgetIdeaStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for staff review.
    case submitted
    /// Turned into a project (possibly together with other ideas).
    case accepted
    /// Not taken forward; the reason is public.
    case declined
}

/// An idea a resident submitted to a round (ข้อเสนอโครงการ).
public struct BudgetIdea: Sendable, Hashable {
    public var id: Int64
    public var roundID: Int64
    public var title: String
    public var text: String
    public var status: BudgetIdeaStatus
    public var declineReason: String?
    public var projectID: Int64?
    /// The proposal (issue 14 items 1–4) this idea came from or became, once proposals exist.
    public var proposalID: Int64?
    public var createdAt: Date

    public init(
        id: Int64, roundID: Int64, title: String, text: String, status: BudgetIdeaStatus, declineReason: String?,
        projectID: Int64?, proposalID: Int64?, createdAt: Date
    ) {
        self.id = id
        self.roundID = roundID
        self.title = title
        self.text = text
        self.status = status
        self.declineReason = declineReason
        self.projectID = projectID
        self.proposalID = proposalID
        self.createdAt = createdAt
    }
}

/// How far a winning project has come.
public enum BudgetProjectProgress: String, Sendable, Hashable, Codable, CaseIterable {
    case planned
    case underway = "in_progress"
    case implemented
}

/// A costed project voters can choose (โครงการ).
public struct BudgetProject: Sendable, Hashable {
    public var id: Int64
    public var roundID: Int64
    public var title: String
    public var description: String
    /// In whole baht, more than zero.
    public var cost: Int64
    public var feasibility: String
    public var proposalID: Int64?
    /// Set once results are published and this project won.
    public var progress: BudgetProjectProgress?

    public init(
        id: Int64, roundID: Int64, title: String, description: String, cost: Int64, feasibility: String,
        proposalID: Int64?, progress: BudgetProjectProgress?
    ) {
        self.id = id
        self.roundID = roundID
        self.title = title
        self.description = description
        self.cost = cost
        self.feasibility = feasibility
        self.proposalID = proposalID
        self.progress = progress
    }
}

/// A progress update on a winning project.
public struct BudgetProgressUpdate: Sendable, Hashable {
    public var projectID: Int64
    public var progress: BudgetProjectProgress
    public var note: String
    public var at: Date

    public init(projectID: Int64, progress: BudgetProjectProgress, note: String, at: Date) {
        self.projectID = projectID
        self.progress = progress
        self.note = note
        self.at = at
    }
}

/// A round's turnout: ballots cast out of voters who verified themselves.
public struct BudgetTurnout: Sendable, Hashable {
    public var roundID: Int64
    public var verifiedVoters: Int
    public var ballots: Int

    public init(roundID: Int64, verifiedVoters: Int, ballots: Int) {
        self.roundID = roundID
        self.verifiedVoters = verifiedVoters
        self.ballots = ballots
    }
}

/// Whether a ballot was new or replaced the voter's earlier one.
public enum BudgetBallotCast: String, Sendable, Equatable {
    case cast
    case replaced
}

/// One published result of one project under one rule, as open data publishes it.
public struct BudgetResultRecord: Sendable, Hashable {
    public var roundID: Int64
    public var roundName: String
    public var agencyCode: String
    public var eligibleAreas: [String]
    public var totalBudget: Int64
    public var rule: BudgetRule
    public var binding: Bool
    public var projectID: Int64
    public var projectTitle: String
    public var cost: Int64
    public var votes: Int
    public var selected: Bool
    public var position: Int?
    public var reason: String
    public var ballots: Int
    public var verifiedVoters: Int
    public var progress: BudgetProjectProgress?
    public var publishedAt: Date

    public init(
        roundID: Int64, roundName: String, agencyCode: String, eligibleAreas: [String], totalBudget: Int64,
        rule: BudgetRule, binding: Bool, projectID: Int64, projectTitle: String, cost: Int64, votes: Int,
        selected: Bool, position: Int?, reason: String, ballots: Int, verifiedVoters: Int,
        progress: BudgetProjectProgress?, publishedAt: Date
    ) {
        self.roundID = roundID
        self.roundName = roundName
        self.agencyCode = agencyCode
        self.eligibleAreas = eligibleAreas
        self.totalBudget = totalBudget
        self.rule = rule
        self.binding = binding
        self.projectID = projectID
        self.projectTitle = projectTitle
        self.cost = cost
        self.votes = votes
        self.selected = selected
        self.position = position
        self.reason = reason
        self.ballots = ballots
        self.verifiedVoters = verifiedVoters
        self.progress = progress
        self.publishedAt = publishedAt
    }
}
