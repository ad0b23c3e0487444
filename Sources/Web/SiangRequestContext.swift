public import Domain
public import Hummingbird
public import HummingbirdAuth
import Logging
import NIOCore

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

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.maxUploadSize = SiangRequestContext.bodyLimit
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Set once at start from the configuration; read by every new context.
    nonisolated(unsafe) static var bodyLimit = 65_536
}

/// What a staff sign-in session remembers: only who signed in; everything else is read fresh.
public struct StaffSession: Codable, Sendable {
    public var staffID: Int64

    public init(staffID: Int64) {
        self.staffID = staffID
    }
}
