import JSONBytes
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that cannot even be parsed (headers too large or too many, a broken request
/// line) with the one JSON error shape, instead of Hummingbird's empty 400, and never answers twice.
///
/// Sits in each connection's pipeline after the HTTP codec and follows the requests in flight:
/// - a parse error between requests is answered here, and the connection closed;
/// - one in the body of a request still being handled is passed on, so the handler reading that body
///   fails and `ErrorMiddleware` answers 400 (and Hummingbird's own empty 400 after it is dropped);
/// - one in the body of a request already answered (a handler that did not read its body) closes the
///   connection without a second answer.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head arrived and whose response has not ended.
    private var unanswered = 0
    /// Whether a request's head arrived and its end has not.
    private var readingBody = false
    /// Whether the connection is past repair: after the current answer (if any), nothing more is sent.
    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
        case .end: readingBody = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if failed, unanswered == 0 {
            // An answer after the one owed (Hummingbird's empty 400 after a parse error): dropped.
            promise?.succeed()
            if case .end = part { context.close(promise: nil) }
            return
        }
        if case .end = part { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        failed = true
        switch (unanswered, readingBody) {
        case (0, false):
            answer(context: context, error: error)
        case (0, true):
            context.close(promise: nil)
        default:
            context.fireErrorCaught(error)
        }
    }

    private func answer(context: ChannelHandlerContext, error: any Error) {
        let apiError: APIError
        if case .headerOverflow? = error as? HTTPParserError { apiError = .headersTooLarge } else { apiError = .malformedRequest }
        // No request id (the router never saw a request) and no known language: Thai, with English beside it.
        var bytes = (try? StreamingJSONEncoder().encode(apiError.body(english: false, requestID: nil))) ?? []
        bytes.append(0x0A)
        let head = HTTPResponse(
            status: apiError.status,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: "\(bytes.count)", .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
