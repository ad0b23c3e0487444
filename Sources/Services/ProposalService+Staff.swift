public import Domain
public import Foundation
public import Store

/// Staff's side of proposals: moderation (triage officers and administrators), flagged supports,
/// the agency's inbox, answers and progress, and the upkeep of expiry and retention.
extension ProposalService {
    static let notModerator = DomainError(
        .forbidden, code: "action_not_allowed", th: "การตรวจสอบข้อเสนอสำหรับเจ้าหน้าที่คัดกรองและผู้ดูแลข้อเสนอของพื้นที่เท่านั้น",
        en: "Moderating proposals is for triage officers, administrators and an area's moderators.")

    /// Whether `staff` moderates proposals somewhere: the triage desk and administrators everywhere,
    /// an account given a moderated area within it.
    public static func moderates(_ staff: StaffMember) -> Bool {
        switch staff.role {
        case .triage, .admin: true
        case .officer: staff.moderatesArea != nil
        case .partner: false
        }
    }

    /// Whether `staff` moderates `record`: an area's moderator only proposals scoped within the area
    /// (a district's moderator not its province's nor the nation's).
    public static func moderates(_ staff: StaffMember, _ record: ProposalRecord) -> Bool {
        guard moderates(staff) else { return false }
        guard staff.role == .officer else { return true }
        guard let area = staff.moderatesArea, let scope = record.scope.areaCode else { return false }
        return scope.hasPrefix(area)
    }

    /// The area an account's moderation is limited to; nil for the triage desk and administrators.
    static func moderationArea(_ staff: StaffMember) -> String? {
        staff.role == .officer ? staff.moderatesArea : nil
    }

    /// The proposal with `code` when `staff` moderates it; outside their area it does not exist for them.
    func moderated(_ code: String, by staff: StaffMember) async throws -> ProposalRecord {
        guard Self.moderates(staff) else { throw Self.notModerator }
        guard let canonical = TrackingCode.canonical(code, prefix: "PR"), let found = try await store.find(code: canonical),
            Self.moderates(staff, found.record)
        else { throw DomainError.proposalNotFound }
        return found.record
    }

    /// Whether `staff` answers `record`: an officer of its agency; the triage desk and administrators
    /// for a proposal that went to no agency; administrators for any.
    public static func answers(_ record: ProposalRecord, staff: StaffMember) -> Bool {
        switch staff.role {
        case .admin: true
        case .triage: record.agencyCode == nil
        case .officer: record.agencyCode != nil && record.agencyCode == staff.agencyCode
        case .partner: false
        }
    }

    /// Proposals waiting for a moderator, and those with flagged supports.
    public func moderationQueue(by staff: StaffMember, limit: Int = 100) async throws -> (
        pending: [ProposalRecord], flagged: [ProposalRecord]
    ) {
        guard Self.moderates(staff) else { throw Self.notModerator }
        let area = Self.moderationArea(staff)
        return (try await store.pending(limit: limit, within: area), try await store.withFlaggedSupports(limit: limit, within: area))
    }

    /// A proposal as staff see it (any status), with its timeline; officers only their agency's.
    public func staffView(code: String, by staff: StaffMember) async throws -> (record: ProposalRecord, events: [ProposalEvent]) {
        guard let canonical = TrackingCode.canonical(code, prefix: "PR"), let found = try await store.find(code: canonical)
        else { throw DomainError.proposalNotFound }
        guard Self.moderates(staff, found.record) || Self.answers(found.record, staff: staff) else { throw DomainError.proposalNotFound }
        return (found.record, try await store.events(proposalID: found.record.id))
    }

    /// Publishes a pending proposal: its threshold and support period start now, and the agency that
    /// will answer is chosen as a case's would be (topic × scope).
    public func publish(code: String, by staff: StaffMember) async throws -> ProposalRecord {
        _ = try await moderated(code, by: staff)
        let now = clock()
        let thresholds = proposalRules.thresholds
        let router = reference.router
        let messages = self.messages
        return try await change(code: code, at: now) { current in
            guard current.status == .pending else { throw ProposalStore.wrongStatus(current.status, allowed: [.pending]) }
            var change = ProposalStore.Change(event: .published)
            change.status = .published
            change.publishedAt = now
            change.closesAt = now.addingTimeInterval(Double(thresholds.supportDays) * 86_400)
            change.threshold = thresholds.threshold(for: current.scope.level)
            change.moderatedBy = staff.id
            change.staffID = staff.id
            change.agencyCode = router.route(category: current.categoryCode, area: current.scope.area).agencyCode
            change.notices = { messages?.notices(.proposalPublished, record: $0, at: now) ?? .none }
            return change
        }
    }

