import Domain
import Foundation
import Testing

@Suite("Case lifecycle")
struct LifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let rules = LifecycleRules(maximumTransfers: 3, maximumReturns: 1, reopenWindow: 30 * 86_400)

    func state(_ status: CaseStatus, agency: String? = "bma-district-1047") -> CaseState {
        CaseState(status: status, agencyCode: status == .triage ? nil : agency, categoryCode: "road")
    }

    static let everyAction: [StaffAction] = [
        .accept(note: nil), .start(note: nil), .comment(note: "ok", internal: false), .resolve(result: "ซ่อมแล้ว"),
        .reject(reason: .notACase, note: nil), .transfer(agency: "mea", note: "ของ กฟน."),
        .recategorise(category: "drainage", note: nil), .merge(into: "SG-2026-AAAAAA", note: nil),
        .place(agency: "bma-district-1001", category: nil, note: nil),
    ]

    /// Which statuses each action is allowed in (the transition table in docs/case-lifecycle.md).
    static let allowed: [String: Set<CaseStatus>] = [
        "accept": [.assigned],
        "start": [.accepted],
        "comment": [.triage, .assigned, .accepted, .inProgress, .resolved],
        "resolve": [.accepted, .inProgress],
        "reject": [.triage, .assigned, .accepted, .inProgress],
        "transfer": [.assigned, .accepted, .inProgress],
        "recategorise": [.triage, .assigned, .accepted, .inProgress, .resolved],
        "merge": [.triage, .assigned, .accepted, .inProgress],
        "place": [.triage],
    ]

    @Test("the actions offered in each status are those the transition table allows and the role may take", arguments: CaseStatus.allCases)
    func allowedActions(status: CaseStatus) {
        let agency = status == .triage ? nil : "bma-district-1047"
        let admin = StaffMember(id: 1, name: "a", role: .admin, agencyCode: nil)
        let officer = StaffMember(id: 2, name: "o", role: .officer, agencyCode: "bma-district-1047")
        let triage = StaffMember(id: 3, name: "t", role: .triage, agencyCode: nil)
        let offered = Set(Lifecycle.allowedActions(in: status, agencyCode: agency, for: admin).map(\.rawValue))
        #expect(offered == Set(Self.allowed.filter { $0.value.contains(status) }.keys))
        let officers = Lifecycle.allowedActions(in: status, agencyCode: agency, for: officer).map(\.rawValue)
        #expect(!officers.contains("place"))
        if status != .triage { #expect(Set(officers) == offered.subtracting(["place"])) }
        let triageDesk = Set(Lifecycle.allowedActions(in: status, agencyCode: agency, for: triage).map(\.rawValue))
        #expect(triageDesk.isSubset(of: ["place", "comment", "reject", "recategorise", "merge", "transfer"]))
        #expect(triageDesk.isSubset(of: offered))
        // Someone else's case offers an officer nothing.
        #expect(Lifecycle.allowedActions(in: status, agencyCode: "mea", for: officer).isEmpty)
    }

    @Test("every staff action is allowed exactly in its statuses and refused as a conflict in every other", arguments: everyAction)
    func transitionTable(action: StaffAction) {
        for status in CaseStatus.allCases {
            let result = Result { () throws(DomainError) in try Lifecycle.apply(action, to: state(status), at: now, rules: rules) }
            if Self.allowed[action.name]!.contains(status) {
                #expect(throws: Never.self, "\(action.name) in \(status)") { try result.get() }
            } else {
                #expect(throws: DomainError.self, "\(action.name) in \(status)") { try result.get() }
                if case .failure(let error) = result {
                    #expect(error.kind == .conflict)
                    #expect(error.code == "illegal_transition")
                    #expect(error.messageEN.contains(status.rawValue))
                }
            }
        }
    }

    @Test("accepting records the acknowledgement once; starting records the first answer")
    func acknowledgement() throws {
        let (accepted, entry) = try Lifecycle.apply(.accept(note: nil), to: state(.assigned), at: now, rules: rules)
        #expect(accepted.status == .accepted)
        #expect(accepted.acknowledgedAt == now)
        #expect(entry.kind == .accepted)
        let later = now.addingTimeInterval(3600)
        let (started, _) = try Lifecycle.apply(.start(note: nil), to: accepted, at: later, rules: rules)
        #expect(started.status == .inProgress)
        #expect(started.acknowledgedAt == now)
        #expect(started.firstAnsweredAt == later)
    }

    @Test("an internal comment is not an answer to the citizen; a public one is")
    func comments() throws {
        let (internalNote, entry) = try Lifecycle.apply(.comment(note: "check", internal: true), to: state(.accepted), at: now, rules: rules)
        #expect(internalNote.firstAnsweredAt == nil)
        #expect(entry.isInternal)
        let (answered, _) = try Lifecycle.apply(.comment(note: "กำลังประสานงาน", internal: false), to: state(.accepted), at: now, rules: rules)
        #expect(answered.firstAnsweredAt == now)
    }

    @Test("resolving needs a result text")
    func resolveNeedsResult() {
        do {
            _ = try Lifecycle.apply(.resolve(result: "  "), to: state(.inProgress), at: now, rules: rules)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == "missing_result")
            #expect(error.kind == .invalid)
        }
    }

    @Test("transfers move the case and remember the agency that had it")
    func transfer() throws {
        let (moved, entry) = try Lifecycle.apply(.transfer(agency: "mea", note: "ไฟฟ้า"), to: state(.accepted), at: now, rules: rules)
        #expect(moved.status == .assigned)
        #expect(moved.agencyCode == "mea")
        #expect(moved.previousAgencies == ["bma-district-1047"])
        #expect(moved.transferCount == 1)
        #expect(entry.agencyCode == "mea")
        let (toTriage, _) = try Lifecycle.apply(.transfer(agency: nil, note: "ไม่ทราบหน่วยงาน"), to: moved, at: now, rules: rules)
        #expect(toTriage.status == .triage)
        #expect(toTriage.agencyCode == nil)
    }

    @Test("ping-pong between two agencies is refused after the allowed number of returns")
    func pingPong() throws {
        var current = state(.assigned, agency: "a")
        (current, _) = try Lifecycle.apply(.transfer(agency: "b", note: "n"), to: current, at: now, rules: rules)
        (current, _) = try Lifecycle.apply(.transfer(agency: "a", note: "n"), to: current, at: now, rules: rules)  // one return allowed
        #expect(throws: DomainError.self) {
            try Lifecycle.apply(.transfer(agency: "b", note: "n"), to: current, at: now, rules: rules)
        }
        do {
            _ = try Lifecycle.apply(.transfer(agency: "b", note: "n"), to: current, at: now, rules: rules)
        } catch {
            #expect(error.code == "transfer_loop")
            #expect(error.kind == .conflict)
        }
    }

    @Test("a case cannot be transferred to another agency more than the configured number of times, but can go to triage")
    func transferLimit() throws {
        var current = state(.assigned, agency: "a")
        for agency in ["b", "c", "d"] {
            (current, _) = try Lifecycle.apply(.transfer(agency: agency, note: "n"), to: current, at: now, rules: rules)
        }
        do {
            _ = try Lifecycle.apply(.transfer(agency: "e", note: "n"), to: current, at: now, rules: rules)
            Issue.record("expected the transfer limit")
        } catch {
            #expect(error.code == "transfer_limit")
        }
        let (toTriage, _) = try Lifecycle.apply(.transfer(agency: nil, note: "ส่งศูนย์คัดกรอง"), to: current, at: now, rules: rules)
        #expect(toTriage.status == .triage)
        #expect(toTriage.agencyCode == nil)
    }

    @Test("transferring to the agency that has the case is refused")
    func transferToSelf() {
        #expect(throws: DomainError.self) {
            try Lifecycle.apply(.transfer(agency: "bma-district-1047", note: "n"), to: state(.accepted), at: now, rules: rules)
        }
    }

    @Test("rating is allowed once per result, with 1 to 5 stars")
    func feedback() throws {
        var resolved = state(.resolved)
        resolved.resolvedAt = now
        #expect(throws: DomainError.self) { try Lifecycle.apply(.feedback(stars: 0, comment: nil), to: resolved, at: now, rules: rules) }
        #expect(throws: DomainError.self) { try Lifecycle.apply(.feedback(stars: 6, comment: nil), to: resolved, at: now, rules: rules) }
        let (rated, _) = try Lifecycle.apply(.feedback(stars: 4, comment: "ดี"), to: resolved, at: now, rules: rules)
        #expect(rated.rating == 4)
        #expect(throws: DomainError.self) { try Lifecycle.apply(.feedback(stars: 5, comment: nil), to: rated, at: now, rules: rules) }
        #expect(throws: DomainError.self) {
            try Lifecycle.apply(.feedback(stars: 5, comment: nil), to: state(.inProgress), at: now, rules: rules)
        }
    }

    @Test("an appeal reopens a resolved case within the window and is refused after it")
    func reopenWindow() throws {
        var resolved = state(.resolved)
        resolved.resolvedAt = now
        let (reopened, entry) = try Lifecycle.apply(
            .reopen(reason: "ยังไม่ได้ซ่อม"), to: resolved, at: now.addingTimeInterval(29 * 86_400), rules: rules)
        #expect(reopened.status == .inProgress)
        #expect(reopened.reopenCount == 1)
        #expect(reopened.resolvedAt == nil)
        #expect(entry.kind == .reopened)
        do {
            _ = try Lifecycle.apply(.reopen(reason: "ยังไม่ได้ซ่อม"), to: resolved, at: now.addingTimeInterval(31 * 86_400), rules: rules)
            Issue.record("expected the window to be closed")
        } catch {
            #expect(error.code == "reopen_window_closed")
        }
    }

    @Test("a citizen may withdraw an open case, not a finished one")
    func withdraw() throws {
        let (withdrawn, _) = try Lifecycle.apply(.withdraw(reason: nil), to: state(.accepted), at: now, rules: rules)
        #expect(withdrawn.status == .withdrawn)
        #expect(withdrawn.closedAt == now)
        #expect(throws: DomainError.self) { try Lifecycle.apply(.withdraw(reason: nil), to: state(.resolved), at: now, rules: rules) }
    }
}
