import Crypto
public import Domain
public import Foundation
public import Store
import ThaiText
import JSONBytes

/// Participatory budgeting (งบประมาณแบบมีส่วนร่วม): an agency opens a round for its area, residents
/// submit ideas, staff cost them into projects, verified residents vote with knapsack ballots, and the
/// count (`BudgetCount`) under the round's rule decides the winners, which staff then follow to the end.
public struct BudgetService: Sendable {
    let store: BudgetStore
    let reference: Reference
    let codes: OneTimeCodes
    let clock: @Sendable () -> Date
    /// The key of the voters' HMAC from settings; nil to use the one kept in the database.
    let configuredSecret: [UInt8]?
    /// A winner's proposal's words for "similar proposals" (title, text), as a citizen's are indexed.
    let winnerWords: @Sendable (String, String) -> [String]
    /// A winner's proposal's topic from its text: projects carry none.
    let winnerTopic: @Sendable (String) -> String

    /// The one-time code purpose a voter's code must have been sent for.
    public static let votePurpose = "vote"

    public init(
        store: BudgetStore, reference: Reference, codes: OneTimeCodes, clock: @escaping @Sendable () -> Date,
        voterSecret: String? = nil, winnerWords: @escaping @Sendable (String, String) -> [String] = { _, _ in [] },
        winnerTopic: @escaping @Sendable (String) -> String = { _ in BudgetWinnerRules.fallbackCategory }
    ) {
        self.store = store
        self.reference = reference
        self.codes = codes
        self.clock = clock
        configuredSecret = voterSecret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.winnerWords = winnerWords
        self.winnerTopic = winnerTopic
    }

    // MARK: Rounds

    /// What staff give to open a round.
    public struct RoundDraft: Sendable {
        public var agencyCode: String?
        public var name: String
        public var description: String
        public var totalBudget: Int64
        public var schedule: BudgetSchedule
        public var eligibleAreas: [String]
        public var rule: BudgetRule

        public init(
            agencyCode: String? = nil, name: String, description: String = "", totalBudget: Int64,
            schedule: BudgetSchedule, eligibleAreas: [String], rule: BudgetRule
        ) {
            self.agencyCode = agencyCode
            self.name = name
            self.description = description
            self.totalBudget = totalBudget
            self.schedule = schedule
            self.eligibleAreas = eligibleAreas
            self.rule = rule
        }
    }

    /// Opens a round for the officer's agency (an administrator names the agency).
    /// - Throws: `forbidden` for triage officers; `invalid` for a missing name, a budget of zero, dates
    ///   out of order or areas that are not provinces or districts.
    public func openRound(by staff: StaffMember, _ draft: RoundDraft) async throws -> BudgetRound {
        let agency: String
        switch staff.role {
        case .officer: agency = staff.agencyCode ?? ""
        case .admin: agency = draft.agencyCode ?? staff.agencyCode ?? ""
        case .triage, .partner: throw Self.notStaffOfRound
        }
        guard reference.agencies[agency] != nil else {
            throw DomainError.invalid("unknown_agency", th: "ไม่พบหน่วยงานที่ระบุ", en: "No agency with this code.")
        }
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else {
            throw DomainError.invalid("invalid_name", th: "กรุณาตั้งชื่อรอบ (ไม่เกิน 200 ตัวอักษร)", en: "Give the round a name (up to 200 characters).")
        }
        guard draft.totalBudget > 0, draft.totalBudget <= 1_000_000_000_000 else {
            throw DomainError.invalid("invalid_budget", th: "งบประมาณต้องมากกว่า 0 บาท", en: "The budget must be more than 0 baht.")
        }
        try draft.schedule.validate()
        let areas = Array(Set(draft.eligibleAreas.map { $0.trimmingCharacters(in: .whitespaces) })).sorted()
        guard !areas.isEmpty, areas.allSatisfy({ [.province, .district].contains(reference.areas[$0]?.level) }) else {
            throw DomainError.invalid(
                "invalid_areas", th: "กรุณาระบุพื้นที่ของรอบเป็นรหัสจังหวัดหรืออำเภอ/เขต",
                en: "Give the round's area as province or district codes.")
        }
        let id = try await store.createRound(
            agencyCode: agency, name: name, description: draft.description, totalBudget: draft.totalBudget,
            schedule: draft.schedule, eligibleAreas: areas, rule: draft.rule, staffID: staff.id, at: clock())
        return try await round(id: id)
    }

