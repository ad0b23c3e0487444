public import Classification
public import Domain
public import Foundation
public import Similarity
public import Store
import Synchronization

/// A case like a text, as the public or staff are shown it: the case, how alike, and the words both share.
public struct SimilarCase: Sendable {
    public var record: CaseRecord
    public var score: Double
    public var sharedWords: [String]

    public init(record: CaseRecord, score: Double, sharedWords: [String]) {
        self.record = record
        self.score = score
        self.sharedWords = sharedWords
    }
}

/// A group of open cases of one agency that look like one problem.
public struct CaseCluster: Sendable {
    /// Oldest first: the first is the suggested main case.
    public var cases: [CaseRecord]
    public var sharedWords: [String]
}

/// Duplicate cases: "already reported?" at filing, "me too", likely duplicates and clusters for
/// agencies, and merging a cluster so that every citizen keeps their own code and rights.
///
/// The similarity index (`SimilarityIndex`) holds the open public cases in memory; it is loaded once
/// (`load`) and then follows every change as it commits (`observe`, wired to the services' `changed`).
public struct DuplicateService: Sendable {
    let store: CaseStore
    public let index: SimilarityIndex
    let reference: Reference
    /// Classifies a text asked about that comes without a category, so cases of other categories weigh less.
    let analyzer: TextAnalyzer
    let rules: ServiceRules
    let clock: @Sendable () -> Date
    let notifications: NotificationComposer?
    let figuresCache: TimedCache<Int, [DuplicateFigures]>

    /// - Parameter figuresLifetime: how long the duplicate figures of statistics are reused at least; a
    ///   computation is not started again for ten times as long as the last one took (a search per open
    ///   case: a minute at a million open cases must not become a core kept busy by every visit).
    public init(
        store: CaseStore, index: SimilarityIndex, reference: Reference, analyzer: TextAnalyzer, rules: ServiceRules,
        clock: @escaping @Sendable () -> Date, notifications: NotificationComposer?, figuresLifetime: Duration = .seconds(60)
    ) {
        // Patience of two hours: a computation is not given up for another while it runs (at national size
        // it takes minutes, and two at once would only slow each other).
        self.figuresCache = TimedCache(lifetime: figuresLifetime, patience: .seconds(7200), busyShare: 0.1, keepsLast: true)
        self.store = store
        self.index = index
        self.reference = reference
        self.analyzer = analyzer
        self.rules = rules
        self.clock = clock
        self.notifications = notifications
    }

    // MARK: The index

    /// Fills `index` with every open public case (start-up); returns how many it holds.
    public static func load(into index: SimilarityIndex, from store: CaseStore) async throws -> Int {
        try await catchUp(index, from: store)
        return index.count
    }

    /// Brings `index` in step with the database after changes may have gone unseen (the change feed
    /// was down, or a statement changed too many cases to list): cases new to it or moved, re-filed or
    /// reassigned are (re)indexed, those no longer open and public forgotten. Cases it already knows as
    /// they are cost no segmentation, so the catch-up at start-up is mostly one read.
    public static func catchUp(_ index: SimilarityIndex, from store: CaseStore) async throws {
        // Filings and changes go on meanwhile (minutes at national size): those are newer than the snapshot.
        index.beginCatchUp()
        let seen: Set<Int64>
        do {
            seen = try await read(into: index, from: store)
        } catch {
            index.abandonCatchUp()
            throw error
        }
        index.endCatchUp(keeping: seen)
        index.markComplete()
    }

