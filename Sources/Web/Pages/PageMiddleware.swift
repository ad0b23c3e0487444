import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Pages
import Postgres
import Synchronization

/// Turns errors on page addresses (everything outside `/api/` and the health checks) into an
/// HTML page in the reader's language, so a person in a browser never sees JSON or a blank page.
/// API errors pass through to `ErrorMiddleware`'s JSON shape.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let kit: PageKit

    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/api" || path == "/healthz" || path == "/readyz")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isPage(request.uri.path) else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch {
            let page: PageError
            switch error {
            case let error as PageError: page = error
            case let error as DomainError: page = .refused(APIError(error))
            case let error as HTTPError where error.status == .notFound: page = .notFound
            case let error as HTTPError where error.status.code < 500:
                page = PageError(status: error.status, heading: "error_generic_heading", message: "error_bad_form")
            case let error as APIError where error.status.code < 500: page = .refused(error)
            case let error as PostgresError where error.meansUnavailable:
                context.logger.error("database unavailable", metadata: ["error": "\(error)"])
                page = PageError(status: .serviceUnavailable, heading: "error_generic_heading", message: "error_internal")
            default:
                context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
                page = .internalError
            }
            return render(page, request: request, context: context)
        }
    }

    func render(_ error: PageError, request: Request, context: Context) -> Response {
        let view = kit.view(request, context: context)
        let message = error.words.map { view.language.pick($0.th, $0.en) } ?? view.text(error.message)
        var response = kit.page(
            "error", title: view.text("title_error"), view: view, request: request,
            values: ["heading": view.text(error.heading), "message": message], status: error.status)
        if error.status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        return response
    }
}

/// Limits form posts per client address (a token bucket each), so one address cannot flood the
/// service with filings or password guesses.
final class FormRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `perMinute` posts a minute on average, up to that many at once; zero turns the limit off.
    init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Whether `client` may post now (and counts the post).
    func allow(_ client: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard perMinute > 0 else { return true }
        let capacity = Double(perMinute)
        return buckets.withLock { buckets in
            if buckets.count > 50_000 { buckets.removeAll(keepingCapacity: true) }
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * capacity / 60)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            return true
        }
    }
}

/// Applies `FormRateLimiter` to form posts on page addresses.
struct FormRateLimitMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let limiter: FormRateLimiter
    /// Whether a reverse proxy in front sets `X-Forwarded-For`; then its last entry (the one the
    /// proxy added, which a client cannot forge) is the client. Otherwise every client behind
    /// the proxy would share one allowance.
    let behindProxy: Bool

    func client(_ request: Request, context: Context) -> String {
        if behindProxy, let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return context.clientAddress ?? "unknown"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post, PageErrorMiddleware.isPage(request.uri.path),
            !limiter.allow(client(request, context: context))
        {
            throw PageError.rateLimited
        }
        return try await next(request, context)
    }
}

/// Reads `application/x-www-form-urlencoded` bodies.
enum FormBody {
    /// - Throws: `PageError` 413 when the body is too large, 400 when it is not a form.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: SiangRequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw PageError(status: .contentTooLarge, heading: "error_generic_heading", message: "error_too_large")
        }
        let text = String(buffer: buffer)
        do {
            return try URLEncodedFormDecoder().decode(type, from: text)
        } catch {
            throw PageError(status: .badRequest, heading: "error_generic_heading", message: "error_bad_form")
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
