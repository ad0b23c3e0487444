public import Domain
public import Foundation
public import Store
import ThaiText

/// Consultations (การรับฟังความคิดเห็น): an agency asks, citizens give opinions (verified as proposal
/// supporters are, or anonymous where the agency allows it), Siang groups the opinions into themes,
/// staff shape the themes and answer each, and the public reads the answers.
public struct ConsultationService: Sendable {
    let store: ConsultationStore
    let reference: Reference
    let analyzer: TextAnalyzer
    let codes: OneTimeCodes
    let identity: SupporterKey
    let rules: ServiceRules
    public let clock: @Sendable () -> Date
    public let grouping: ThemeGrouping
    /// Staff's live themes of open consultations, by the opinions they were grouped from: grouping takes
    /// seconds with tens of thousands of opinions, and staff reload the page; one computation for
    /// callers who come while it runs.
    let liveThemes = TimedCache<LiveThemesKey, [ThemeGrouping.Theme]>(lifetime: .seconds(3600))

    /// The opinions a live grouping was made from: their count and the sum of their ids stand in for
    /// the set (ids are never reused, so an opinion added or taken away changes the key).
    struct LiveThemesKey: Hashable, Sendable {
        var consultationID: Int64
        var opinions: Int
        var idSum: Int64
    }

    /// The purpose of the one-time codes that verify a participant; a proposal supporter's token
    /// (purpose "support") is accepted too, being the same proof of the same person.
    public static let codePurpose = "consultation"

    init(
        store: ConsultationStore, reference: Reference, analyzer: TextAnalyzer, codes: OneTimeCodes, identity: SupporterKey,
        rules: ServiceRules, clock: @escaping @Sendable () -> Date, grouping: ThemeGrouping = .init()
    ) {
        self.store = store
        self.reference = reference
        self.analyzer = analyzer
        self.codes = codes
        self.identity = identity
        self.rules = rules
        self.clock = clock
        self.grouping = grouping
    }

    // MARK: Opening

    /// What staff give to open a consultation.
    public struct Draft: Sendable {
        public var agencyCode: String?
        public var title: String
        public var question: String
        public var sections: [String]
        public var areaCode: String?
        public var opensAt: Date
        public var closesAt: Date
        public var allowsAnonymous: Bool

        public init(
            agencyCode: String? = nil, title: String, question: String, sections: [String] = [], areaCode: String? = nil,
            opensAt: Date, closesAt: Date, allowsAnonymous: Bool = false
        ) {
            self.agencyCode = agencyCode
            self.title = title
            self.question = question
            self.sections = sections
            self.areaCode = areaCode
            self.opensAt = opensAt
            self.closesAt = closesAt
            self.allowsAnonymous = allowsAnonymous
        }
    }

    /// Opens a consultation for the officer's agency (an administrator names the agency).
    /// - Throws: `not_consultation_staff` for triage and partner accounts; `invalid` naming what is wrong.
    public func open(by staff: StaffMember, _ draft: Draft) async throws -> Consultation {
        let agency: String
        switch staff.role {
        case .officer: agency = staff.agencyCode ?? ""
        case .admin: agency = draft.agencyCode?.nonBlank ?? staff.agencyCode ?? ""
        case .triage, .partner: throw DomainError.consultationNotYourAgency
        }
        guard reference.agencies[agency] != nil else {
            throw DomainError.invalid("unknown_agency", th: "ไม่พบหน่วยงานที่ระบุ", en: "No agency with this code.")
        }
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let question = draft.question.trimmingCharacters(in: .whitespacesAndNewlines)
        let sections = draft.sections.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard (1...200).contains(title.count) else {
            throw DomainError.invalid(
                "invalid_title", th: "กรุณาตั้งชื่อการรับฟังความคิดเห็น (ไม่เกิน 200 ตัวอักษร)",
                en: "Give the consultation a title (up to 200 characters).")
        }
        guard (1...rules.maximumTextLength).contains(question.count) else {
            throw DomainError.invalid(
                "invalid_question", th: "กรุณาเขียนคำถามหรือคำอธิบายร่าง (ไม่เกิน \(rules.maximumTextLength) ตัวอักษร)",
                en: "Write the question or the draft's introduction (up to \(rules.maximumTextLength) characters).")
        }
        guard sections.count <= 100, sections.allSatisfy({ (1...rules.maximumTextLength).contains($0.count) }) else {
            throw DomainError.invalid(
                "invalid_sections", th: "ร่างมีได้ไม่เกิน 100 หมวด และแต่ละหมวดต้องไม่ว่าง",
                en: "A draft has up to 100 sections, none of them empty.")
        }
        if let area = draft.areaCode?.nonBlank, reference.areas[area] == nil {
            throw DomainError.invalid("unknown_area", th: "ไม่พบพื้นที่ \(area)", en: "No area \"\(area)\".")
        }
        guard draft.closesAt > draft.opensAt else {
            throw DomainError.invalid(
                "invalid_dates", th: "วันปิดรับความคิดเห็นต้องอยู่หลังวันเปิดรับ", en: "\"closes_at\" must be after \"opens_at\".")
        }
        return try await store.create(
            .init(
                agencyCode: agency, title: title, question: question, sections: sections, areaCode: draft.areaCode?.nonBlank,
                opensAt: draft.opensAt, closesAt: draft.closesAt, allowsAnonymous: draft.allowsAnonymous),
            staffID: staff.id, at: clock())
    }

