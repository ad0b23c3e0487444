import Domain
import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOHTTP1
import Photos
import Services

/// Turns every error into the one JSON error shape, so no client ever sees an HTML page, an
/// empty body or a stack trace; unexpected errors are logged with the request id and answered
/// with a generic message.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            // Open311's clients expect its own error list, even from the router and the rate limits.
            if request.uri.path.hasPrefix("/open311/"), let answer = try Open311Controller.errorResponse(for: error, path: request.uri.path) {
                return answer
            }
            return try Self.response(for: error, request: request, context: context)
        }
    }

    static func response(for error: any Error, request: Request, context: Context) throws -> Response {
        switch error {
        case let error as APIError:
            return try error.response(from: request, context: context)
        case let error as DomainError:
            return try APIError(error).response(from: request, context: context)
        case let rejection as PhotoRejection:
            return try APIError(rejection).response(from: request, context: context)
        case is HTTPParserError:
            // A body the HTTP decoder could not read (a malformed chunk size): the client's fault.
            return try APIError.malformedRequest.response(from: request, context: context)
        case let error as HTTPError:
            return try apiError(for: error.status).response(from: request, context: context)
        case is StatisticsService.NotLoaded:
            return try APIError.statisticsLoading.response(from: request, context: context)
        case let error where SiangServices.meansUnavailable(error):
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            var unavailable = APIError.unavailable
            unavailable.headers[.retryAfter] = "1"
            return try unavailable.response(from: request, context: context)
        case let error as any HTTPResponseError where error.status.code < 500:
            return try apiError(for: error.status).response(from: request, context: context)
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return try APIError.internalError.response(from: request, context: context)
        }
    }

    static func apiError(for status: HTTPResponse.Status) -> APIError {
        switch status {
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .contentTooLarge: return .bodyTooLarge
        case _ where status.code < 500:
            return APIError(
                status: status, code: "bad_request", th: "คำขอไม่ถูกต้อง", en: status.reasonPhrase.isEmpty ? "Bad request." : status.reasonPhrase)
        default: return .internalError
        }
    }
}

/// Gives every request the configured body limit (`http.max_body_bytes`), which handlers collect
/// bodies up to; passed down the middleware chain rather than kept in a global.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let maximumBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maximumBytes
        return try await next(request, context)
    }
}

/// One structured log line per request (method, path, status, duration, request id), and
/// the request id echoed in `X-Request-Id` so a citizen can quote it.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let id = context.logger[metadataKey: "hb.request.id"]?.description ?? ""
        response.headers[.requestID] = id
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.log(
            level: response.status.code >= 500 ? .error : .info, "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\(String(format: "%.2f", milliseconds))",
            ])
        return response
    }
}

/// Authenticates agency routes with `Authorization: Bearer <token>`.
struct StaffAuthenticationMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext
    let accounts: StaffAccounts
    /// Told of each token proved, so its requests draw on the token's own allowance (`RateLimiter`).
    var proved: VerifiedTokens?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = RateLimitMiddleware.bearerToken(request), let staff = try await accounts.authenticate(token: token)
        else {
            var error = APIError(
                status: .unauthorized, code: "unauthenticated",
                th: "ต้องใช้โทเคนของเจ้าหน้าที่ (Authorization: Bearer …)",
                en: "A staff API token is required (Authorization: Bearer …).")
            error.headers[.wwwAuthenticate] = "Bearer realm=\"siang\""
            throw error
        }
        guard staff.role != .partner else {
            throw APIError(
                status: .forbidden, code: "partner_may_only_file",
                th: "โทเคนของระบบภายนอกใช้ได้เพียงส่งเรื่องผ่าน Open311", en: "A partner token may only file requests through Open311.")
        }
        proved?.proved(token, owner: "staff:\(staff.id)")
        var context = context
        context.staff = staff
        context.logger[metadataKey: "staff"] = "\(staff.id)"
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let trackingSecret = Self("X-Tracking-Secret")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
