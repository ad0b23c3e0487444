public import Domain
public import Foundation
public import Store

/// The upkeep cases need as time passes, apart from any request: closing resolved cases whose
/// appeal window has passed, forgetting old idempotency keys, erasing contact details kept
/// past their retention (PDPA), and dropping complaints left half-written in LINE chats. The server
/// runs it every so often (`MaintenanceService`).
public struct CaseUpkeep: Sendable {
    let store: CaseStore
    let rules: ServiceRules
    let clock: @Sendable () -> Date
    let lineConversations: LineConversationStore?
    let oneTimeCodes: OneTimeCodeStore?

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var closed = 0
        public var idempotencyKeysPurged = 0
        public var contactsErased = 0
        /// LINE drafts dropped, left unfinished past `ServiceRules.lineDraftLifetime`.
        public var lineDraftsDropped = 0
        /// One-time codes (and the addresses they were sent to) deleted a day after they were issued.
        public var oneTimeCodesPurged = 0
        public var isEmpty: Bool {
            closed + idempotencyKeysPurged + contactsErased + lineDraftsDropped + oneTimeCodesPurged == 0
        }
    }

    public init(
        store: CaseStore, rules: ServiceRules, clock: @escaping @Sendable () -> Date = { Date() },
        lineConversations: LineConversationStore? = nil, oneTimeCodes: OneTimeCodeStore? = nil
    ) {
        self.oneTimeCodes = oneTimeCodes
        self.store = store
        self.rules = rules
        self.clock = clock
        self.lineConversations = lineConversations
    }

    /// One round of upkeep, in batches until nothing is left; contact details are erased only
    /// when `purgingContacts`.
    public func runOnce(purgingContacts: Bool = true) async throws -> Round {
        let now = clock()
        var round = Round()
        while true {
            let batch = try await store.closeResolved(before: rules.lifecycle.closingCutoff(at: now), at: now)
            round.closed += batch
            if batch == 0 { break }
        }
        round.idempotencyKeysPurged = try await store.purgeIdempotencyKeys(
            before: now.addingTimeInterval(-rules.idempotencyRetention))
        if let lineConversations {
            round.lineDraftsDropped = try await lineConversations.purge(
                draftsBefore: now.addingTimeInterval(-rules.lineDraftLifetime),
                eventsBefore: now.addingTimeInterval(-LineConversationStore.eventMemory))
        }
        if let oneTimeCodes {
            round.oneTimeCodesPurged = try await oneTimeCodes.purge(createdBefore: now.addingTimeInterval(-86_400))
        }
        if purgingContacts, let retention = rules.contactRetention {
            while true {
                let batch = try await store.purgeContacts(finishedBefore: now.addingTimeInterval(-retention), at: now)
                round.contactsErased += batch
                if batch == 0 { break }
            }
        }
        return round
    }
}
