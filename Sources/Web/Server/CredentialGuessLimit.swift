import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Slows down anyone trying tracking secrets, staff tokens or passwords at speed.
///
/// A request that carries a credential (`X-Tracking-Secret`, the tracking cookie of a case page, a
/// posted tracking form, `Authorization`, a posted sign-in) takes one try from its client's allowance
/// *before* it is handled, so parallel requests cannot outrun the count; the try is given back when the
/// answer shows the credential was right (or was never checked). Refusals are: 401 for a token or
/// password; 401, 403 or 404 for a tracking secret, or a case page that fell back to the public view.
/// A tracking code also has an allowance, which every wrong secret for it spends, from whatever address;
/// once it is spent the code refuses the clients that have failed several times in the last hour, so
/// guessing one code from many addresses gets a few tries per address an hour, while a citizen who
/// gives the right secret (or mistyped it once or twice) is never refused because someone else tried
/// their code (the secret has about 119 bits; the limit is about speed, not odds).
struct CredentialGuessLimitMiddleware: RouterMiddleware {
    typealias Context = SiangRequestContext

    let limits: CredentialGuessLimits
    let behindProxy: Bool

    enum Credential {
        case trackingSecret, staffToken, password

        func isRefusal(_ status: HTTPResponse.Status) -> Bool {
            switch self {
            case .staffToken, .password: return status == .unauthorized
            case .trackingSecret: return [.unauthorized, .forbidden, .notFound].contains(status)
            }
        }
    }