    public func rounds(agencyCode: String? = nil) async throws -> [BudgetRound] {
        try await store.rounds(agencyCode: agencyCode)
    }

    public func round(id: Int64) async throws -> BudgetRound {
        guard let round = try await store.round(id: id) else { throw DomainError.budgetRoundNotFound }
        return round
    }

    /// The phase of `round` now.
    public func phase(of round: BudgetRound) -> BudgetPhase { round.phase(at: clock()) }

    /// The service's clock (the voter's cookie lasts until the vote closes).
    public func phaseClock() -> Date { clock() }

    /// Everything public about a round.
    public struct RoundView: Sendable {
        public var round: BudgetRound
        public var phase: BudgetPhase
        public var projects: [BudgetProject]
        /// Ideas with personal data in their text replaced by labels.
        public var ideas: [BudgetIdea]
        /// The published outcomes, binding rule first; empty before publication.
        public var results: [BudgetCount.Outcome]
        public var updates: [BudgetProgressUpdate]
        public var turnout: BudgetTurnout
        /// The proposals the winners became, by project; empty before publication.
        public var winnerProposals: [Int64: BudgetWinnerProposal]
    }

    public func view(id: Int64) async throws -> RoundView {
        let round = try await round(id: id)
        async let projects = store.projects(roundID: id)
        async let ideas = store.ideas(roundID: id)
        async let results = store.results(roundID: id)
        async let updates = store.progressUpdates(roundID: id)
        async let turnout = store.turnout()
        async let winnerProposals = store.winnerProposals(roundID: id)
        return RoundView(
            round: round, phase: phase(of: round), projects: try await projects,
            ideas: try await ideas.map {
                var idea = $0
                idea.title = PersonalData.redact(idea.title)
                idea.text = PersonalData.redact(idea.text)
                return idea
            },
            results: try await results.sorted { $0.rule == round.rule && $1.rule != round.rule },
            updates: try await updates,
            turnout: try await turnout[id] ?? BudgetTurnout(roundID: id, verifiedVoters: 0, ballots: 0),
            winnerProposals: try await winnerProposals)
    }

    /// Every published result, for open data.
    public func publishedResults() async throws -> [BudgetResultRecord] {
        try await store.publishedResults()
    }

    /// Every round with its turnout, for statistics and open data.
    public func turnout() async throws -> [Int64: BudgetTurnout] {
        try await store.turnout()
    }

    /// A round as statistics show it: its phase, turnout and the binding rule's winners.
    public struct RoundFigures: Sendable {
        public var round: BudgetRound
        public var phase: BudgetPhase
        public var verifiedVoters: Int
        public var ballots: Int
        /// Ballots cast ÷ verified voters, to three places; nil before anyone verified.
        public var turnout: Double?
        /// The binding rule's chosen projects in the order chosen; empty until results are published.
        public var winners: [Int64]
        public var spent: Int64
    }

    /// Every round's figures, for the statistics API and page.
    public func roundFigures() async throws -> [RoundFigures] {
        let results = try await publishedResults()
        let turnout = try await turnout()
        return try await rounds().map { round in
            let counted = turnout[round.id] ?? BudgetTurnout(roundID: round.id, verifiedVoters: 0, ballots: 0)
            let won = results.filter { $0.roundID == round.id && $0.binding && $0.selected }
                .sorted { ($0.position ?? 0) < ($1.position ?? 0) }
            return RoundFigures(
                round: round, phase: phase(of: round), verifiedVoters: counted.verifiedVoters, ballots: counted.ballots,
                turnout: counted.verifiedVoters > 0
                    ? (Double(counted.ballots) / Double(counted.verifiedVoters)).rounded(toPlaces: 3) : nil,
                winners: won.map(\.projectID), spent: won.reduce(0) { $0 + $1.cost })
        }
    }

