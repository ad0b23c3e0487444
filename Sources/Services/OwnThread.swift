import Foundation

/// Runs blocking or long work on a thread of its own.
///
/// Swift's cooperative pool has one thread per core, and every request's task needs one. Work that
/// blocks (a raw socket read in a test, waiting for a child process) or computes for minutes (the
/// duplicate figures at national size) would hold one of two threads on a 2-core machine for as long;
/// on its own thread it only competes for the CPU, like any other thread.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
