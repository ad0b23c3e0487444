public import Domain
public import Foundation
public import Store
import Synchronization
import ThaiText

/// Proposals (ข้อเสนอ): proposing, following with a code and secret, finding similar ones, and
/// supporting them, for the JSON API and the web pages alike. Staff's side is in
/// `ProposalService+Staff.swift`.
public struct ProposalService: Sendable {
    let store: ProposalStore
    let cases: CaseService
    let codes: OneTimeCodes
    public let reference: Reference
    let rules: ServiceRules
    public let proposalRules: ProposalRules
    public let clock: @Sendable () -> Date
    public let similarity: SimilarProposals
    let placer: Placer
    /// Writes the messages changes send; nil when notifications are off.
    let messages: ProposalMessages?
    let identity: SupporterKey
    /// Pages of the public list, reused for a short while: the most-read answer, the same for everyone.
    let publicLists: TimedCache<ProposalListFilter, ProposalList>

    public init(
        store: ProposalStore, cases: CaseService, codes: OneTimeCodes, reference: Reference, analyzer: TextAnalyzer,
        rules: ServiceRules, proposalRules: ProposalRules, clock: @escaping @Sendable () -> Date,
        messages: ProposalMessages?, listCacheLifetime: Duration = .zero
    ) {
        self.store = store
        self.cases = cases
        self.codes = codes
        self.reference = reference
        self.rules = rules
        self.proposalRules = proposalRules
        self.clock = clock
        self.messages = messages
        similarity = SimilarProposals(analyzer: analyzer, store: store)
        placer = Placer(analyzer: analyzer, reference: reference, triageThreshold: rules.triageThreshold)
        identity = SupporterKey(store: store, configured: proposalRules.supporterKey)
        publicLists = TimedCache(lifetime: listCacheLifetime)
    }

    // MARK: Proposing

    /// A stored proposal and, this once, its secret.
    public struct Proposed: Sendable {
        public var record: ProposalRecord
        public var secret: String
    }

    /// Checks and stores a proposal; it waits for a moderator.
    /// - Throws: `DomainError` (`invalid`) naming the first thing wrong.
    public func propose(_ request: ProposalRequest) async throws -> Proposed {
        let title = request.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else {
            throw DomainError.invalid("missing_title", th: "กรุณาตั้งชื่อข้อเสนอ", en: "\"title\" is required.")
        }
        guard title.count <= proposalRules.maximumTitleLength else {
            throw DomainError.invalid(
                "title_too_long", th: "ชื่อข้อเสนอยาวเกิน \(proposalRules.maximumTitleLength) ตัวอักษร",
                en: "\"title\" is longer than \(proposalRules.maximumTitleLength) characters.")
        }
        // The checks a filing makes of its text, contact, consent and notifications hold for proposals too.
        let asFiling = FilingRequest(
            kind: .suggestion, text: text, title: title, category: request.category, contact: request.contact,
            consent: request.consent, channel: "web", notify: request.notify, language: request.language)
        try FilingValidation.check(asFiling, text: text, rules: rules, reference: reference)
        if let cost = request.estimatedCost, !(0...10_000_000_000_000).contains(cost) {
            throw DomainError.invalid(
                "invalid_estimated_cost", th: "ประมาณการค่าใช้จ่ายต้องเป็นจำนวนบาทที่ไม่ติดลบ",
                en: "\"estimated_cost\" must be a non-negative number of baht.")
        }
        let scope = try resolveScope(request)
        let category = try request.category?.nonBlank ?? placer.place(title + "\n" + text).category
        let now = clock()
        var contact: CaseContact?
        if let input = request.contact, !input.isEmpty, let consent = request.consent {
            contact = CaseContact(
                name: input.name?.nonBlank, phone: input.phone?.nonBlank, email: input.email?.nonBlank,
                consentVersion: consent.version, consentAt: now)
        }
        let subscriptions = request.notify.compactMap { channel -> NotificationSubscription? in
            let address = channel == .email ? contact?.email : channel == .sms ? contact?.phone : nil
            return address.map { NotificationSubscription(channel: channel, address: $0, language: request.language) }
        }
        let new = ProposalStore.NewProposal(
            title: title, text: text, publicTitle: PersonalData.redact(title), publicText: PersonalData.redact(text),
            words: similarity.words(title: title, text: text), scope: scope, categoryCode: category,
            estimatedCost: request.estimatedCost, language: request.language, contact: contact,
            subscriptions: subscriptions, createdAt: now)
        var generator = SystemRandomNumberGenerator()
        let secret = TrackingSecret.make(using: &generator)
        let year = BangkokYear.of(now)
        let record = try await store.create(
            new, secret: secret,
            makeCode: {
                var generator = SystemRandomNumberGenerator()
                return TrackingCode.make(year: year, prefix: "PR", using: &generator)
            })
        return Proposed(record: record, secret: secret)
    }

