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

    @Test("a computation that runs past the patience is not waited for: the next caller starts another")
    func hungComputation() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60), patience: .milliseconds(30))
        let gate = Gate()
        cache.refresh(key: "figures") { try await gate.compute() }
        try await eventually { gate.started.load(ordering: .relaxed) > 0 }
        try await Task.sleep(for: .milliseconds(40))
        #expect(try await cache.value(key: "figures") { [42] } == [42])
        gate.open.store(true, ordering: .relaxed)
    }

    @Test("a failed computation is not remembered")
    func failure() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60))
        await #expect(throws: Failure.self) { try await cache.value(key: "k") { throw Failure() } }
        #expect(try await cache.value(key: "k") { [7] } == [7])
    }

    /// A computation that runs until the test lets it end, counting how many started and ended.
    final class Gate: Sendable {
        let open = Atomic(false)
        let started = Atomic(0)
        let ended = Atomic(0)

        func compute() async throws -> [UInt8] {
            let number = started.add(1, ordering: .relaxed).newValue
            while !open.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(2)) }
            ended.add(1, ordering: .relaxed)
            return [UInt8(number)]
        }
    }

    /// Waits until `condition` holds (at most five seconds: a busy machine may be slow to start a task).
    func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("a refresh starts one computation in the background and returns at once; callers then share it")
    func refresh() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .seconds(60))
        let gate = Gate()
        cache.refresh(key: "figures") { try await gate.compute() }  // returns while the computation waits
        cache.refresh(key: "figures") { try await gate.compute() }  // one already on its way: none started
        try await eventually { gate.started.load(ordering: .relaxed) > 0 }
        try await Task.sleep(for: .milliseconds(20))
        #expect(gate.started.load(ordering: .relaxed) == 1)
        gate.open.store(true, ordering: .relaxed)
        #expect(try await cache.value(key: "figures") { [99] } == [1], "the refreshed answer, not a new one")
    }

    @Test("a computation longer than the lifetime is not started again while it runs, zero lifetime too")
    func longComputation() async throws {
        for lifetime in [Duration.milliseconds(10), .zero] {
            let cache = TimedCache<String, [UInt8]>(lifetime: lifetime)
            let gate = Gate()
            cache.refresh(key: "figures") { try await gate.compute() }
            try await eventually { gate.started.load(ordering: .relaxed) > 0 }
            try await Task.sleep(for: .milliseconds(30))  // past the lifetime, still running
            cache.refresh(key: "figures") { try await gate.compute() }
            try await Task.sleep(for: .milliseconds(20))
            #expect(gate.started.load(ordering: .relaxed) == 1, "lifetime \(lifetime)")
            gate.open.store(true, ordering: .relaxed)
            // Once it has ended and expired, a refresh computes again (asked until it does: the cache
            // records the end a moment after the computation returns).
            try await eventually {
                cache.refresh(key: "figures") { try await gate.compute() }
                return gate.started.load(ordering: .relaxed) >= 2
            }
            #expect(gate.started.load(ordering: .relaxed) >= 2, "lifetime \(lifetime): an ended answer expires")
        }
    }

    @Test("a recent answer is given at once once there is one, however old, while the next is computed behind it")
    func recentAnswers() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .milliseconds(300), keepsLast: true)
        let gate = Gate()
        // The first caller has nothing to be given: it waits for the first computation.
        let first = Task { try await cache.recent(key: "months") { try await gate.compute() } }
        try await eventually { gate.started.load(ordering: .relaxed) == 1 }
        gate.open.store(true, ordering: .relaxed)
        #expect(try await first.value == [1])

        // Expired: the old answer comes back without waiting, and one new computation starts behind it.
        gate.open.store(false, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(350))
        #expect(try await cache.recent(key: "months") { try await gate.compute() } == [1])
        #expect(try await cache.recent(key: "months") { try await gate.compute() } == [1])
        try await eventually { gate.started.load(ordering: .relaxed) == 2 }
        #expect(gate.started.load(ordering: .relaxed) == 2, "one computation for both callers")
        gate.open.store(true, ordering: .relaxed)
        try await eventually { gate.ended.load(ordering: .relaxed) == 2 }
        // The cache records the answer a moment after the computation returns it.
        var answer = try await cache.recent(key: "months") { [99] }
        for _ in 0..<100 where answer != [2] {
            try await Task.sleep(for: .milliseconds(2))
            answer = try await cache.recent(key: "months") { [99] }
        }
        #expect(answer == [2], "the new answer once computed")
    }

    @Test("a slow computation is not started again for its time divided by the busy share, however short the lifetime")
    func busyShare() async throws {
        let cache = TimedCache<String, [UInt8]>(lifetime: .milliseconds(1), busyShare: 0.1, keepsLast: true)
        let counter = Counter()
        let starts = Atomic(0)
        @Sendable func slow() async throws -> [UInt8] {
            starts.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(300))
            return counter.next()
        }
        // Nothing yet: `latest` never waits, it starts the computation.
        let started = ContinuousClock.now
        #expect(cache.latest(key: "duplicates", compute: slow) == nil)
        var first = cache.latest(key: "duplicates", compute: slow)
        for _ in 0..<6000 where first == nil {
            try await Task.sleep(for: .milliseconds(10))
            first = cache.latest(key: "duplicates", compute: slow)
        }
        #expect(first == [1])
        // The computation took at least its 300 ms sleep (more on a busy machine), so it is not started
        // again for at least three seconds. Past the lifetime, well within that: that answer, none started.
        let tookAtMost = ContinuousClock.now - started
        try await Task.sleep(for: .milliseconds(20))
        #expect(cache.latest(key: "duplicates", compute: slow) == [1])
        #expect(counter.value.load(ordering: .relaxed) == 1, "no second computation so soon")
        // Past ten times its time (at most what the test saw it take): the next ask starts another, and is
        // given the last answer meanwhile. Asked until it does.
        // A minute's margin: a loaded CI machine has held a task back for many seconds.
        let deadline = ContinuousClock.now + tookAtMost * 10 + .seconds(60)
        #expect(cache.latest(key: "duplicates", compute: slow) == [1])
        while starts.load(ordering: .relaxed) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            _ = cache.latest(key: "duplicates", compute: slow)
        }
        #expect(starts.load(ordering: .relaxed) == 2, "a second computation started once ten times the first's time had passed")
    }
}
