import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Pages
import Photos
import Services
import Synchronization

/// Turns errors on page addresses (everything outside `/api/`, `/channels/` and the health checks) into an
/// HTML page in the reader's language, so a person in a browser never sees JSON or a blank page.
/// API errors pass through to `ErrorMiddleware`'s JSON shape.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let kit: PageKit

    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/api" || path.hasPrefix("/channels/") || path.hasPrefix("/open311/")
            || path == "/healthz" || path == "/readyz" || path == "/metrics")
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
            case let rejection as PhotoRejection: page = .refused(APIError(rejection))
            case is HTTPParserError:
                // A body the HTTP decoder could not read (a malformed chunk size): the client's fault.
                page = PageError(status: .badRequest, heading: "error_generic_heading", message: "error_bad_form")
            case let error as HTTPError where error.status == .notFound: page = .notFound
            case let error as HTTPError where error.status.code < 500:
                page = PageError(status: error.status, heading: "error_generic_heading", message: "error_bad_form")
            case let error as APIError where error.status.code < 500: page = .refused(error)
            case is StatisticsService.NotLoaded:
                page = PageError(status: .serviceUnavailable, heading: "error_generic_heading", message: "error_statistics_loading")
            case let error where SiangServices.meansUnavailable(error):
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
        var response: Response
        do {
            response = try kit.page(
                ErrorPage(heading: view.text(error.heading), message: message), title: view.text("title_error"),
                view: view, request: request, status: error.status)
        } catch {
            // The error page itself cannot be rendered: say so in plain words rather than send nothing.
            context.logger.error("error page not rendered", metadata: ["error": "\(error)"])
            response = Response(
                status: .internalServerError,
                headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "500 Internal Server Error\n")))
        }
        if error.status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        return response
    }
}

/// Limits form posts per client address (a token bucket each), so one address cannot flood the
/// service with filings or password guesses.
final class FormRateLimiter: Sendable {
    let perMinute: Int
    private let buckets: TokenBuckets

    /// `perMinute` posts a minute on average, up to that many at once; zero turns the limit off.
    init(perMinute: Int) {
        self.perMinute = perMinute
        self.buckets = TokenBuckets(capacity: max(perMinute, 1), per: .seconds(60))
    }

    /// Whether `client` may post now (and counts the post).
    func allow(_ client: String, now: ContinuousClock.Instant = .now) -> Bool {
        perMinute <= 0 || buckets.take(client, now: now)
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post, PageErrorMiddleware.isPage(request.uri.path),
            !limiter.allow(context.client(of: request, behindProxy: behindProxy))
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
        // A form never encodes a bare "%"; "%00" is a NUL, which no field can store (PostgreSQL text).
        guard !text.unicodeScalars.contains("\0"), text.range(of: "%00") == nil else {
            throw PageError(status: .badRequest, heading: "error_generic_heading", message: "error_bad_form")
        }
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
