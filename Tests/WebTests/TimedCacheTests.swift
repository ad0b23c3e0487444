import Foundation
import Synchronization
import Testing
import Services

@Suite("Statistics answer cache")
struct TimedCacheTests {
    final class Counter: Sendable {
        let value = Atomic(0)
        func next() -> [UInt8] { [UInt8(value.add(1, ordering: .relaxed).newValue)] }
    }

    @Test("an answer is reused within its lifetime, computed once for concurrent callers, per query")
    func reuse() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60))
        let counter = Counter()
        let answers = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value(key: "stats?group_by=category") {
                        try await Task.sleep(for: .milliseconds(50))  // a slow computation the others must wait for
                        return counter.next()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers) == [[1]])
        #expect(try await cache.value(key: "stats?group_by=agency") { counter.next() } == [2])
        #expect(try await cache.value(key: "stats?group_by=category") { counter.next() } == [1])
    }

    @Test("an expired answer is computed again; a zero lifetime always computes")
    func expiry() async throws {
        let counter = Counter()
        let short = TimedCache<String, [UInt8]>(lifetime: .milliseconds(30))
        #expect(try await short.value(key: "k") { counter.next() } == [1])
        try await Task.sleep(for: .milliseconds(60))
        #expect(try await short.value(key: "k") { counter.next() } == [2])

        let never = TimedCache<String, [UInt8]>(lifetime: .zero)
        #expect(try await never.value(key: "k") { counter.next() } == [3])
        #expect(try await never.value(key: "k") { counter.next() } == [4])
    }

    struct Failure: Error {}

    @Test("a failed computation is not remembered")
    func failure() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60))
        await #expect(throws: Failure.self) { try await cache.value(key: "k") { throw Failure() } }
        #expect(try await cache.value(key: "k") { [7] } == [7])
    }

    @Test("a refresh starts one computation in the background and returns at once; callers then share it")
    func refresh() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60))
        let counter = Counter()
        let release = AsyncStream.makeStream(of: Void.self)
        let slow: @Sendable () async throws -> [UInt8] = {
            for await _ in release.stream { break }  // runs until the test lets it finish
            return counter.next()
        }
        cache.refresh(key: "figures", compute: slow)  // returns while the computation waits
        cache.refresh(key: "figures", compute: slow)  // one already on its way: none started
        #expect(counter.value.load(ordering: .relaxed) == 0)
        release.continuation.yield()
        #expect(try await cache.value(key: "figures") { counter.next() } == [1], "the refreshed answer, not a new one")
        #expect(counter.value.load(ordering: .relaxed) == 1)
    }
}
