public import Domain
public import Hummingbird
public import HummingbirdAuth
import Logging
import NIOCore
import Foundation

/// The context of every request: Hummingbird's core storage, the configured body limit, the
/// client's address, the staff sign-in session and, after authentication, the staff member
/// making the request.
public struct SiangRequestContext: RequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `StaffAuthenticationMiddleware` on API agency routes, and from the sign-in session on agency pages.
    public var staff: StaffMember?
    /// The largest request body accepted, in bytes.
    public var maxUploadSize: Int
    /// The peer's IP address (form rate limits), when known.
    public var clientAddress: String?
    /// The staff sign-in session of agency pages (`SessionMiddleware`).
    public let sessions = SessionContext<StaffSession>()
    /// Whether the handler refused a credential behind an answer that looks like success.
    let credentialRefused = CredentialRefusal()

    public init(source: Source) {
        self.coreContext = .init(source: source)
        // The configured limit is set by `BodyLimitMiddleware` before any handler reads a body; until
        // then the smallest sensible one.
        self.maxUploadSize = 0
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

}

/// What a staff sign-in session remembers: only who signed in; everything else is read fresh.
public struct StaffSession: Codable, Sendable {
    public var staffID: Int64
    /// The account's session generation when this session began (absent in sessions older than it: 0).
    public var generation: Int?

    public init(staffID: Int64, generation: Int) {
        self.staffID = staffID
        self.generation = generation
    }

    /// Whether the session is still the account's: no password change or deactivation since it began.
    public func isCurrent(for staff: StaffMember) -> Bool {
        (generation ?? 0) == staff.sessionGeneration
    }
}

extension SiangRequestContext {
    /// Who is asking, for per-client limits. Behind a reverse proxy that sets `X-Forwarded-For`, its last
    /// entry (the one the proxy added, which a client cannot forge); otherwise every client behind the
    /// proxy would share one allowance. Directly, the peer's address.
    func client(of request: Request, behindProxy: Bool) -> String {
        if behindProxy, let forwarded = request.headers[.xForwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return clientAddress ?? "unknown"
    }
}
