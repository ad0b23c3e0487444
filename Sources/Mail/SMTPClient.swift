import Foundation
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL

/// Sends e-mail to one SMTP server (RFC 5321), over SwiftNIO: STARTTLS or implicit TLS, AUTH PLAIN or
/// LOGIN; one message per connection, or a batch over one connection.
///
/// No connection is held open between sends, on purpose: a connection kept idle would be closed by
/// the server's idle timeout (often a minute or less) and need the same reconnecting and retrying
/// anyway, and a fresh connection leaves no state (a stale TLS session) from one send to the next.
/// A batch (`send(_:)` with an array: what an outbox has due at once) shares one connection, which
/// saves a handshake, EHLO and AUTH per message on both sides when many are due.
///
/// Not done: PIPELINING, CHUNKING, SMTPUTF8 (addresses must be ASCII; Thai goes in the subject, names
/// and body, which `MailMessage` writes as 7-bit), DSN, SIZE checks before sending, MX lookup (the
/// client talks to the configured relay), and retries: a failure is reported with
/// `SMTPError.isTransient` and the caller (an outbox) decides when to try again.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let tlsContext: NIOSSLContext?

    /// Prepares the client; it connects only when sending.
    ///
    /// - Parameter eventLoopGroup: where the connections run; by default NIO's shared singleton group.
    /// - Throws: `SMTPError` (`invalidConfiguration`) when the TLS configuration cannot be built (an
    ///   unreadable CA file, say) or the EHLO name is unusable. Reads the CA file here, once, rather
    ///   than on the event loop for each message.
    public init(
        configuration: SMTPConfiguration, eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "siang.mail")
    ) throws {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.logger = logger
        guard !configuration.heloName.isEmpty,
            configuration.heloName.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw SMTPError(
                kind: .invalidConfiguration, step: .prepare,
                detail: "the EHLO name must be a host name or address literal in printable ASCII")
        }
        if configuration.credentials != nil && configuration.security == .none
            && !configuration.allowsAuthenticationWithoutTLS
        {
            throw SMTPError(
                kind: .invalidConfiguration, step: .prepare,
                detail: "credentials without TLS would send the password in clear; use .startTLS or .tls, "
                    + "or set allowsAuthenticationWithoutTLS")
        }
        if configuration.security == .none {
            tlsContext = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            switch configuration.certificateTrust {
            case .system:
                break
            case .certificateAuthorities(let pemFile):
                tls.trustRoots = .file(pemFile)
            case .noVerificationForTestsOnly:
                tls.certificateVerification = .none
            }
            do {
                tlsContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw SMTPError(kind: .invalidConfiguration, step: .prepare, detail: "cannot set up TLS: \(error)")
            }
        }
    }

    /// Sends `message` to all of its recipients, or to none.
    ///
    /// Connects, reads the greeting, says EHLO (HELO if the server does not know EHLO), upgrades with
    /// STARTTLS and says EHLO again when configured, authenticates when credentials are set, then
    /// `MAIL FROM`, one `RCPT TO` per recipient, `DATA`, the message (dot-stuffed) and `QUIT`. If any
    /// recipient is refused the message is not sent at all, so a retry never reaches someone twice. Only
    /// the reply to the final dot decides success: a failure of `QUIT` after it does not count.
    ///
    /// - Throws: `SMTPError` (see `isTransient` and `mayHaveBeenDelivered`); `CancellationError` when
    ///   the task is cancelled, which closes the connection.
    public func send(_ message: MailMessage) async throws {
        let data = try Self.framed(message)
        var logger = logger
        logger[metadataKey: "smtp_message_id"] = "\(message.messageID)"
        logger[metadataKey: "smtp_server"] = "\(configuration.host):\(configuration.port)"

        let connection = try await connect(logger: logger)
        do {
            try await withTaskCancellationHandler {
                try await SMTPConversation(
                    configuration: configuration, connection: connection, tlsContext: tlsContext, logger: logger
                ).run(message: message, data: data)
            } onCancel: {
                connection.closeSoon()
            }
        } catch let error as SMTPError {
            // The server is still talking after a refusal: end politely.
            if error.kind == .rejected { await connection.quit(timeout: configuration.replyTimeout) }
            await connection.close()
            try Task.checkCancellation()
            // Not logged here: the caller decides what a failure means, and the error's description may
            // hold a recipient's address.
            throw error
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        logger.info("mail sent", metadata: ["smtp_recipients": "\(message.to.count)"])
    }

    /// Sends `messages` over one connection, one mail transaction each, in order, and returns the
    /// outcome of each in the same order.
    ///
    /// Each message stands alone: one the server refuses (a recipient, its content) fails with that
    /// refusal as with `send(_:)`, the transaction is reset, and the next goes on. When the connection
    /// fails, the message being sent fails as with `send(_:)` (possibly delivered, if its final dot was
    /// sent), and every later one fails with the same error, never marked as possibly delivered: they
    /// were not sent. Cancellation closes the connection; what was not sent fails with
    /// `CancellationError`.
    public func send(_ messages: [MailMessage]) async -> [Result<Void, any Error>] {
        var outcomes = [Result<Void, any Error>?](repeating: nil, count: messages.count)
        var ready: [(index: Int, message: MailMessage, data: [UInt8])] = []
        for (index, message) in messages.enumerated() {
            do {
                ready.append((index, message, try Self.framed(message)))
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        if !ready.isEmpty {
            var logger = logger
            logger[metadataKey: "smtp_server"] = "\(configuration.host):\(configuration.port)"
            do {
                let connection = try await connect(logger: logger)
                let conversation = SMTPConversation(
                    configuration: configuration, connection: connection, tlsContext: tlsContext, logger: logger)
                let sent = await withTaskCancellationHandler {
                    await Self.transfer(ready, in: conversation)
                } onCancel: {
                    connection.closeSoon()
                }
                for (index, outcome) in sent { outcomes[index] = outcome }
                if !sent.contains(where: { Self.brokeTheConnection($0.1) }) {
                    await connection.quit(timeout: configuration.replyTimeout)
                }
                await connection.close()
                let delivered = sent.filter { if case .success = $0.1 { true } else { false } }.count
                logger.info("mail sent", metadata: ["smtp_messages": "\(delivered)", "smtp_failed": "\(sent.count - delivered)"])
            } catch {
                for item in ready { outcomes[item.index] = .failure(error) }
            }
        }
        let cancelled = Task.isCancelled
        return outcomes.map { outcome in
            switch outcome {
            case .success?: return .success(())
            case .failure(let error as SMTPError)? where cancelled && error.kind != .rejected && !error.mayHaveBeenDelivered:
                return .failure(CancellationError())
            case .failure(let error)?: return .failure(error)
            case nil: return .failure(CancellationError())
            }
        }
    }

    /// The transactions of `ready` in turn over an open conversation, each one's outcome by index. A
    /// refusal resets the transaction and goes on; anything else ends the conversation.
    private static func transfer(
        _ ready: [(index: Int, message: MailMessage, data: [UInt8])], in conversation: SMTPConversation
    ) async -> [(Int, Result<Void, any Error>)] {
        var outcomes: [(Int, Result<Void, any Error>)] = []
        var failure: (any Error)?
        do {
            try await conversation.open()
        } catch {
            failure = error
        }
        for item in ready {
            if let failure {
                outcomes.append((item.index, .failure(Self.notSent(after: failure))))
                continue
            }
            do {
                try await conversation.transfer(item.message, data: item.data)
                outcomes.append((item.index, .success(())))
            } catch let error as SMTPError where error.kind == .rejected {
                outcomes.append((item.index, .failure(error)))
                do { try await conversation.reset() } catch { failure = error }
            } catch {
                outcomes.append((item.index, .failure(error)))
                failure = error
            }
        }
        return outcomes
    }

    /// The error of a message that was never sent because the connection failed before its turn.
    private static func notSent(after error: any Error) -> any Error {
        guard var error = error as? SMTPError else { return error }
        // Never tried, so never refused: a server that refused the reset between messages leaves the
        // rest to another attempt, as a broken connection would, not dead.
        if error.kind == .rejected { error.kind = .connectionClosed }
        error.mayHaveBeenDelivered = false
        error.detail = "not sent, the connection failed before its turn: \(error.detail)"
        return error
    }

    private static func brokeTheConnection(_ outcome: Result<Void, any Error>) -> Bool {
        guard case .failure(let error) = outcome else { return false }
        return (error as? SMTPError)?.kind != .rejected
    }

    /// The message written out and framed for DATA.
    private static func framed(_ message: MailMessage) throws(SMTPError) -> [UInt8] {
        do {
            return SMTPData.framed(try message.rendered())
        } catch {
            var failure = SMTPError(kind: .invalidMessage, step: .prepare, detail: error.description)
            failure.messageError = error
            throw failure
        }
    }

    // MARK: Connecting

    private func connect(logger: Logger) async throws -> SMTPConnection {
        let eventLoop = eventLoopGroup.next()
        let handler = try await eventLoop.submit { [replyTimeout = configuration.replyTimeout] in
            NIOLoopBound(
                SMTPConnectionHandler(eventLoop: eventLoop, greetingTimeout: TimeAmount(replyTimeout)),
                eventLoop: eventLoop)
        }.get()
        let implicitTLS = configuration.security == .tls ? tlsContext : nil
        let serverHostname = configuration.tlsServerHostname
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                })
            }
        do {
            let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            logger.trace("SMTP connected")
            return SMTPConnection(channel: channel, handler: handler)
        } catch {
            try? await eventLoop.submit { handler.value.connectionFailed(error) }.get()
            if case ChannelError.connectTimeout = error {
                throw SMTPError(
                    kind: .timeout, step: .connect, detail: "no connection within \(configuration.connectTimeout)")
            }
            if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
                throw SMTPError(kind: .tlsFailed, step: .connect, detail: "cannot set up TLS: \(error)")
            }
            throw SMTPError(kind: .connectionFailed, step: .connect, detail: "\(error)")
        }
    }
}

