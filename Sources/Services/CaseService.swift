public import Domain
public import Foundation
import Classification
import Logging
public import Photos
public import Store
import ThaiText

/// Filing and tracking cases, and what citizens do with them: the use cases behind both the
/// JSON API and the web pages.
public struct CaseService: Sendable {
    let store: CaseStore
    public let reference: Reference
    public let placer: Placer
    public let rules: ServiceRules
    /// The time; injected so tests can move it.
    public let clock: @Sendable () -> Date
    /// Told of every case this service stored or changed, after the change committed (statistics).
    public let changed: @Sendable (CaseRecord) -> Void
    /// Writes the messages changes send; nil when notifications are off.
    let notifications: NotificationComposer?

    public init(
        store: CaseStore, reference: Reference, analyzer: TextAnalyzer, rules: ServiceRules,
        clock: @escaping @Sendable () -> Date = { Date() }, changed: @escaping @Sendable (CaseRecord) -> Void = { _ in },
        notifications: NotificationComposer? = nil
    ) {
        self.notifications = notifications
        self.store = store
        self.reference = reference
        self.placer = Placer(analyzer: analyzer, reference: reference, triageThreshold: rules.triageThreshold)
        self.rules = rules
        self.clock = clock
        self.changed = changed
    }

    // MARK: Filing

    /// Checks, classifies, places, routes and stores a filing; the case exists once this returns.
    /// - Throws: `DomainError` (`invalid`) naming the first thing wrong with the request;
    ///   `idempotency_key_reused` (`conflict`).
    /// - Parameter photos: the citizen's photos, already checked and cleaned; stored with the case, in its transaction.
    public func file(
        _ request: FilingRequest, idempotency: IdempotencyKey? = nil, photos: [CleanPhoto] = []
    ) async throws -> FiledCase {
        let new = try prepare(request)
        var generator = SystemRandomNumberGenerator()
        let secret = TrackingSecret.make(using: &generator)
        let year = BangkokYear.of(new.filedAt)
        let composer = notifications
        let filed = try await store.file(
            new, secret: secret, idempotency: idempotency,
            makeCode: {
                var generator = SystemRandomNumberGenerator()
                return TrackingCode.make(year: year, using: &generator)
            },
            notices: { record in
                guard let composer else { return .none }
                let filedEntry = TimelineEntry(
                    kind: .filed, toStatus: record.state.status, agencyCode: record.state.agencyCode,
                    categoryCode: record.state.categoryCode)
                return composer.notices(
                    for: record, entry: filedEntry, previousAgency: nil, at: record.filedAt,
                    citizenListens: !new.subscriptions.isEmpty)
            }, photos: photos.map(PhotoService.row))
        if !filed.isReplay { changed(filed.record) }
        return filed
    }

    /// Cases the public may see, newest first, narrowed by `filter` (its agency is ignored): what
    /// Open311's readers get.
    public func publicCases(_ filter: CaseListFilter) async throws -> [CaseRecord] {
        var filter = filter
        filter.agencyCode = nil
        filter.publicOnly = true
        return try await store.list(filter, at: clock()).cases
    }

