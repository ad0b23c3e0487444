/// Where a proposal came from: a citizen proposed it, or it won a participatory-budgeting round and
/// was adopted by the round's agency when the results were published. The raw values are open data's.
public enum ProposalOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    case citizen
    case budgetRound = "budget_round"
}

/// The budget project (and its round) a proposal stands for: a winner of the round, followed to
/// implementation as an adopted proposal.
public struct ProposalBudgetLink: Sendable, Hashable {
    public var projectID: Int64
    public var roundID: Int64
    public var roundName: String

    public init(projectID: Int64, roundID: Int64, roundName: String) {
        self.projectID = projectID
        self.roundID = roundID
        self.roundName = roundName
    }
}

/// The proposal a winning budget project became, as the budget's pages and API link to it.
public struct BudgetWinnerProposal: Sendable, Hashable {
    public var projectID: Int64
    public var proposalID: Int64
    public var code: String
    public var status: ProposalStatus

    public init(projectID: Int64, proposalID: Int64, code: String, status: ProposalStatus) {
        self.projectID = projectID
        self.proposalID = proposalID
        self.code = code
        self.status = status
    }
}

/// The rules that turn a winning project into a proposal.
public enum BudgetWinnerRules {
    /// The topic of a winner whose text the classifier cannot place: projects carry no topic of their own.
    public static let fallbackCategory = "other"

    /// The scope of a round's winners, from the round's eligible areas (province codes have two digits,
    /// district codes four, and a district's begin with its province's): one district is a district
    /// scope, areas all within one province that province's, areas of several provinces national.
    public static func scope(of eligibleAreas: [String]) -> ProposalScope {
        let provinces = Set(eligibleAreas.map { String($0.prefix(2)) })
        guard provinces.count == 1, let province = provinces.first else { return ProposalScope(level: .national) }
        if eligibleAreas.count == 1, let only = eligibleAreas.first, only.count == 4 {
            return ProposalScope(level: .district, provinceCode: province, districtCode: only)
        }
        return ProposalScope(level: .province, provinceCode: province)
    }

    /// Progress on a proposal, as the budget project's progress: the last update is `implemented`, any
    /// other is `in_progress`.
    public static func projectProgress(implemented: Bool) -> BudgetProjectProgress {
        implemented ? .implemented : .underway
    }

    /// The public answer the round's agency gives its winner, in both languages (one stored text).
    public static func answerText(roundName: String, votes: Int) -> String {
        "ได้รับเลือกจากการลงคะแนนงบประมาณแบบมีส่วนร่วม รอบ “\(roundName)” (\(votes) เสียง) "
            + "หน่วยงานรับไปดำเนินการ / Won the participatory budgeting vote of round “\(roundName)” "
            + "(\(votes) votes) and adopted by the agency."
    }
}