    // MARK: Reading

    public func list(agencyCode: String? = nil) async throws -> [Consultation] {
        try await store.list(agencyCode: agencyCode)
    }

    public func consultation(id: Int64) async throws -> Consultation {
        guard let found = try await store.find(id: id) else { throw DomainError.consultationNotFound }
        return found
    }

    public func phase(of consultation: Consultation) -> ConsultationPhase { consultation.phase(at: clock()) }

    /// Everything public about a consultation: its themes once it has closed (grouped then, on the
    /// first reading), and the agency's responses once published.
    public struct PublicView: Sendable {
        public var consultation: Consultation
        public var phase: ConsultationPhase
        public var participation: ConsultationParticipation
        /// Empty while it is open.
        public var themes: [ConsultationTheme]
        public var responsesPublished: Bool
    }

    public func view(id: Int64) async throws -> PublicView {
        var consultation = try await consultation(id: id)
        let phase = phase(of: consultation)
        var themes: [ConsultationTheme] = []
        if phase == .closed {
            consultation = try await grouped(consultation)
            themes = try await store.themes(consultationID: id)
            if consultation.publishedAt == nil {
                themes = themes.map {
                    var theme = $0
                    theme.response = nil
                    theme.respondedAt = nil
                    return theme
                }
            }
        }
        let participation = try await store.participation()[id] ?? .init(consultationID: id, opinions: 0, participants: 0, verifiedOpinions: 0)
        return PublicView(
            consultation: consultation, phase: phase, participation: participation, themes: themes,
            responsesPublished: consultation.publishedAt != nil)
    }

    // MARK: Opinions

    /// A verified participant's token, and until when it holds.
    public typealias ParticipantToken = ProposalService.SupporterToken

    /// Sends a one-time code (purpose "consultation") to an e-mail address or phone number.
    public func sendCode(to address: String, language: MessageLanguage) async throws -> OneTimeCodes.Issued {
        let channel: NotificationChannel = address.contains("@") ? .email : .sms
        return try await codes.send(to: address, by: channel, purpose: Self.codePurpose, language: language)
    }

    /// Checks a one-time code sent for "consultation" (or "support") and gives a token to give
    /// opinions with for a while.
    public func verifyParticipant(codeID: Int64, code: String, lifetime: TimeInterval = 3600) async throws -> ParticipantToken {
        let proved = try await codes.verify(id: codeID, code: code)
        guard proved.purpose == Self.codePurpose || proved.purpose == "support" else {
            throw DomainError.invalid(
                "wrong_purpose", th: "รหัสนี้ไม่ได้ขอมาเพื่อแสดงความคิดเห็น",
                en: "This code was not asked for with purpose \"consultation\".")
        }
        let channel: NotificationChannel = proved.address.contains("@") ? .email : .sms
        let now = clock()
        let token = try await identity.get().token(address: proved.address, channel: channel, at: now, lifetime: lifetime)
        return ParticipantToken(token: token, expiresAt: now.addingTimeInterval(lifetime))
    }

    /// Whether `token` is a valid, unexpired participant token.
    public func isValidToken(_ token: String) async -> Bool {
        guard let keys = try? await identity.get() else { return false }
        return (try? keys.supporter(fromToken: token, at: clock())) != nil
    }

    /// An opinion as given.
    public struct OpinionInput: Sendable {
        public var text: String
        public var stance: OpinionStance
        public var section: Int?
        /// A participant token; nil to give it anonymously (where allowed).
        public var token: String?

