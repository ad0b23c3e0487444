import Foundation
import Logging
import NIOCore
import NIOSSL

/// A conversation with the server over an open connection: the greeting, EHLO, STARTTLS and AUTH
/// (`open`), then one mail transaction per message (`transfer`), then QUIT.
struct SMTPConversation {
    let configuration: SMTPConfiguration
    let connection: SMTPConnection
    let tlsContext: NIOSSLContext?
    let logger: Logger

    /// One message, from the greeting to QUIT.
    /// - Parameter data: the message, framed for DATA (`SMTPData.framed`).
    func run(message: MailMessage, data: [UInt8]) async throws {
        try await open()
        try await transfer(message, data: data)
        // The message is taken; a failure from here on changes nothing.
        await connection.quit(timeout: configuration.replyTimeout)
    }

    /// Reads the greeting, says hello, upgrades to TLS and authenticates as configured: after it the
    /// server takes mail transactions.
    func open() async throws {
        let greeting = try await connection.greeting(step: .greeting)
        try expect(greeting, [220], step: .greeting)

        var extensions = try await hello()
        if configuration.security == .startTLS {
            guard extensions.contains("STARTTLS") else {
                throw SMTPError(
                    kind: .startTLSUnavailable, step: .startTLS, detail: "the server does not offer STARTTLS")
            }
            try expect(try await command("STARTTLS", step: .startTLS), [220], step: .startTLS)
            guard let tlsContext else {
                preconditionFailure("SMTPClient makes a TLS context for every secure configuration")
            }
            try await connection.startTLS(
                context: tlsContext, serverHostname: configuration.tlsServerHostname,
                timeout: configuration.replyTimeout)
            logger.debug("SMTP STARTTLS handshake done")
            // RFC 3207 4.2: forget what was learnt in clear and ask again.
            extensions = try await hello()
        }
        if let credentials = configuration.credentials {
            try await authenticate(credentials: credentials, extensions: extensions)
        }
    }

    /// One mail transaction: `MAIL FROM`, one `RCPT TO` per recipient, `DATA` and the message.
    /// - Parameter data: the message, framed for DATA (`SMTPData.framed`).
    func transfer(_ message: MailMessage, data: [UInt8]) async throws {
        try expect(try await command("MAIL FROM:<\(message.from.address)>", step: .mailFrom), [250], step: .mailFrom)
        for recipient in message.to {
            let step = SMTPError.Step.recipient(recipient.address)
            try expect(try await command("RCPT TO:<\(recipient.address)>", step: step), [250, 251], step: step)
        }
        try expect(try await command("DATA", step: .data), [354], step: .data)
        let accepted: SMTPReply
        do {
            accepted = try await connection.send(data, timeout: configuration.messageAcceptanceTimeout, step: .message)
        } catch var error as SMTPError {
            // The final dot may have reached the server even though its reply did not reach us.
            error.mayHaveBeenDelivered = true
            throw error
        }
        try expect(accepted, [250], step: .message)
        logger.debug("SMTP message accepted", metadata: ["smtp_reply": "\(accepted.code)"])
    }

    /// Ends a transaction the server refused part of (RSET), so that the next one starts clean.
    func reset() async throws {
        try expect(try await command("RSET", step: .mailFrom), [250], step: .mailFrom)
    }

    /// EHLO, or HELO when the server refuses EHLO with a 5xx; the extensions the server offers (none
    /// after HELO).
    private func hello() async throws -> SMTPExtensions {
        let ehlo = try await command("EHLO \(configuration.heloName)", step: .hello)
        if ehlo.code == 250 { return SMTPExtensions(ehloReply: ehlo) }
        guard ehlo.isPermanentNegative else {
            try expect(ehlo, [250], step: .hello)
            return SMTPExtensions()
        }
        logger.debug("SMTP server refused EHLO, trying HELO", metadata: ["smtp_reply": "\(ehlo.code)"])
        try expect(try await command("HELO \(configuration.heloName)", step: .hello), [250], step: .hello)
        return SMTPExtensions()
    }

    /// AUTH with the first of the configured mechanisms that the server advertises.
    private func authenticate(credentials: SMTPConfiguration.Credentials, extensions: SMTPExtensions) async throws {
        let offered = extensions.parameters("AUTH").map { $0.uppercased() }
        guard let method = configuration.authenticationMethods.first(where: { offered.contains($0.rawValue) }) else {
            let allowed = configuration.authenticationMethods.map(\.rawValue).joined(separator: ", ")
            throw SMTPError(
                kind: .authenticationUnavailable, step: .authentication,
                detail: offered.isEmpty
                    ? "credentials are configured but the server offers no AUTH"
                    : "the server offers AUTH \(offered.joined(separator: " ")), none of \(allowed)")
        }
        let step = SMTPError.Step.authentication
        switch method {
        case .plain:
            // RFC 4616: authorisation identity (empty), NUL, user name, NUL, password, as one initial response.
            let response = base64([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))
            try expect(
                try await command("AUTH PLAIN \(response)", logAs: "AUTH PLAIN <credentials>", step: step), [235],
                step: step)
        case .login:
            try expect(try await command("AUTH LOGIN", step: step), [334], step: step)
            let user = try await command(base64(Array(credentials.username.utf8)), logAs: "<user name>", step: step)
            try expect(user, [334], step: step)
            let password = try await command(base64(Array(credentials.password.utf8)), logAs: "<password>", step: step)
            try expect(password, [235], step: step)
        }
        logger.debug("SMTP authenticated", metadata: ["smtp_auth": "\(method.rawValue)"])
    }

    private func command(_ line: String, logAs: String? = nil, step: SMTPError.Step) async throws -> SMTPReply {
        logger.trace("SMTP >", metadata: ["smtp_command": "\(logAs ?? Self.verb(line))"])
        let reply = try await connection.send(
            Array((line + "\r\n").utf8), timeout: configuration.replyTimeout, step: step)
        logger.trace("SMTP <", metadata: ["smtp_reply": "\(reply.code)"])
        return reply
    }

    /// The command without its argument, for logs: addresses are personal data.
    private static func verb(_ line: String) -> String {
        if let colon = line.firstIndex(of: ":") { return String(line[...colon]) + "<…>" }
        return line
    }

    /// Returns when `reply` has one of `codes`; otherwise throws: a 4xx or 5xx reply is a rejection, any
    /// other code one the step does not allow, a protocol violation.
    private func expect(_ reply: SMTPReply, _ codes: Set<Int>, step: SMTPError.Step) throws {
        if codes.contains(reply.code) { return }
        if reply.isTransientNegative || reply.isPermanentNegative {
            throw SMTPError(kind: .rejected, step: step, reply: reply, detail: "refused")
        }
        let expected = codes.sorted().map(String.init).joined(separator: " or ")
        throw SMTPError(
            kind: .protocolViolation, step: step, reply: reply, detail: "unexpected reply (expected \(expected))")
    }

    private func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}

extension SMTPConfiguration {
    /// The name TLS checks the certificate against and sends as SNI: the configured host, unless it is
    /// an IP address (SNI cannot carry one; NIOSSL then checks the certificate's IP addresses against
    /// the address connected to).
    var tlsServerHostname: String? {
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil { return nil }
        return host
    }
}
