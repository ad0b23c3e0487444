/// Where and how `SMTPClient` delivers: the server, the encryption, the credentials and the time limits.
public struct SMTPConfiguration: Sendable {
    /// How the connection is encrypted.
    public enum Security: Sendable, Equatable {
        /// No encryption (a relay on the same machine or network). AUTH is refused unless
        /// `allowsAuthenticationWithoutTLS`.
        case none
        /// Plain connection upgraded with STARTTLS before anything else is sent (usually port 587).
        /// A server that does not offer STARTTLS is an error, never a reason to go on in clear.
        case startTLS
        /// TLS from the first byte (implicit TLS, usually port 465).
        case tls
    }

    /// A SASL mechanism for AUTH.
    public enum AuthenticationMethod: String, Sendable, Equatable, CaseIterable {
        /// RFC 4616: user name and password in one base64 line.
        case plain = "PLAIN"
        /// The older LOGIN: user name and password each after a prompt.
        case login = "LOGIN"
    }

    /// A user name and password for AUTH.
    public struct Credentials: Sendable, Equatable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// Which certificates the client accepts from the server.
    public enum CertificateTrust: Sendable, Equatable {
        /// The system's trusted authorities, with the host name checked against the certificate.
        case system
        /// Only certificates issued by the authorities in this PEM file (an organisation's own CA, or a
        /// test CA), with the host name checked.
        case certificateAuthorities(pemFile: String)
        /// Any certificate, no host name check. For tests only: it gives encryption without knowing who
        /// is at the other end.
        case noVerificationForTestsOnly
    }

    /// Host name or IP address of the server. With TLS, the certificate must name it.
    public var host: String
    public var port: Int
    public var security: Security
    /// Credentials for AUTH; nil to send without authenticating.
    public var credentials: Credentials?
    /// The mechanisms the client may use, in order of preference; the first one the server advertises in
    /// its EHLO reply is used.
    public var authenticationMethods: [AuthenticationMethod]
    /// Allow AUTH over an unencrypted connection (`security: .none`), which shows the password to anyone
    /// on the path. Off by default.
    public var allowsAuthenticationWithoutTLS: Bool
    /// The name the client gives in EHLO/HELO: this machine's fully qualified domain name.
    public var heloName: String
    public var certificateTrust: CertificateTrust
    /// How long making the TCP connection may take (all addresses of the host together).
    public var connectTimeout: Duration
    /// How long each reply may take: the greeting (and, with `.tls`, the handshake), every command's
    /// reply and the STARTTLS handshake.
    public var replyTimeout: Duration
    /// How long the server may take to accept the message after the final dot (RFC 5321 4.5.3.2.6
    /// suggests 10 minutes; a server may check the message for spam and viruses then).
    public var messageAcceptanceTimeout: Duration

    /// - Parameter port: by default 25 for `.none`, 587 for `.startTLS` and 465 for `.tls`.
    public init(
        host: String, port: Int? = nil, security: Security, credentials: Credentials? = nil,
        authenticationMethods: [AuthenticationMethod] = [.plain, .login], allowsAuthenticationWithoutTLS: Bool = false,
        heloName: String, certificateTrust: CertificateTrust = .system, connectTimeout: Duration = .seconds(10),
        replyTimeout: Duration = .seconds(60), messageAcceptanceTimeout: Duration = .seconds(300)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(for: security)
        self.security = security
        self.credentials = credentials
        self.authenticationMethods = authenticationMethods
        self.allowsAuthenticationWithoutTLS = allowsAuthenticationWithoutTLS
        self.heloName = heloName
        self.certificateTrust = certificateTrust
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.messageAcceptanceTimeout = messageAcceptanceTimeout
    }

    /// The usual port for each kind of security.
    public static func defaultPort(for security: Security) -> Int {
        switch security {
        case .none: return 25
        case .startTLS: return 587
        case .tls: return 465
        }
    }
}