    func resolveScope(_ request: ProposalRequest) throws(DomainError) -> ProposalScope {
        let provinceInput = request.province?.nonBlank
        let districtInput = request.district?.nonBlank
        let level = request.scope ?? (districtInput != nil ? .district : provinceInput != nil ? .province : .national)
        if level == .national { return ProposalScope(level: .national) }
        guard let provinceInput, let province = reference.areas(matching: provinceInput, level: .province).first else {
            throw DomainError.invalid(
                "unknown_area", th: "กรุณาระบุจังหวัดที่ถูกต้องสำหรับข้อเสนอระดับจังหวัดหรืออำเภอ",
                en: "A province or district proposal needs a known \"province\".")
        }
        if level == .province { return ProposalScope(level: .province, provinceCode: province.code) }
        guard let districtInput,
            let district = reference.areas(matching: districtInput, level: .district, within: province.code).first
        else {
            throw DomainError.invalid(
                "unknown_area", th: "กรุณาระบุอำเภอหรือเขตที่อยู่ในจังหวัดที่เลือก",
                en: "A district proposal needs a known \"district\" within the province.")
        }
        return ProposalScope(level: .district, provinceCode: province.code, districtCode: district.code)
    }

    // MARK: Reading

    /// What someone asking about a proposal may see.
    public enum Tracking: Sendable {
        /// The proposer (the secret matched): everything, whatever its status.
        case proposer(ProposalRecord, [ProposalEvent])
        /// Anyone else, for a published proposal: the redacted view.
        case `public`(ProposalRecord, [ProposalEvent])

        public var record: ProposalRecord {
            switch self {
            case .proposer(let record, _), .public(let record, _): record
            }
        }

        public var events: [ProposalEvent] {
            switch self {
            case .proposer(_, let events), .public(_, let events): events
            }
        }
    }

    /// The proposal with `code` as the caller may see it.
    /// - Throws: `proposalNotFound` for an unknown code, or an unpublished proposal without its secret;
    ///   `invalid_secret` (`forbidden`) for a wrong secret to a published one.
    public func track(code: String, secret: String? = nil) async throws -> Tracking {
        guard let canonical = TrackingCode.canonical(code, prefix: "PR"),
            let found = try await store.find(code: canonical, secret: secret?.nonBlank)
        else { throw DomainError.proposalNotFound }
        let events = try await store.events(proposalID: found.record.id)
        if found.secretMatches { return .proposer(found.record, events) }
        guard found.record.status.isPublic else { throw DomainError.proposalNotFound }
        if secret?.nonBlank != nil {
            throw DomainError(
                .forbidden, code: "invalid_secret", th: "รหัสลับไม่ถูกต้องสำหรับข้อเสนอนี้",
                en: "The secret does not match this proposal.")
        }
        return .public(found.record, events)
    }

    /// A page of public proposals. The public list (no agency's queue) may be up to the list cache's
    /// lifetime old, as the case cache's tracking reads are: its support counts then lag by as much.
    public func list(_ filter: ProposalListFilter) async throws -> ProposalList {
        var filter = filter
        filter.statuses = filter.statuses.filter(\.isPublic)
        if filter.statuses.isEmpty { filter.statuses = ProposalStatus.publicStatuses }
        let read: @Sendable () async throws -> ProposalList = { [store, filter] in
            let (proposals, hasMore) = try await store.list(filter)
            return ProposalList(proposals: proposals, hasMore: hasMore)
        }
        guard filter.agencyCode == nil, !filter.unassigned else { return try await read() }
        return try await publicLists.value(key: filter, compute: read)
    }

    /// Public proposals like a draft, for the citizen to support instead.
    public func similar(title: String, text: String) async throws -> [ProposalRecord] {
        guard title.count + text.count <= proposalRules.maximumTitleLength + rules.maximumTextLength else {
            throw DomainError.invalid(
                "text_too_long", th: "ข้อความยาวเกินไป", en: "\"title\" and \"text\" are too long.")
        }
        return try await similarity.find(title: title, text: text)
    }

    /// Counted supports per day, for the proposal's chart.
    public func supportsByDay(of record: ProposalRecord) async throws -> [(day: String, supports: Int)] {
        try await store.supportsByDay(proposalID: record.id)
    }

    // MARK: Supporting

