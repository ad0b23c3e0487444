import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that cannot even be parsed (headers too large or too many, a broken request
/// line) with the one JSON error shape, instead of Hummingbird's empty 400.
///
/// Sits in each connection's pipeline after the HTTP codec. A parse error between requests is
/// answered here and the connection closed; one in the middle of a request (a malformed chunk size
/// in its body) is passed on, so the handler reading that body fails and `ErrorMiddleware` answers 400.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head arrived and whose response has not ended.
    private var open = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { open += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { open = max(0, open - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, open == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let body = Self.body(for: error)
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)",
                .connection: "close",
            ])
        open = 1  // nothing else is answered on this connection
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    static func body(for error: any Error) -> ByteBuffer {
        let tooLarge: Bool
        switch error as? HTTPParserError {
        case .headerOverflow: tooLarge = true
        default: tooLarge = false
        }
        let th = tooLarge ? "ส่วนหัวของคำขอใหญ่หรือมากเกินไป" : "คำขอ HTTP ไม่ถูกต้อง อ่านไม่ได้"
        let en = tooLarge ? "The request's headers are too large or too many." : "The HTTP request could not be parsed."
        let code = tooLarge ? "headers_too_large" : "malformed_request"
        // No request id: there was no request the router could see. The request's language is unknown too,
        // so the message is in Thai, the service's first language, with English beside it.
        let json = #"{"error":{"code":"\#(code)","message":"\#(th)","message_th":"\#(th)","message_en":"\#(en)","request_id":null}}"#
        return ByteBuffer(string: json + "\n")
    }
}
