public import Domain
public import Hummingbird
import Logging

/// The context of every request: Hummingbird's core storage, the configured body limit and,
/// after authentication, the staff member making the request.
public struct SiangRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `StaffAuthenticationMiddleware` on agency routes.
    public var staff: StaffMember?
    /// The largest request body accepted, in bytes.
    public var maxUploadSize: Int

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.maxUploadSize = SiangRequestContext.bodyLimit
    }

    /// Set once at start from the configuration; read by every new context.
    nonisolated(unsafe) static var bodyLimit = 65_536
}
