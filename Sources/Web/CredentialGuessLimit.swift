import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// Slows down anyone trying tracking secrets or staff tokens at speed.
///
/// A request that carries a credential (`X-Tracking-Secret`, `Authorization`) and is refused as
/// unauthenticated, forbidden or not found counts as a failed try: against the client's address, and
/// against the tracking code it named. A client with no tries left gets 429 with `Retry-After` before
/// its credential is even looked at. The code's allowance only binds clients that have failed lately
/// themselves: a citizen who has never given a wrong secret is never refused because someone else
/// tried their code (the secret has about 119 bits, so the limit is about speed, not odds).
struct CredentialGuessLimitMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext

    let limits: CredentialGuessLimits
    let behindProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let carriesCredential = request.headers[.trackingSecret] != nil || request.headers[.authorization] != nil
        guard carriesCredential, limits.isOn else { return try await next(request, context) }
        let client = context.client(of: request, behindProxy: behindProxy)
        let code = context.parameters.get("code").flatMap(TrackingCode.canonical)
        let wait = limits.wait(client: client, code: code)
        guard wait == 0 else { throw Self.tooManyTries(retryAfter: wait) }
        do {
            let response = try await next(request, context)
            if Self.isRefusal(response.status) { limits.failed(client: client, code: code) }
            return response
        } catch {
            if let status = Self.status(of: error), Self.isRefusal(status) { limits.failed(client: client, code: code) }
            throw error
        }
    }

    static func isRefusal(_ status: HTTPResponse.Status) -> Bool {
        [.unauthorized, .forbidden, .notFound].contains(status)
    }

    static func status(of error: any Error) -> HTTPResponse.Status? {
        switch error {
        case let error as APIError: return error.status
        case let error as DomainError: return APIError(error).status
        case let error as HTTPError: return error.status
        default: return nil
        }
    }

    static func tooManyTries(retryAfter seconds: Int) -> APIError {
        var error = APIError(
            status: .tooManyRequests, code: "too_many_attempts",
            th: "ลองรหัสลับหรือโทเคนผิดหลายครั้งเกินไป กรุณารอ \(seconds) วินาทีแล้วลองใหม่",
            en: "Too many wrong secrets or tokens from this client; try again in \(seconds) s.")
        error.headers[.retryAfter] = "\(seconds)"
        return error
    }
}

/// The allowances of failed credential tries: per client address, and per tracking code.
final class CredentialGuessLimits: Sendable {
    let failuresPerMinute: Int
    private let clients: TokenBuckets
    private let codes: TokenBuckets

    /// `failuresPerMinute` failed tries a minute per client (and as many at once); a tracking code takes
    /// the same number an hour from clients that have failed lately. Zero turns the limit off.
    init(failuresPerMinute: Int) {
        self.failuresPerMinute = failuresPerMinute
        self.clients = TokenBuckets(capacity: max(failuresPerMinute, 1), per: .seconds(60))
        self.codes = TokenBuckets(capacity: max(failuresPerMinute, 1), per: .seconds(3600))
    }

    var isOn: Bool { failuresPerMinute > 0 }

    /// Seconds `client` must wait before trying a credential (for `code`), 0 when it may try now.
    func wait(client: String, code: String?) -> Int {
        let clientWait = clients.secondsUntilToken(client)
        if clientWait > 0 { return clientWait }
        guard let code, !clients.isFull(client) else { return 0 }
        return codes.secondsUntilToken(code)
    }

    func failed(client: String, code: String?) {
        _ = clients.take(client)
        if let code { _ = codes.take(code) }
    }
}
