import Configuration

/// Where `/metrics` is served (`metrics.*`): never on the public port without a token.
public struct MetricsSettings: Sendable, Equatable {
    /// A port of its own for `/metrics` (0: none), on `host`.
    public var port: Int
    /// The address of that port: loopback unless told otherwise.
    public var host: String
    /// When set, `/metrics` is also served on the main port to `Authorization: Bearer <token>`.
    public var token: String?

    public init(port: Int = 0, host: String = "127.0.0.1", token: String? = nil) {
        self.port = port
        self.host = host
        self.token = token
    }

    /// Whether metrics are collected at all.
    public var isOn: Bool { port > 0 || token != nil }

    static func read(_ config: ConfigReader) -> MetricsSettings {
        let token = config.string(forKey: "metrics.token", default: "")
        return MetricsSettings(
            port: config.int(forKey: "metrics.port", default: 0), host: config.string(forKey: "metrics.host", default: "127.0.0.1"),
            token: token.isEmpty ? nil : token)
    }
}
