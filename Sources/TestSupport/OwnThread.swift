import Foundation

/// Runs blocking work (a raw socket read, waiting for a child process) on a thread of its own.
///
/// Swift's cooperative pool has one thread per core. A test that blocks one of them while the
/// server under test needs a pool thread to answer it can stall the whole test process on a
/// 2-core machine, until its timeout fires; so tests never block the pool.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
