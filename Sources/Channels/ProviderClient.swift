public import AsyncHTTPClient
import NIOCore

/// The HTTP client every provider sender uses, made once for the process. More connections per
/// host than AsyncHTTPClient's shared client allows (8): a webhook receiver or SMS gateway is one
/// host, and the outbox sends a batch of messages to it at once.
public enum ProviderClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
