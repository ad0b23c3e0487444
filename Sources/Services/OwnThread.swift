import Foundation

/// Runs blocking or long work on a thread of its own.
///
/// Swift's cooperative pool has one thread per core, and every request's task needs one. Work that
/// blocks (a raw socket read in a test, waiting for a child process) or computes for minutes (the
/// duplicate figures at national size) would hold one of two threads on a 2-core machine for as long;
/// on its own thread it only competes for the CPU, like any other thread.
///
/// - Parameter background: the thread gives way to every other (Linux's nice value 10, for this thread
///   only): for figures nobody waits for, which would otherwise take a core from requests and exports.
public func onOwnThread<T: Sendable>(background: Bool = false, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            #if os(Linux)
            // `who` 0 is the calling thread on Linux, where the nice value belongs to each thread.
            if background { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10) }
            #endif
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