    /// A verified supporter's token, and until when it holds.
    public struct SupporterToken: Sendable {
        public var token: String
        public var expiresAt: Date
    }

    /// Checks the one-time code (`purpose` "support") a person was sent and gives them a token to
    /// support proposals with for a while.
    /// - Throws: the one-time code's refusals; `wrong_purpose` (`invalid`).
    public func verifySupporter(codeID: Int64, code: String) async throws -> SupporterToken {
        let proved = try await codes.verify(id: codeID, code: code)
        guard proved.purpose == "support" else {
            throw DomainError.invalid(
                "wrong_purpose", th: "รหัสนี้ไม่ได้ขอมาเพื่อสนับสนุนข้อเสนอ", en: "This code was not asked for with purpose \"support\".")
        }
        let channel: NotificationChannel = proved.address.contains("@") ? .email : .sms
        let now = clock()
        let lifetime = proposalRules.supporterTokenLifetime
        let token = try await identity.get().token(address: proved.address, channel: channel, at: now, lifetime: lifetime)
        return SupporterToken(token: token, expiresAt: now.addingTimeInterval(lifetime))
    }

    /// Supports the proposal with `code` as the person `token` names, from `client` (an IP address,
    /// for burst detection only). With `notify`, the person's address is kept (apart, until the
    /// proposal is finished or the support withdrawn) to send them the answer.
    /// - Throws: `invalid_supporter_token`, `supporter_token_expired`, `proposalNotFound`, `proposal_closed`.
    public func support(
        code: String, token: String, client: String, notify: Bool = false, language: MessageLanguage = .th
    ) async throws -> SupportResult {
        guard let canonical = TrackingCode.canonical(code, prefix: "PR") else { throw DomainError.proposalNotFound }
        let now = clock()
        let keys = try await identity.get()
        let supporter = try keys.supporter(fromToken: token, at: now)
        let messages = self.messages
        return try await store.support(
            code: canonical, supporter: supporter.hash, network: keys.networkHash(client: client), at: now,
            burst: .init(limit: proposalRules.burstLimit, window: proposalRules.burstWindow),
            answerDue: now.addingTimeInterval(Double(proposalRules.thresholds.answerDays) * 86_400),
            notify: notify ? NotificationSubscription(channel: supporter.channel, address: supporter.address, language: language) : nil,
            onCrossing: { record in messages?.notices(.proposalThresholdReached, record: record, at: now) ?? .none })
    }

    /// The consent version citizens accept with contact details (as for filings).
    public var consentVersion: String { rules.consentVersion }

    /// Sends a one-time code (purpose "support") to an e-mail address or phone number.
    public func sendSupportCode(to address: String, language: MessageLanguage) async throws -> OneTimeCodes.Issued {
        let channel: NotificationChannel = address.contains("@") ? .email : .sms
        return try await codes.send(to: address, by: channel, purpose: "support", language: language)
    }

    /// Whether `token` is a valid, unexpired supporter token (the page then offers one-click support).
    public func isValidSupporterToken(_ token: String) async -> Bool {
        guard let keys = try? await identity.get() else { return false }
        return (try? keys.supporter(fromToken: token, at: clock())) != nil
    }

    /// Withdraws the support of the person `token` names.
    public func withdrawSupport(code: String, token: String) async throws -> (outcome: WithdrawalOutcome, supports: Int) {
        guard let canonical = TrackingCode.canonical(code, prefix: "PR") else { throw DomainError.proposalNotFound }
        let now = clock()
        let supporter = try await identity.get().supporter(fromToken: token, at: now)
        return try await store.withdraw(code: canonical, supporter: supporter.hash, at: now)
    }
}

/// The server's supporter key, read once: from the settings, else the one kept in the database
/// (made there the first time).
final class SupporterKey: Sendable {
    let store: ProposalStore
    let configured: [UInt8]?
    private let loaded = Mutex<SupporterIdentity?>(nil)

    init(store: ProposalStore, configured: [UInt8]?) {
        self.store = store
        self.configured = configured
    }

    func get() async throws -> SupporterIdentity {
        if let identity = loaded.withLock({ $0 }) { return identity }
        let key: [UInt8]
        if let configured {
            key = configured
        } else {
            var generator = SystemRandomNumberGenerator()
            key = try await store.serverKey(
                name: "supporter", candidate: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let identity = SupporterIdentity(key: key)
        loaded.withLock { $0 = identity }
        return identity
    }
}

/// A page of proposals, and whether more follow.
public struct ProposalList: Sendable {
    public var proposals: [ProposalRecord]
    public var hasMore: Bool
}