    /// Turns a filing into a case ready to store: everything but the code and secret.
    func prepare(_ request: FilingRequest) throws(DomainError) -> NewCase {
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        try FilingValidation.check(request, text: text, rules: rules, reference: reference)
        let title = request.title?.nonBlank
        let chosen = request.category?.nonEmpty
        let placement = try placer.place(
            [title, text].compactMap { $0 }.joined(separator: "\n"), area: request.area, chosenCategory: chosen)
        let category = placement.category
        let now = clock()

        var contact: CaseContact?
        if let input = request.contact, !input.isEmpty, let consent = request.consent {
            contact = CaseContact(
                name: input.name?.trimmingCharacters(in: .whitespaces).nonEmpty,
                phone: input.phone?.trimmingCharacters(in: .whitespaces).nonEmpty,
                email: input.email?.trimmingCharacters(in: .whitespaces).nonEmpty, consentVersion: consent.version,
                consentAt: now)
        }
        // What the citizen is told at filing is what they agreed to: a case filed into a private category
        // was promised privacy, and stays private if staff later move it out (CaseVisibility).
        let isPublic = CaseVisibility.isPublic(
            publicAgreed: request.isPublic, category: category, privateCategories: rules.privateCategories)
        let filing = CaseFiling(
            kind: request.kind, channel: request.channel, title: title, text: text,
            publicTitle: title.map { PersonalData.redact($0) }, publicText: PersonalData.redact(text),
            publicRequested: isPublic, anonymous: request.anonymous, area: placement.area,
            areaSource: placement.areaSource, latitude: request.latitude, longitude: request.longitude,
            address: request.address?.nonBlank,
            predictedCategory: placement.prediction.category, predictedConfidence: placement.prediction.confidence,
            filedAt: now, modelVersion: placement.modelVersion)
        let subscriptions = request.notify.compactMap { channel -> NotificationSubscription? in
            let address: String? =
                switch channel {
                case .email: contact?.email
                case .sms: contact?.phone
                case .line: request.lineUserID?.nonBlank
                case .webhook: nil
                }
            return address.map { NotificationSubscription(channel: channel, address: $0, language: request.language) }
        }
        return NewCase(
            filing: filing, isPublic: isPublic, categoryCode: category, agencyCode: placement.agencyCode,
            status: placement.status,
            due: reference.deadlines.dueDates(filedAt: now, category: category, agency: placement.agencyCode),
            contact: contact, filingNote: placement.filingNote, language: request.language,
            subscriptions: subscriptions)
    }

    // MARK: Tracking

    /// What someone asking about a case may see.
    public enum Tracking: Sendable {
        /// The citizen who filed it (the secret matched): everything but staff-only notes.
        case citizen(CaseRecord, [CaseEvent])
        /// Anyone else, for a public case: the redacted view.
        case `public`(CaseRecord, [CaseEvent])
    }

    /// The case with `code` as the caller may see it.
    /// - Throws: `caseNotFound` for an unknown code, or a non-public case without its secret;
    ///   `invalid_secret` (`forbidden`) when a secret was given and is wrong for a public case.
    public func track(code: String, secret: String?) async throws -> Tracking {
        guard let canonical = TrackingCode.canonical(code),
            let found = try await store.findWithTimeline(code: canonical, secret: secret?.nonEmpty)
        else { throw DomainError.caseNotFound }
        if found.secretMatches {
            return .citizen(found.record, found.events.filter { !$0.isInternal })
        }
        guard found.record.isPublic else { throw DomainError.caseNotFound }
        if secret?.nonEmpty != nil { throw Self.invalidSecret }
        // That the citizen had contact details erased is about the person, not the case.
        return .public(found.record, found.events.filter { !$0.isInternal && $0.kind != TimelineKind.contactErased })
    }

    /// The refusal of a wrong secret: `invalid_secret` for a public case, which anyone may know exists;
    /// for any other, the same not-found as an unknown code, so codes cannot be probed.
    static func wrongSecret(for record: CaseRecord) -> DomainError {
        record.isPublic ? invalidSecret : .caseNotFound
    }

    static let invalidSecret = DomainError(
        .forbidden, code: "invalid_secret", th: "รหัสลับไม่ถูกต้องสำหรับเรื่องนี้",
        en: "The tracking secret does not match this case.")

    // MARK: Citizen actions