    /// Refuses to publish a pending proposal, with a coded reason. A `duplicate` names the proposal it
    /// repeats; a `privateComplaint` becomes a case (filed through the ordinary filing, with the
    /// proposer's text and contact), which the proposal's secret opens.
    /// - Returns: the proposal after, and for a conversion the new case's code.
    public func reject(
        code: String, reason: ProposalRejection, note: String?, duplicateOf: String?, by staff: StaffMember
    ) async throws -> (record: ProposalRecord, caseCode: String?) {
        let found = try await moderated(code, by: staff)
        if let note, note.count > rules.maximumNoteLength {
            throw DomainError.invalid(
                "note_too_long", th: "หมายเหตุยาวเกิน \(rules.maximumNoteLength) ตัวอักษร",
                en: "\"note\" is longer than \(rules.maximumNoteLength) characters.")
        }
        let duplicateCode: String?
        if reason == .duplicate {
            guard let given = duplicateOf, let canonical = TrackingCode.canonical(given, prefix: "PR") else {
                throw DomainError.invalid(
                    "invalid_duplicate", th: "กรุณาระบุรหัสข้อเสนอที่ซ้ำกัน", en: "A duplicate needs \"duplicate_of\": the other proposal's code.")
            }
            duplicateCode = canonical
        } else {
            duplicateCode = nil
        }
        guard found.status == .pending else {
            throw ProposalStore.wrongStatus(found.status, allowed: [.pending])
        }
        let canonical = found.code
        let filedCase: CaseRecord?
        if reason == .privateComplaint {
            filedCase = try await fileCase(from: found)
        } else {
            filedCase = nil
        }
        let now = clock()
        let messages = self.messages
        let record = try await change(code: canonical, at: now) { current in
            guard current.status == .pending else { throw ProposalStore.wrongStatus(current.status, allowed: [.pending]) }
            var change = ProposalStore.Change(event: filedCase == nil ? .rejected : .converted)
            change.status = .rejected
            change.rejection = reason
            change.rejectionNote = note?.nonBlank
            change.duplicateOfCode = duplicateCode
            change.moderatedBy = staff.id
            change.staffID = staff.id
            change.eventNote = filedCase?.code ?? note?.nonBlank
            change.caseID = filedCase?.id
            change.caseTakesSecret = filedCase != nil
            // The case's own filing message tells a converted proposal's proposer.
            if filedCase == nil {
                change.notices = { messages?.notices(.proposalRejected, record: $0, at: now) ?? .none }
            }
            return change
        }
        return (record, filedCase?.code)
    }

    /// Files `record` as a case through the ordinary filing (classification aside: the topic stays),
    /// with the proposer's contact and subscriptions. The idempotency key is the proposal's, so a
    /// conversion retried after a failure finds the case it made instead of making a second.
    func fileCase(from record: ProposalRecord) async throws -> CaseRecord {
        let contact = try await store.contact(proposalID: record.id)
        let subscriptions = try await store.proposerSubscriptions(proposalID: record.id)
        let request = FilingRequest(
            kind: .complaint, text: record.text, title: record.title, category: record.categoryCode,
            area: .init(province: record.scope.provinceCode, district: record.scope.districtCode),
            contact: contact.map { .init(name: $0.name, phone: $0.phone, email: $0.email) }, isPublic: false,
            // The proposer consented to these details being kept for their matter; the case is that matter.
            consent: contact.map { _ in .init(version: rules.consentVersion, accepted: true) }, channel: "proposal",
            notify: subscriptions.map(\.channel), language: subscriptions.first?.language ?? .th)
        let key = "proposal:" + record.code
        return try await cases.file(request, idempotency: IdempotencyKey(key: key, requestFingerprint: key)).record
    }

    /// Answers a proposal that reached its threshold (or gives the final answer after "under study").
    /// - Throws: `invalid_answer_text` unless the answer says something; `study_until` is needed for
    ///   `under_study`; `invalid_proposal_status` unless the proposal awaits an answer.
    public func answer(
        code: String, answer: ProposalAnswer, text: String, studyUntil: Date?, by staff: StaffMember
    ) async throws -> ProposalRecord {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= rules.maximumTextLength else {
            throw DomainError.invalid(
                "invalid_answer_text", th: "กรุณาเขียนคำตอบ (ไม่เกิน \(rules.maximumTextLength) ตัวอักษร)",
                en: "\"text\" is required, up to \(rules.maximumTextLength) characters.")
        }
        let now = clock()
        if answer == .underStudy {
            guard let studyUntil, studyUntil > now else {
                throw DomainError.invalid(
                    "invalid_study_until", th: "กรุณาระบุวันที่จะตอบผลการศึกษา (ในอนาคต)",
                    en: "\"under_study\" needs \"study_until\", a date in the future.")
            }
        }
        let messages = self.messages
        return try await change(code: code, at: now, staff: staff, needsAnswerer: true) { current in
            let awaiting = current.status == .routed || (current.status == .answered && current.answer == .underStudy)
            guard awaiting else { throw ProposalStore.wrongStatus(current.status, allowed: [.routed]) }
            var change = ProposalStore.Change(event: .answered)
            change.status = .answered
            change.answer = answer
            change.answerText = text
            change.answeredAt = now
            change.studyUntil = answer == .underStudy ? studyUntil : nil
            change.eventNote = text
            change.eventAgency = staff.agencyCode
            change.staffID = staff.id
            change.notices = { messages?.notices(.proposalAnswered, record: $0, at: now) ?? .none }
            return change
        }
    }