/// The channel and its SMTP handler, seen from async code: each call hops to the event loop.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<SMTPConnectionHandler>

    func greeting(step: SMTPError.Step) async throws -> SMTPReply {
        let handler = handler
        return try await mapFailure(step: step) {
            try await channel.eventLoop.flatSubmit { handler.value.greeting }.get()
        }
    }

    func send(_ bytes: [UInt8], timeout: Duration, step: SMTPError.Step) async throws -> SMTPReply {
        let handler = handler
        return try await mapFailure(step: step) {
            try await channel.eventLoop.flatSubmit { handler.value.send(bytes, timeout: TimeAmount(timeout)) }.get()
        }
    }

    /// Says QUIT and waits for the reply, whatever it is; a failure here changes nothing.
    func quit(timeout: Duration) async {
        _ = try? await send(Array("QUIT\r\n".utf8), timeout: timeout, step: .message)
    }

    func startTLS(context: NIOSSLContext, serverHostname: String?, timeout: Duration) async throws {
        let handler = handler
        try await mapFailure(step: .startTLS) {
            try await channel.eventLoop.flatSubmit {
                handler.value.startTLS(context: context, serverHostname: serverHostname, timeout: TimeAmount(timeout))
            }.get()
        }
    }

    /// Closes the channel and waits until it is closed.
    func close() async {
        try? await channel.close()
    }

    /// Starts closing the channel, from any thread (task cancellation).
    func closeSoon() {
        channel.close(promise: nil)
    }

    private func mapFailure<T>(step: SMTPError.Step, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ConnectionFailure {
            throw Self.error(failure, step: step)
        } catch let error as SMTPError {
            throw error
        } catch {
            // The event loop shutting down, say.
            throw SMTPError(kind: .connectionClosed, step: step, detail: "\(error)")
        }
    }

    static func error(_ failure: ConnectionFailure, step: SMTPError.Step) -> SMTPError {
        switch failure {
        case .closed:
            return SMTPError(kind: .connectionClosed, step: step, detail: "the server closed the connection")
        case .timedOut(let timeout):
            return SMTPError(
                kind: .timeout, step: step, detail: "no reply within \(Duration.nanoseconds(timeout.nanoseconds))")
        case .io(let error):
            return SMTPError(kind: .connectionClosed, step: step, detail: "connection error: \(error)")
        case .tls(let error):
            return SMTPError(kind: .tlsFailed, step: step, detail: "TLS failed: \(error)")
        case .protocolViolation(let detail):
            return SMTPError(kind: .protocolViolation, step: step, detail: detail)
        case .unsolicitedReply(let reply) where reply.code == 421:
            return SMTPError(kind: .rejected, step: step, reply: reply, detail: "the server is closing the connection")
        case .unsolicitedReply(let reply):
            return SMTPError(kind: .protocolViolation, step: step, reply: reply, detail: "a reply nobody asked for")
        }
    }
}

/// The extensions a server lists in its EHLO reply, keyword to parameters (`AUTH` → `PLAIN`, `LOGIN`).
struct SMTPExtensions {
    private var keywords: [String: [String]] = [:]

    init() {}

    /// Reads every line after the first (the server's name). Accepts the old `AUTH=PLAIN LOGIN` form.
    init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            keywords[keyword, default: []] += words.dropFirst()
        }
    }

    func contains(_ keyword: String) -> Bool { keywords[keyword] != nil }
    func parameters(_ keyword: String) -> [String] { keywords[keyword] ?? [] }
}

/// The DATA framing of RFC 5321 4.5.2: a dot at the start of a line is doubled, and the message ends
/// with CRLF, a dot and CRLF.
enum SMTPData {
    static func framed(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 64)
        var atLineStart = true
        for byte in text.utf8 {
            if atLineStart && byte == UInt8(ascii: ".") { bytes.append(UInt8(ascii: ".")) }
            bytes.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !bytes.isEmpty && !bytes.ends(with: [13, 10]) { bytes += [13, 10] }
        return bytes + Array(".\r\n".utf8)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