    static let notStaffOfRound = DomainError(
        .forbidden, code: "not_round_staff", th: "เฉพาะเจ้าหน้าที่ของหน่วยงานเจ้าของรอบนี้เท่านั้น",
        en: "Only staff of the round's agency may do this.")

    /// The round, once `staff` is allowed to manage it (its agency's officers, administrators).
    func managed(_ id: Int64, by staff: StaffMember) async throws -> BudgetRound {
        let round = try await round(id: id)
        guard staff.role == .admin || (staff.role == .officer && staff.agencyCode == round.agencyCode) else {
            throw Self.notStaffOfRound
        }
        return round
    }

    static func require(_ phase: BudgetPhase, at now: Date) -> @Sendable (BudgetRound) throws -> Void {
        { round in
            let current = round.phase(at: now)
            guard current == phase else { throw DomainError.budgetWrongPhase(needs: phase, current: current) }
        }
    }

    /// Closes the round's current phase early: the next one begins now (closing "upcoming" opens ideas).
    /// - Throws: `budget_wrong_phase` when the round is already in results.
    public func closePhase(of id: Int64, by staff: StaffMember) async throws -> BudgetPhase {
        _ = try await managed(id, by: staff)
        let now = clock()
        let round = try await self.round(id: id)
        guard let next = round.phase(at: now).next else {
            throw DomainError(.conflict, code: "budget_last_phase", th: "รอบนี้อยู่ในขั้นสุดท้ายแล้ว", en: "The round is already in its last phase.")
        }
        let current = round.phase(at: now)
        try await store.advance(roundID: id, to: next, check: Self.require(current, at: now))
        return next
    }

    // MARK: Ideas and projects