    /// A progress update on an adopted proposal; with `implemented`, its last.
    public func progress(code: String, note: String, implemented: Bool, by staff: StaffMember) async throws -> ProposalRecord {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= rules.maximumNoteLength else {
            throw DomainError.invalid(
                "invalid_note", th: "กรุณาเขียนความคืบหน้า (ไม่เกิน \(rules.maximumNoteLength) ตัวอักษร)",
                en: "\"note\" is required, up to \(rules.maximumNoteLength) characters.")
        }
        let now = clock()
        let messages = self.messages
        return try await change(code: code, at: now, staff: staff, needsAnswerer: true) { current in
            guard current.status == .answered, current.answer?.isAdoption == true else {
                throw DomainError(
                    .conflict, code: "invalid_proposal_status", th: "รายงานความคืบหน้าได้เฉพาะข้อเสนอที่รับไปดำเนินการ",
                    en: "Progress is reported on adopted proposals only.")
            }
            var change = ProposalStore.Change(event: implemented ? .implemented : .progress)
            if implemented {
                change.status = .implemented
                change.implementedAt = now
            }
            change.eventNote = note
            change.eventAgency = staff.agencyCode
            change.staffID = staff.id
            change.notices = { messages?.notices(.proposalProgress, record: $0, at: now) ?? .none }
            return change
        }
    }

    /// The flagged supports of a proposal, for a moderator.
    public func flaggedSupports(code: String, by staff: StaffMember) async throws -> [FlaggedSupport] {
        try await store.flaggedSupports(code: try await moderated(code, by: staff).code)
    }

    /// Confirms or discounts flagged supports (`ids`, or all of the proposal's when nil).
    public func decideFlagged(
        code: String, ids: [Int64]?, decision: FlaggedSupportDecision, by staff: StaffMember
    ) async throws -> (decided: Int, record: ProposalRecord) {
        let canonical = try await moderated(code, by: staff).code
        let now = clock()
        let messages = self.messages
        return try await store.decideFlagged(
            code: canonical, ids: ids, decision: decision, staffID: staff.id, at: now,
            answerDue: now.addingTimeInterval(Double(proposalRules.thresholds.answerDays) * 86_400),
            onCrossing: { messages?.notices(.proposalThresholdReached, record: $0, at: now) ?? .none })
    }

    /// The proposals `staff` must answer: their agency's (officers), the unassigned ones (triage desk),
    /// or all that reached a threshold (administrators).
    public func inbox(by staff: StaffMember, statuses: [ProposalStatus] = [.routed, .answered], limit: Int = 50, offset: Int = 0)
        async throws -> (proposals: [ProposalRecord], hasMore: Bool)
    {
        var filter = ProposalListFilter(statuses: statuses, order: .newest, limit: limit, offset: offset)
        switch staff.role {
        case .officer:
            guard let agency = staff.agencyCode else { return ([], false) }
            filter.agencyCode = agency
        case .triage: filter.unassigned = true
        case .admin: break
        case .partner: return ([], false)
        }
        return try await store.list(filter)
    }

    /// Closes proposals whose support period ended under the threshold, and erases proposers' contact
    /// details kept past their retention (as for cases). Run by the maintenance service.
    public func upkeep(purgingContacts: Bool = true) async throws -> (expired: Int, contactsErased: Int) {
        let now = clock()
        var expired = 0
        while true {
            let batch = try await store.expire(at: now)
            expired += batch
            if batch == 0 { break }
        }
        var erased = 0
        if purgingContacts, let retention = rules.contactRetention {
            erased = try await store.purgeContacts(finishedBefore: now.addingTimeInterval(-retention))
        }
        return (expired, erased)
    }

    func change(
        code: String, at now: Date, staff: StaffMember? = nil, needsAnswerer: Bool = false,
        _ body: @escaping @Sendable (ProposalRecord) throws -> ProposalStore.Change
    ) async throws -> ProposalRecord {
        guard let canonical = TrackingCode.canonical(code, prefix: "PR") else { throw DomainError.proposalNotFound }
        return try await store.change(code: canonical, at: now) { current in
            if needsAnswerer, let staff, !Self.answers(current, staff: staff) {
                // Another agency's proposal is as unknown to an officer as another agency's case.
                throw DomainError.proposalNotFound
            }
            return try body(current)
        }
    }
}