    /// Indexes the open public cases of a snapshot that the index does not know as they are; returns all their ids.
    private static func read(into index: SimilarityIndex, from store: CaseStore) async throws -> Set<Int64> {
        let seen = Mutex(Set<Int64>())
        try await store.searchableCases { batch in
            // Segmenting the texts is the work (a million open cases take minutes on one core): shared
            // among the cores, each with its own `TextFeatures`.
            let parts = min(ProcessInfo.processInfo.activeProcessorCount, 8)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for found in batch[(batch.count * part / parts)..<(batch.count * (part + 1) / parts)] {
                    guard let info = indexed(found) else { continue }
                    seen.withLock { _ = $0.insert(found.id) }
                    if index.info(of: found.id) != info { index.upsertFromSnapshot(info, text: found.text) }
                }
            }
        }
        return seen.withLock { $0 }
    }

    /// A searchable case as the index keeps it; nil when its area is too vague to compare by.
    static func indexed(_ found: CaseStore.SearchableCase) -> IndexedCase? {
        guard let area = Duplicates.areaKey(found.area) else { return nil }
        return IndexedCase(
            id: found.id, area: area, latitude: found.latitude, longitude: found.longitude, category: found.category,
            agency: found.agency)
    }

    /// Keeps the index in step with a case that was filed or changed (after it committed): an open public
    /// case is (re)indexed, any other is dropped.
    public func observe(_ record: CaseRecord) {
        guard Duplicates.isFollowable(isPublic: record.isPublic, status: record.state.status),
            let area = Duplicates.areaKey(record.area)
        else {
            index.remove(id: record.id)
            return
        }
        index.upsert(
            IndexedCase(
                id: record.id, area: area, latitude: record.latitude, longitude: record.longitude,
                category: record.state.categoryCode, agency: record.state.agencyCode),
            text: Self.publicText(of: record))
    }

    /// The classifier's calibrated probabilities of its best categories, as similarity weighs categories.
    public static func categoryBelief(_ prediction: Prediction) -> CategoryBelief {
        CategoryBelief(Dictionary(prediction.top.map { ($0.category, Float($0.score)) }, uniquingKeysWith: max))
    }

    static func publicText(of record: CaseRecord) -> String {
        [record.publicTitle, record.publicText].compactMap { $0 }.joined(separator: "\n")
    }

    // MARK: At filing

    /// The open public cases like a text about to be filed, in the area given (or named in the text's
    /// area fields), best first.
    /// - Throws: `missing_text` for an empty text; `unknown_category`; the area's `unknown_area`, `area_mismatch`.
    public func similar(
        text: String, area input: FilingRequest.AreaInput, latitude: Double?, longitude: Double?, category: String?,
        limit: Int = 5
    ) async throws -> [SimilarCase] {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw DomainError.invalid("missing_text", th: "กรุณาเล่ารายละเอียดของปัญหา", en: "\"text\" is required.")
        }
        guard text.count <= rules.maximumTextLength else {
            throw DomainError.invalid(
                "text_too_long", th: "รายละเอียดยาวเกิน \(rules.maximumTextLength) ตัวอักษร",
                en: "\"text\" is longer than \(rules.maximumTextLength) characters.")
        }
        if (latitude == nil) != (longitude == nil) {
            throw DomainError.invalid("invalid_location", th: "ต้องระบุทั้งละติจูดและลองจิจูด", en: "Give both \"lat\" and \"lon\".")
        }
        let chosen = category?.trimmingCharacters(in: .whitespaces).nonEmpty
        try FilingValidation.checkCategory(chosen, reference: reference)
        let area = try reference.area(for: input)
        guard let key = Duplicates.areaKey(area) else { return [] }
        // What the classifier makes of the text, with the category chosen on the form (the page fills in
        // the suggestion until the citizen picks one) as likely as its likeliest.
        var belief = Self.categoryBelief(analyzer.classify(text))
        if let chosen { belief = belief.choosing(chosen) }
        let matches = index.search(
            text: text, area: key, latitude: latitude, longitude: longitude, category: belief, limit: min(max(limit, 1), 20))
        return try await resolve(matches) { Duplicates.isFollowable(isPublic: $0.isPublic, status: $0.state.status) }
    }

    /// The matches as cases, in the matches' order, keeping only those `keep` accepts (the index may be
    /// a moment behind the database).
    func resolve(_ matches: [SimilarityMatch], keep: (CaseRecord) -> Bool) async throws -> [SimilarCase] {
        let records = Dictionary(
            try await store.records(ids: matches.map(\.id)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return matches.compactMap { match in
            guard let record = records[match.id], keep(record) else { return nil }
            return SimilarCase(record: record, score: Double(match.score), sharedWords: match.sharedWords)
        }
    }

    // MARK: Me too

    /// A citizen's "me too": the follow's own tracking code and secret (shown once), and the case.
    public struct Followed: Sendable {
        public var record: CaseRecord
        public var code: String
        public var secret: String
    }

    /// Follows the open public case `code` instead of filing it again.
    /// - Throws: `caseNotFound` for an unknown or private case; `case_not_open` (`conflict`) for a
    ///   finished one; the contact's and consent's `invalid`s as at filing.
    public func follow(
        code: String, contact: FilingRequest.ContactInput?, consent: FilingRequest.ConsentInput?,
        notify: [NotificationChannel], language: MessageLanguage
    ) async throws -> Followed {
        guard let canonical = TrackingCode.canonical(code) else { throw DomainError.caseNotFound }
        var followContact: FollowContact?
        if let contact, !contact.isEmpty {
            try FilingValidation.checkContact(contact)
            guard let consent, consent.accepted, consent.version == rules.consentVersion else {
                throw DomainError.invalid(
                    "consent_required", th: "เมื่อให้ข้อมูลติดต่อ ต้องยินยอมฉบับปัจจุบัน (\(rules.consentVersion)) (PDPA)",
                    en: "Contact details need the citizen's consent to the current version (\(rules.consentVersion)).")
            }
            followContact = FollowContact(
                email: contact.email?.trimmingCharacters(in: .whitespaces).nonEmpty,
                phone: contact.phone?.trimmingCharacters(in: .whitespaces).nonEmpty, consentVersion: consent.version,
                notify: notify, language: language)
        }
        try FilingValidation.checkNotify(
            FilingRequest(text: "", contact: contact, notify: notify.filter { $0 != .line }))
        var generator = SystemRandomNumberGenerator()
        let secret = TrackingSecret.make(using: &generator)
        let now = clock()
        let year = BangkokYear.of(now)
        let (record, follow) = try await store.follow(
            code: canonical,
            followCode: {
                var generator = SystemRandomNumberGenerator()
                return TrackingCode.make(year: year, prefix: Self.followPrefix, using: &generator)
            }, secret: secret, contact: followContact, at: now,
            check: { try Duplicates.checkFollowable(isPublic: $0.isPublic, status: $0.state.status) })
        return Followed(record: record, code: follow.code, secret: secret)
    }

    /// Follow codes read `MT-2026-…` ("me too"), never mistaken for a case's `SG-…`.
    public static let followPrefix = "MT"

    /// The case a follow code follows, as the public sees it (the follower proved their secret).
    /// - Throws: `caseNotFound` for an unknown code or a wrong secret.
    public func followed(code: String, secret: String) async throws -> (
        follow: CaseFollow, record: CaseRecord, events: [CaseEvent]
    ) {
        guard let canonical = TrackingCode.canonical(code, prefix: Self.followPrefix),
            let found = try await store.followed(code: canonical, secret: secret)
        else { throw DomainError.caseNotFound }
        let events = found.events.filter { !$0.isInternal && $0.kind != TimelineKind.contactErased }
        return (found.follow, found.record, events)
    }
}
