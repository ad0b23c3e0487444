import NIOCore
import NIOSSL
import NIOTLS

/// What went wrong on the connection, before `SMTPClient` adds which step it was.
enum ConnectionFailure: Error {
    case closed
    case timedOut(TimeAmount)
    case io(any Error)
    case tls(any Error)
    case protocolViolation(String)
    /// A reply when no command was waiting for one (a 421 before closing, or a broken server).
    case unsolicitedReply(SMTPReply)
}

/// The SMTP end of the channel: writes one command at a time and completes a promise with its reply.
///
/// SMTP without PIPELINING is strictly one command, one reply, so at most one promise is waiting and
/// any reply beyond it is a protocol error. This is also what defends STARTTLS (RFC 3207 5): bytes that
/// arrive in clear after the reply to STARTTLS are refused instead of being read as if they came over
/// TLS. Every method runs on the channel's event loop; each wait has a timer, and a failure, a timeout
/// or the channel closing fails the waiting promise and closes the channel.
final class SMTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Waiting {
        case nothing
        case reply(EventLoopPromise<SMTPReply>, Scheduled<Void>?)
        case handshake(EventLoopPromise<Void>, Scheduled<Void>?)
    }

    private let eventLoop: any EventLoop
    private var parser = SMTPReplyParser()
    private var waiting: Waiting
    private var failure: ConnectionFailure?
    private var context: ChannelHandlerContext?
    private let greetingPromise: EventLoopPromise<SMTPReply>
    private let greetingTimeout: TimeAmount

    /// Must be created on `eventLoop`, the loop of the channel it will be added to.
    init(eventLoop: any EventLoop, greetingTimeout: TimeAmount) {
        let greeting = eventLoop.makePromise(of: SMTPReply.self)
        self.eventLoop = eventLoop
        self.greetingPromise = greeting
        self.greetingTimeout = greetingTimeout
        self.waiting = .reply(greeting, nil)
    }

    /// The server's first reply (220 when it is willing).
    var greeting: EventLoopFuture<SMTPReply> { greetingPromise.futureResult }

    /// Fails whatever waits when the channel could not be made, so no promise is left behind.
    func connectionFailed(_ error: any Error) {
        fail(.io(error))
    }

    // MARK: Commands

    /// Writes `bytes` (a command line with its CRLF, or the whole message) and waits up to `timeout` for
    /// the reply.
    func send(_ bytes: [UInt8], timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard let context else { return eventLoop.makeFailedFuture(ConnectionFailure.closed) }
        guard case .nothing = waiting else {
            return eventLoop.makeFailedFuture(ConnectionFailure.protocolViolation("a command while another waits"))
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiting = .reply(promise, scheduleTimeout(timeout))
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        return promise.futureResult
    }

    /// Puts TLS in front of the connection after a 220 reply to STARTTLS, and waits for the handshake.
    ///
    /// - Precondition: the reply to STARTTLS has been read and nothing else is buffered; anything else
    ///   fails the connection.
    func startTLS(context sslContext: NIOSSLContext, serverHostname: String?, timeout: TimeAmount) -> EventLoopFuture<
        Void
    > {
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard let context else { return eventLoop.makeFailedFuture(ConnectionFailure.closed) }
        guard case .nothing = waiting, !parser.hasBufferedData else {
            fail(.protocolViolation("the server sent data in clear after its reply to STARTTLS"))
            return eventLoop.makeFailedFuture(failure ?? .closed)
        }
        let promise = eventLoop.makePromise(of: Void.self)
        waiting = .handshake(promise, scheduleTimeout(timeout))
        do {
            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
            // Added in front of this handler on an active channel, it starts the handshake at once.
            try context.pipeline.syncOperations.addHandler(tls, position: .first)
        } catch {
            fail(.tls(error))
        }
        return promise.futureResult
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startGreetingTimer() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.closed)
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        startGreetingTimer()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [SMTPReply]
        do {
            replies = try parser.feed(buffer.readableBytesView)
        } catch {
            fail(.protocolViolation("malformed reply: \(error)"))
            return
        }
        for reply in replies {
            guard case .reply(let promise, let timer) = waiting else {
                fail(.unsolicitedReply(reply))
                return
            }
            timer?.cancel()
            waiting = .nothing
            promise.succeed(reply)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, case .handshake(let promise, let timer) = waiting {
            timer?.cancel()
            waiting = .nothing
            promise.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            fail(.tls(error))
        } else {
            fail(.io(error))
        }
    }

    // MARK: Failing

    private var greetingTimerStarted = false

    private func startGreetingTimer() {
        guard !greetingTimerStarted, case .reply(let promise, nil) = waiting else { return }
        greetingTimerStarted = true
        waiting = .reply(promise, scheduleTimeout(greetingTimeout))
    }

    private func scheduleTimeout(_ timeout: TimeAmount) -> Scheduled<Void> {
        eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(.timedOut(timeout))
        }
    }

    /// Records the first failure, fails what waits and closes the channel. Later failures (the close
    /// that follows a timeout, say) keep the first one as the reason.
    private func fail(_ reason: ConnectionFailure) {
        if failure == nil { failure = reason }
        let reason = failure ?? reason
        switch waiting {
        case .nothing:
            break
        case .reply(let promise, let timer):
            timer?.cancel()
            promise.fail(reason)
        case .handshake(let promise, let timer):
            timer?.cancel()
            promise.fail(reason)
        }
        waiting = .nothing
        if let context, context.channel.isActive { context.close(promise: nil) }
    }
}