    static func credential(in request: Request) -> Credential? {
        let path = request.uri.path
        if request.headers[.trackingSecret] != nil { return .trackingSecret }
        if request.headers[.authorization] != nil { return .staffToken }
        if path.hasPrefix("/cases/"), request.cookies[CitizenPages.trackCookie] != nil { return .trackingSecret }
        guard request.method == .post else { return nil }
        if path == "/track" { return .trackingSecret }
        if path == "/agency/sign-in" { return .password }
        return nil
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard limits.isOn, let credential = Self.credential(in: request) else { return try await next(request, context) }
        let client = ClientKey.of(context.client(of: request, behindProxy: behindProxy))
        let code = credential == .trackingSecret
            ? context.parameters.get("code").flatMap { TrackingCode.canonical($0.removingPercentEncoding ?? $0) } : nil
        var reservation: CredentialGuessLimits.Reservation?
        // Tries held by requests still being checked come back in milliseconds when they were right, so
        // a busy client (many people behind one address) waits for them, briefly; only tries spent on
        // failures refuse.
        let deadline = ContinuousClock.now + .seconds(2)
        while reservation == nil {
            switch limits.reserve(client: client, code: code) {
            case .reserved(let reserved): reservation = reserved
            case .wait(let seconds):
                guard limits.hasTriesInFlight(client: client), ContinuousClock.now < deadline else {
                    throw Self.tooManyTries(retryAfter: seconds)
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        guard let reservation else { throw Self.tooManyTries(retryAfter: 1) }
        do {
            let response = try await next(request, context)
            limits.settle(reservation, failed: credential.isRefusal(response.status) || context.credentialRefused.isSet)
            return response
        } catch {
            limits.settle(reservation, failed: Self.status(of: error).map(credential.isRefusal) ?? false)
            throw error
        }
    }

    static func status(of error: any Error) -> HTTPResponse.Status? {
        switch error {
        case let error as APIError: return error.status
        case let error as DomainError: return APIError(error).status
        case let error as HTTPError: return error.status
        case let error as PageError: return error.status
        default: return nil
        }
    }

    static func tooManyTries(retryAfter seconds: Int) -> APIError {
        .tooMany(
            code: "too_many_attempts", retryAfter: seconds, th: "ลองรหัสลับ โทเคน หรือรหัสผ่านผิดหลายครั้งเกินไป",
            en: "Too many wrong secrets, tokens or passwords from this client")
    }
}

/// Set by a handler whose answer looks like success but refused the credential it was given (a case
/// page that fell back to the public view for a wrong secret), so the try still counts.
final class CredentialRefusal: Sendable {
    private let refused = Atomic<Bool>(false)

    func set() { refused.store(true, ordering: .relaxed) }
    var isSet: Bool { refused.load(ordering: .relaxed) }
}

/// The allowances of credential tries: per client, and per tracking code.
final class CredentialGuessLimits: Sendable {
    enum Outcome {
        case reserved(Reservation)
        case wait(seconds: Int)
    }

    /// The tries one request took, to give back when it did not fail.
    struct Reservation {
        let client: String
        /// The code whose allowance this try was taken from (only for clients that failed lately).
        let code: String?
        /// The code tried, which a failure spends in any case.
        var triedCode: String?
    }

    let failuresPerMinute: Int
    private let clients: TokenBuckets
    private let codes: TokenBuckets
    /// Failures per client over the last hour: a client with none left has failed `forgivenFailures`
    /// times and meets the allowance of the codes it tries.
    private let recentFailures: TokenBuckets
    static let forgivenFailures = 3
    /// Tries taken by requests not yet answered, per client.
    private let inFlight = Mutex<[String: Int]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `failuresPerMinute` failed tries a minute per client (and as many at once); a tracking code allows
    /// the same number an hour to clients that have failed lately. Zero turns the limit off.
    init(failuresPerMinute: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.failuresPerMinute = failuresPerMinute
        self.now = now
        self.clients = TokenBuckets(capacity: max(failuresPerMinute, 1), per: .seconds(60))
        self.codes = TokenBuckets(capacity: max(failuresPerMinute, 1), per: .seconds(3600))
        self.recentFailures = TokenBuckets(capacity: Self.forgivenFailures, per: .seconds(3600))
    }

    var isOn: Bool { failuresPerMinute > 0 }

    /// Takes a try from `client` (and from `code`, when the client has failed lately), or says how long
    /// to wait.
    func reserve(client: String, code: String?) -> Outcome {
        let trusted = recentFailures.hasToken(client, now: now())
        guard clients.take(client, now: now()) else { return .wait(seconds: clients.secondsUntilToken(client, now: now())) }
        guard let code, !trusted else { return .reserved(held(Reservation(client: client, code: nil, triedCode: code))) }
        guard codes.take(code, now: now()) else {
            clients.refund(client, now: now())
            return .wait(seconds: codes.secondsUntilToken(code, now: now()))
        }
        return .reserved(held(Reservation(client: client, code: code, triedCode: code)))
    }

    private func held(_ reservation: Reservation) -> Reservation {
        inFlight.withLock { $0[reservation.client, default: 0] += 1 }
        return reservation
    }

    /// Whether some of `client`'s tries are held by requests still being checked (and may come back).
    func hasTriesInFlight(client: String) -> Bool {
        inFlight.withLock { ($0[client] ?? 0) > 0 }
    }

    /// Ends a reservation: a failed try stays spent; a try that was not a failure is given back.
    func settle(_ reservation: Reservation, failed: Bool) {
        if !failed {
            clients.refund(reservation.client, now: now())
            if let code = reservation.code { codes.refund(code, now: now()) }
        } else {
            _ = recentFailures.take(reservation.client, now: now())
            // A trusted client's failure was not taken from the code before it was checked; it spends it now.
            if reservation.code == nil, let code = reservation.triedCode { _ = codes.take(code, now: now()) }
        }
        inFlight.withLock { counts in
            let left = (counts[reservation.client] ?? 1) - 1
            counts[reservation.client] = left > 0 ? left : nil
        }
    }
}

/// The key a client's allowance is kept under: its IPv4 address, or the /64 network of an IPv6 one
/// (one subscriber holds a whole /64, so single IPv6 addresses are free to vary).
enum ClientKey {
    static func of(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")  // IPv4-mapped
        }
        return bytes[0..<8].map { String(format: "%02x", $0) }.joined() + "::/64"
    }
}
