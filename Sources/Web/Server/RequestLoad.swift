import Hummingbird
import Synchronization

/// How many requests the server is answering right now. Background work (sending notifications)
/// reads it to step back while citizens are waiting for answers.
final class RequestLoad: Sendable {
    private let inFlight = Atomic<Int>(0)

    var current: Int { inFlight.load(ordering: .relaxed) }

    func enter() { inFlight.add(1, ordering: .relaxed) }
    func leave() { inFlight.subtract(1, ordering: .relaxed) }
}

/// Counts each request from its arrival to its answer in `RequestLoad`.
struct RequestLoadMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let load: RequestLoad

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        load.enter()
        defer { load.leave() }
        return try await next(request, context)
    }
}