        public init(text: String, stance: OpinionStance, section: Int? = nil, token: String? = nil) {
            self.text = text
            self.stance = stance
            self.section = section
            self.token = token
        }
    }

    /// Stores an opinion while the consultation is open.
    /// - Throws: `consultation_not_found`; `consultation_not_yet_open` or `consultation_closed` (`conflict`);
    ///   `participant_not_verified` (`unauthenticated`) without a token where anonymity is not allowed;
    ///   the token's refusals; `invalid_text`, `invalid_section`.
    public func giveOpinion(consultationID: Int64, _ input: OpinionInput) async throws -> ConsultationOpinion {
        let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...rules.maximumTextLength).contains(text.count), !text.contains("\0") else {
            throw DomainError.invalid(
                "invalid_text", th: "กรุณาเขียนความคิดเห็น (ไม่เกิน \(rules.maximumTextLength) ตัวอักษร)",
                en: "Write the opinion (up to \(rules.maximumTextLength) characters).")
        }
        let now = clock()
        var participant: [UInt8]?
        if let token = input.token?.nonBlank {
            participant = try await identity.get().supporter(fromToken: token, at: now).hash
        }
        let anonymous = participant == nil
        let section = input.section
        return try await store.addOpinion(
            consultationID: consultationID,
            .init(
                section: section, stance: input.stance, text: text, publicText: PersonalData.redact(text),
                words: analyzer.contentWords(ThemeGrouping.featureText(text)), participant: participant),
            at: now,
            check: { consultation in
                let phase = consultation.phase(at: now)
                guard phase == .open else { throw DomainError.consultationNotOpen(phase) }
                if let section, !(1...max(1, consultation.sections.count)).contains(section) || consultation.sections.isEmpty {
                    throw DomainError.invalid(
                        "invalid_section", th: "ไม่มีหมวดที่ \(section) ในร่างนี้", en: "The draft has no section \(section).")
                }
                guard !anonymous || consultation.allowsAnonymous else {
                    throw DomainError(
                        .unauthenticated, code: "participant_not_verified",
                        th: "กรุณายืนยันตัวตนด้วยรหัสที่ได้รับก่อนแสดงความคิดเห็น",
                        en: "Verify first: this consultation takes opinions only from people who proved an e-mail address or phone number.")
                }
            })
    }

    // MARK: Themes

    /// The consultation, after its opinions have been grouped into stored themes (done once, by
    /// whoever reads it first after closing).
    func grouped(_ consultation: Consultation) async throws -> Consultation {
        guard consultation.groupedAt == nil, consultation.phase(at: clock()) == .closed else { return consultation }
        let grouping = self.grouping
        _ = try await store.editThemes(consultationID: consultation.id, grouping: true, at: clock()) { _, opinions, _ in
            let themes = grouping.group(Self.items(opinions))
            return .init(
                changes: themes.map {
                    .init(
                        id: nil, label: $0.defaultLabel, words: $0.words, quoteIDs: $0.quoteIDs, isOther: $0.isOther,
                        members: $0.memberIDs)
                })
        }
        return try await self.consultation(id: consultation.id)
    }

    static func items(_ opinions: [(opinion: ConsultationOpinion, words: [String])]) -> [ThemeGrouping.Item] {
        opinions.map { .init(id: $0.opinion.id, words: $0.words, stance: $0.opinion.stance, publicText: $0.opinion.publicText) }
    }

    /// The consultation, once `staff` may manage it (its agency's officers, administrators).
    func managed(_ id: Int64, by staff: StaffMember) async throws -> Consultation {
        let consultation = try await consultation(id: id)
        guard staff.role == .admin || (staff.role == .officer && staff.agencyCode == consultation.agencyCode) else {
            throw DomainError.consultationNotFound
        }
        return consultation
    }

    /// The themes as staff see them: while the consultation is open, grouped afresh at each reading
    /// (ids 0: nothing is stored yet); once it has closed, the stored themes they edit.
    public func staffThemes(id: Int64, by staff: StaffMember) async throws -> (consultation: Consultation, live: Bool, themes: [ConsultationTheme]) {
        var consultation = try await managed(id, by: staff)
        if consultation.phase(at: clock()) != .closed {
            let opinions = try await store.opinions(consultationID: id)
            let texts = Dictionary(uniqueKeysWithValues: opinions.map { ($0.opinion.id, $0.opinion.publicText) })
            // Seconds of CPU with tens of thousands of opinions: not on one of the cooperative pool's threads.
            let grouping = self.grouping, items = Self.items(opinions)
            let key = LiveThemesKey(consultationID: id, opinions: items.count, idSum: items.reduce(0) { $0 &+ $1.id })
            let grouped = try await liveThemes.value(key: key) { try await onOwnThread { grouping.group(items) } }
            let themes = grouped.map { theme in
                ConsultationTheme(
                    id: 0, consultationID: id, label: theme.defaultLabel, words: theme.words, quoteIDs: theme.quoteIDs,
                    quotes: theme.quoteIDs.compactMap { texts[$0] }, size: theme.memberIDs.count, stances: theme.stances,
                    response: nil, respondedAt: nil, isOther: theme.isOther)
            }
            return (consultation, true, themes)
        }
        consultation = try await grouped(consultation)
        return (consultation, false, try await store.themes(consultationID: id))
    }

    /// The opinions of a consultation with their themes, for its staff.
    public func opinions(id: Int64, by staff: StaffMember) async throws -> [ConsultationOpinion] {
        _ = try await managed(id, by: staff)
        return try await store.opinions(consultationID: id).map(\.opinion)
    }

    /// Checks the consultation is closed and grouped, for an edit of its themes.
    func editable(_ id: Int64, by staff: StaffMember) async throws -> Consultation {
        let consultation = try await managed(id, by: staff)
        guard consultation.phase(at: clock()) == .closed else { throw DomainError.consultationStillOpen }
        return try await grouped(consultation)
    }

    static func label(_ text: String) throws(DomainError) -> String {
        let label = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(label.count) else {
            throw DomainError.invalid("invalid_label", th: "กรุณาตั้งชื่อประเด็น (ไม่เกิน 200 ตัวอักษร)", en: "Give the theme a name (up to 200 characters).")
        }
        return label
    }

    public func rename(id: Int64, themeID: Int64, label: String, by staff: StaffMember) async throws {
        let label = try Self.label(label)
        _ = try await editable(id, by: staff)
        _ = try await store.editThemes(consultationID: id, at: clock()) { _, _, themes in
            guard themes.contains(where: { $0.id == themeID }) else { throw DomainError.themeNotFound }
            return .init(changes: [.init(id: themeID, label: label)])
        }
    }

    /// Merges the themes `from` into `into`: their opinions join it, its words and quotes are worked
    /// out again, and they are gone (their responses with them).
    public func merge(id: Int64, into: Int64, from: [Int64], by staff: StaffMember) async throws {
        let from = Array(Set(from)).filter { $0 != into }.sorted()
        guard !from.isEmpty else {
            throw DomainError.invalid("invalid_themes", th: "กรุณาเลือกประเด็นที่จะรวม", en: "Name the themes to merge (\"from\").")
        }
        _ = try await editable(id, by: staff)
        let grouping = self.grouping
        _ = try await store.editThemes(consultationID: id, at: clock()) { _, opinions, themes in
            let ids = Set(themes.map(\.id))
            guard ids.contains(into), from.allSatisfy(ids.contains) else { throw DomainError.themeNotFound }
            let joined = Set(from + [into])
            let members = opinions.filter { $0.opinion.themeID.map(joined.contains) ?? false }.map(\.opinion.id)
            let theme = grouping.describe(groups: [members], items: Self.items(opinions))[0]
            return .init(changes: [.init(id: into, words: theme.words, quoteIDs: theme.quoteIDs, members: members)], deleted: from)
        }
    }

    /// Splits a theme in two: the opinions `opinionIDs` (of the theme) become a new theme; without
    /// them, grouping divides the theme by itself. The new theme's id.
    /// - Throws: `theme_cannot_split` (`conflict`) when the theme does not fall apart.
    public func split(id: Int64, themeID: Int64, opinionIDs: [Int64]?, label: String?, by staff: StaffMember) async throws -> Int64 {
        let label = try label?.nonBlank.map(Self.label)
        _ = try await editable(id, by: staff)
        let grouping = self.grouping
        let created = try await store.editThemes(consultationID: id, at: clock()) { _, opinions, themes in
            guard let theme = themes.first(where: { $0.id == themeID }) else { throw DomainError.themeNotFound }
            let members = opinions.filter { $0.opinion.themeID == themeID }.map(\.opinion.id)
            let items = Self.items(opinions)
            let kept: ThemeGrouping.Theme, moved: ThemeGrouping.Theme
            if let opinionIDs, !opinionIDs.isEmpty {
                let chosen = Set(opinionIDs)
                guard chosen.isSubset(of: Set(members)) else {
                    throw DomainError.invalid(
                        "invalid_opinions", th: "ความคิดเห็นที่เลือกต้องอยู่ในประเด็นนี้", en: "\"opinion_ids\" must be opinions of this theme.")
                }
                let rest = members.filter { !chosen.contains($0) }
                guard !rest.isEmpty else { throw Self.cannotSplit }
                let described = grouping.describe(groups: [rest, members.filter(chosen.contains)], items: items)
                (kept, moved) = (described[0], described[1])
            } else {
                guard let halves = grouping.split(members, items: items) else { throw Self.cannotSplit }
                (kept, moved) = halves
            }
            var newTheme = moved
            newTheme.isOther = false
            return .init(changes: [
                .init(id: themeID, words: theme.isOther ? [] : kept.words, quoteIDs: kept.quoteIDs, members: kept.memberIDs),
                .init(
                    id: nil, label: label ?? newTheme.defaultLabel, words: newTheme.words, quoteIDs: newTheme.quoteIDs,
                    members: newTheme.memberIDs),
            ])
        }
        guard let new = created.first else { throw Self.cannotSplit }
        return new
    }

    static let cannotSplit = DomainError(
        .conflict, code: "theme_cannot_split", th: "แยกประเด็นนี้ไม่ได้ ความคิดเห็นไม่แบ่งเป็นสองกลุ่ม",
        en: "This theme does not divide in two.")

    /// The agency's response to a theme ("you said, we will"); an empty text withdraws it.
    public func respond(id: Int64, themeID: Int64, text: String, by staff: StaffMember) async throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= rules.maximumTextLength else {
            throw DomainError.invalid(
                "invalid_response", th: "คำตอบยาวเกิน \(rules.maximumTextLength) ตัวอักษร",
                en: "The response is longer than \(rules.maximumTextLength) characters.")
        }
        _ = try await editable(id, by: staff)
        guard try await store.respond(consultationID: id, themeID: themeID, text: text.nonBlank, staffID: staff.id, at: clock())
        else { throw DomainError.themeNotFound }
    }

    /// Publishes the responses: the public page shows them from now on.
    /// - Throws: `no_responses` (`conflict`) when no theme has a response yet.
    public func publish(id: Int64, by staff: StaffMember) async throws -> Consultation {
        _ = try await editable(id, by: staff)
        guard try await store.themes(consultationID: id).contains(where: { $0.response != nil }) else {
            throw DomainError(
                .conflict, code: "no_responses", th: "กรุณาตอบอย่างน้อยหนึ่งประเด็นก่อนเผยแพร่",
                en: "Respond to at least one theme before publishing.")
        }
        try await store.publish(consultationID: id, at: clock())
        return try await consultation(id: id)
    }

    // MARK: Statistics and open data

    /// A consultation with its participation and how long the agency took to respond.
    public struct Figures: Sendable {
        public var consultation: Consultation
        public var phase: ConsultationPhase
        public var participation: ConsultationParticipation
        /// Days from closing to the published responses; nil until published.
        public var responseDays: Double?
    }

    public func figures() async throws -> [Figures] {
        let now = clock()
        let participation = try await store.participation()
        return try await store.list().map { consultation in
            Figures(
                consultation: consultation, phase: consultation.phase(at: now),
                participation: participation[consultation.id]
                    ?? .init(consultationID: consultation.id, opinions: 0, participants: 0, verifiedOpinions: 0),
                responseDays: consultation.publishedAt.map { max(0, $0.timeIntervalSince(consultation.closesAt)) / 86_400 })
        }
    }

    /// The opinions of closed consultations (read only their `publicText`).
    public func closedOpinions() async throws -> [ConsultationOpinion] {
        try await store.closedOpinions(at: clock())
    }

    /// The themes of every closed consultation, with responses where published.
    public func closedThemes() async throws -> [(consultation: Consultation, themes: [ConsultationTheme])] {
        var result: [(Consultation, [ConsultationTheme])] = []
        for consultation in try await store.list().reversed() where phase(of: consultation) == .closed {
            let view = try await view(id: consultation.id)
            result.append((view.consultation, view.themes))
        }
        return result
    }
}