    /// A resident's idea.
    /// - Throws: `budget_wrong_phase` outside the ideas phase; `invalid_title`, `invalid_text`.
    public func submitIdea(
        roundID: Int64, title: String, text: String, contact: (name: String?, phone: String?, email: String?)?
    ) async throws -> Int64 {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(title.count) else {
            throw DomainError.invalid("invalid_title", th: "กรุณาใส่ชื่อข้อเสนอ (ไม่เกิน 120 ตัวอักษร)", en: "Give the idea a title (up to 120 characters).")
        }
        guard (1...5000).contains(text.count) else {
            throw DomainError.invalid("invalid_text", th: "กรุณาอธิบายข้อเสนอ (ไม่เกิน 5,000 ตัวอักษร)", en: "Describe the idea (up to 5,000 characters).")
        }
        func blank(_ value: String?) -> String? {
            value.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        let contact = contact.map { (name: blank($0.name), phone: blank($0.phone), email: blank($0.email)) }
        let now = clock()
        return try await store.submitIdea(
            roundID: roundID, title: title, text: text, contact: contact, at: now, check: Self.require(.ideas, at: now))
    }

    /// What staff give to make a project.
    public struct ProjectDraft: Sendable {
        public var title: String
        public var description: String
        public var cost: Int64
        public var feasibility: String
        public var ideaIDs: [Int64]
        public var proposalID: Int64?

        public init(
            title: String, description: String = "", cost: Int64, feasibility: String, ideaIDs: [Int64] = [],
            proposalID: Int64? = nil
        ) {
            self.title = title
            self.description = description
            self.cost = cost
            self.feasibility = feasibility
            self.ideaIDs = ideaIDs
            self.proposalID = proposalID
        }
    }

    /// Makes a costed project, from ideas of the round or from none (staff's own), in the review phase.
    public func createProject(roundID: Int64, by staff: StaffMember, _ draft: ProjectDraft) async throws -> Int64 {
        let round = try await managed(roundID, by: staff)
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(title.count) else {
            throw DomainError.invalid("invalid_title", th: "กรุณาใส่ชื่อโครงการ", en: "Give the project a title.")
        }
        guard draft.cost > 0, draft.cost <= round.totalBudget else {
            throw DomainError.invalid(
                "invalid_cost", th: "ค่าใช้จ่ายต้องมากกว่า 0 และไม่เกินงบประมาณของรอบ",
                en: "The cost must be more than 0 and no more than the round's budget.")
        }
        let now = clock()
        return try await store.createProject(
            roundID: roundID, title: title, description: draft.description, cost: draft.cost,
            feasibility: draft.feasibility.trimmingCharacters(in: .whitespacesAndNewlines), ideaIDs: draft.ideaIDs,
            proposalID: draft.proposalID, at: now, check: Self.require(.review, at: now))
    }

    /// Declines an idea with a reason the public sees, in the review phase.
    public func declineIdea(roundID: Int64, ideaID: Int64, reason: String, by staff: StaffMember) async throws {
        _ = try await managed(roundID, by: staff)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(reason.count) else {
            throw DomainError.invalid("invalid_reason", th: "กรุณาระบุเหตุผล", en: "Give a reason.")
        }
        let now = clock()
        guard try await store.declineIdea(roundID: roundID, ideaID: ideaID, reason: reason, check: Self.require(.review, at: now))
        else { throw DomainError.budgetIdeaNotOpen }
    }

    /// An idea's contact details, for the round's staff.
    public func ideaContact(roundID: Int64, ideaID: Int64, by staff: StaffMember) async throws -> (name: String?, phone: String?, email: String?)? {
        _ = try await managed(roundID, by: staff)
        guard try await store.ideas(roundID: roundID).contains(where: { $0.id == ideaID }) else { return nil }
        return try await store.ideaContact(ideaID: ideaID)
    }

    // MARK: Voting

    /// A verified voter's token: it casts and changes their ballot until the vote closes. Shown once.
    public struct VoterToken: Sendable, Equatable {
        public var token: String
    }

    /// Proves a voter with a one-time code sent for "vote", checks the district they declare against the
    /// round's area, and gives them a token for their ballot. Only an HMAC of the address is kept.
    /// - Throws: `budget_wrong_phase` outside the vote; `budget_area_not_eligible`; the one-time code's errors;
    ///   `code_wrong_purpose` for a code sent for something else.
    public func verifyVoter(roundID: Int64, codeID: Int64, code: String, areaCode: String) async throws -> VoterToken {
        let round = try await round(id: roundID)
        let now = clock()
        try Self.require(.vote, at: now)(round)
        guard isEligible(areaCode: areaCode, round: round) else { throw DomainError.budgetIneligibleArea }
        let proved = try await codes.verify(id: codeID, code: code)
        guard proved.purpose == Self.votePurpose else {
            throw DomainError.invalid(
                "code_wrong_purpose", th: "รหัสนี้ไม่ได้ขอไว้สำหรับการลงคะแนน", en: "This code was not sent for voting.")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try await store.registerVoter(
            roundID: roundID, voterHash: try await voterHash(proved.address), areaCode: areaCode,
            tokenHash: Self.tokenHash(token), at: now, check: Self.require(.vote, at: now))
        return VoterToken(token: token)
    }

    /// Whether a resident of `areaCode` (a district or subdistrict) may vote in `round`: residency is
    /// declared, not proved; the area or one it lies in must be among the round's.
    public func isEligible(areaCode: String, round: BudgetRound) -> Bool {
        var code: String? = areaCode
        guard let area = reference.areas[areaCode], area.level != .province else { return false }
        while let current = code {
            if round.eligibleAreas.contains(current) { return true }
            code = reference.areas[current]?.parentCode
        }
        return false
    }

    /// Casts or replaces the ballot of the voter holding `token`.
    /// - Throws: `voter_not_verified` (unknown token); `budget_wrong_phase` outside the vote;
    ///   `ballot_empty`, `ballot_unknown_project`, `ballot_over_budget`. A refused ballot changes nothing.
    public func castBallot(roundID: Int64, token: String, projects: [Int64]) async throws -> BudgetBallotCast {
        let now = clock()
        return try await store.castBallot(roundID: roundID, tokenHash: Self.tokenHash(token), at: now) { round, candidates in
            try Self.require(.vote, at: now)(round)
            return try BudgetBallotRule.check(projects, projects: candidates, budget: round.totalBudget)
        }
    }

    /// The projects on the ballot of the voter holding `token`, nil when none; whether the token is a voter's.
    public func ballot(roundID: Int64, token: String) async throws -> (isVoter: Bool, projects: [Int64]?) {
        let hash = Self.tokenHash(token)
        return (try await store.isVoter(roundID: roundID, tokenHash: hash), try await store.ballot(roundID: roundID, tokenHash: hash))
    }

    static func tokenHash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// HMAC-SHA256 of the normalised address under the server's key: the same person gives the same
    /// hash in a round (so one ballot each), and the address cannot be read back from it.
    func voterHash(_ address: String) async throws -> [UInt8] {
        var secret = configuredSecret
        if secret == nil { secret = try await store.voterSecret() }
        let key = SymmetricKey(data: secret ?? [])
        return Array(HMAC<SHA256>.authenticationCode(for: Data(Self.normalised(address).utf8), using: key))
    }

    /// E-mail addresses lower-cased; phone numbers as digits with Thailand's 0 prefix written as 66.
    static func normalised(_ address: String) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("@") { return "email:" + trimmed.lowercased() }
        var digits = trimmed.filter(\.isNumber)
        if digits.hasPrefix("0") { digits = "66" + digits.dropFirst() }
        return "sms:" + digits
    }

    // MARK: Results and progress

    /// Counts the ballots under both rules and publishes the outcomes, once voting is over; each of the
    /// binding rule's winners becomes, in the same transaction, a proposal the round's agency adopted,
    /// followed to implementation as every adopted proposal is.
    /// - Throws: `budget_wrong_phase` before the results phase; `budget_results_published` the second time.
    public func publishResults(roundID: Int64, by staff: StaffMember) async throws {
        _ = try await managed(roundID, by: staff)
        let now = clock()
        let year = BangkokYear.of(now)
        try await store.publishResults(
            roundID: roundID, at: now, staffID: staff.id, winners: try await winnerDrafts(roundID: roundID),
            makeCode: {
                var generator = SystemRandomNumberGenerator()
                return TrackingCode.make(year: year, prefix: "PR", using: &generator)
            },
            check: { round in
                try Self.require(.results, at: now)(round)
                guard round.resultsPublishedAt == nil else { throw DomainError.budgetResultsPublished }
            },
            count: { round, projects, ballots in
                BudgetRule.allCases.map { BudgetCount.count(rule: $0, budget: round.totalBudget, projects: projects, ballots: ballots) }
            })
    }

    /// Progress on a winning project.
    public func addProgress(
        roundID: Int64, projectID: Int64, progress: BudgetProjectProgress, note: String, by staff: StaffMember
    ) async throws {
        _ = try await managed(roundID, by: staff)
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(note.count) else {
            throw DomainError.invalid("invalid_note", th: "กรุณาเขียนความคืบหน้า", en: "Describe the progress.")
        }
        guard
            try await store.addProgress(
                roundID: roundID, projectID: projectID, progress: progress, note: note, staffID: staff.id, at: clock())
        else {
            throw DomainError(
                .conflict, code: "budget_project_not_selected", th: "โครงการนี้ไม่ได้รับเลือก",
                en: "Progress is followed only for winning projects.")
        }
    }
}