    /// Applies a citizen's action (rating, appeal, withdrawal), proved by the tracking secret.
    /// - Throws: `caseNotFound`, `invalid_secret`, or the lifecycle's refusal.
    public func act(code: String, secret: String, action: CitizenAction) async throws -> CaseRecord {
        guard let canonical = TrackingCode.canonical(code) else { throw DomainError.caseNotFound }
        let now = clock()
        let rules = rules.lifecycle
        let composer = notifications
        let record = try await store.change(code: canonical, secret: secret, actor: .citizen) { context in
            guard context.secretMatches else {
                throw Self.wrongSecret(for: context.current)
            }
            let (state, entry) = try Lifecycle.apply(action, to: context.current.state, at: now, rules: rules)
            var after = context.current
            after.state = state
            let notices =
                composer?.notices(for: after, entry: entry, previousAgency: context.current.state.agencyCode, at: now)
                ?? .none
            return CaseStore.Change(state: state, due: context.current.due, entry: entry, notices: notices, at: now)
        }
        changed(record)
        return record
    }

    /// The timeline of `record` as its citizen sees it (no staff-only notes), after an action.
    public func citizenTimeline(of record: CaseRecord) async throws -> [CaseEvent] {
        try await store.events(caseID: record.id).filter { !$0.isInternal }
    }

    // MARK: Personal data (PDPA)

    /// The use of the contact details of the case with `code`, for the citizen who filed it:
    /// whether they are still held, and which agency read them, when and why.
    /// - Throws: `caseNotFound`, `invalid_secret` as for citizen actions.
    public func contactAccess(code: String, secret: String) async throws -> (
        record: CaseRecord, log: ContactAccessLog
    ) {
        guard let canonical = TrackingCode.canonical(code),
            let found = try await store.find(code: canonical, secret: secret)
        else { throw DomainError.caseNotFound }
        guard found.secretMatches else { throw Self.wrongSecret(for: found.record) }
        return (found.record, try await store.contactAccess(caseID: found.record.id))
    }

    /// The use of the contact details for the citizen tracking their case (`.citizen`: the secret was
    /// proved when the case was read), or nil for the public view.
    public func contactAccess(of tracking: Tracking) async throws -> ContactAccessLog? {
        guard case .citizen(let record, _) = tracking else { return nil }
        return try await store.contactAccess(caseID: record.id)
    }

    /// Gives the case with `code` the location its citizen accepted (offered from their photo's GPS
    /// position, never set silently). Only a case filed without one: a location already given stays.
    /// - Throws: `caseNotFound`, `invalid_secret` as for citizen actions; `invalid_location` out of
    ///   range; `case_has_location` (`conflict`) when it has one.
    public func setLocation(code: String, secret: String, latitude: Double, longitude: Double) async throws -> CaseRecord {
        guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
            throw DomainError.invalid("invalid_location", th: "พิกัดไม่ถูกต้อง", en: "\"lat\"/\"lon\" are out of range.")
        }
        guard let canonical = TrackingCode.canonical(code) else { throw DomainError.caseNotFound }
        let result = try await store.setLocation(code: canonical, secret: secret, latitude: latitude, longitude: longitude) {
            context in
            guard context.secretMatches else { throw Self.wrongSecret(for: context.current) }
        }
        guard result.changed else {
            throw DomainError(
                .conflict, code: "case_has_location", th: "เรื่องนี้มีตำแหน่งอยู่แล้ว", en: "This case already has a location.")
        }
        changed(result.record)
        return result.record
    }

    /// Erases the contact details of a finished case at the request of the citizen who filed it.
    ///
    /// A repeated request succeeds without doing anything (`alreadyErased`, with the time of
    /// the first erasure), so a retry or a double click is harmless.
    /// - Throws: `caseNotFound`, `invalid_secret` as for citizen actions; `case_not_finished`
    ///   (`conflict`) while the case is not finished.
    public func eraseContact(code: String, secret: String) async throws -> (
        record: CaseRecord, outcome: ContactErasureOutcome, erasedAt: Date?
    ) {
        guard let canonical = TrackingCode.canonical(code) else { throw DomainError.caseNotFound }
        return try await store.eraseContact(code: canonical, secret: secret, at: clock()) { context in
            guard context.secretMatches else {
                throw Self.wrongSecret(for: context.current)
            }
            try ContactErasure.check(context.current.state.status)
        }
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
