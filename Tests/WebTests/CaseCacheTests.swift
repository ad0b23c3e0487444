import Domain
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Store

/// The tracking cache never keeps a case read before a change once that change has dropped it: with
/// several instances, the change feed's drop may land while another tracking read of the same case is
/// still in the database.
@Suite("Tracking cache")
struct CaseCacheTests {
    @Test("a read that began before a drop does not store the old case; one that began after does")
    func readBeforeDropIsNotKept() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let filed = try await client.file(bangNaPothole)
            let store = CaseStore(pool: app.database.pool)
            let found = try #require(try await store.findWithTimeline(code: filed.code, secret: filed.secret))
            let cache = CaseCache(lifetime: .seconds(60))

            let readBeforeDrop = cache.generation
            cache.drop([filed.code])
            cache.store(found.record, events: found.events, secretHash: [], readAt: readBeforeDrop)
            #expect(cache.entry(filed.code) == nil, "the case read before the drop was kept")

            cache.store(found.record, events: found.events, secretHash: [], readAt: cache.generation)
            #expect(cache.entry(filed.code)?.record.code == filed.code, "a read after the drop is kept")

            let readBeforeDropAll = cache.generation
            cache.dropAll()
            cache.store(found.record, events: found.events, secretHash: [], readAt: readBeforeDropAll)
            #expect(cache.entry(filed.code) == nil, "the case read before dropping everything was kept")
        }
    }
}
