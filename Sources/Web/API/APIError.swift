public import Domain
import Foundation
import HTTPTypes
import Photos

import Logging
public import Hummingbird
import Pages


/// The one JSON error shape of the API: `{"error": {"code": "…", "message": "…"}}`, with the
/// message in the caller's language (Thai unless `Accept-Language` prefers English) and the
/// other language and the request id beside it.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var messageTH: String
    public var messageEN: String
    public var headers: HTTPFields = [:]
    public var field: String?
    public var suggestions: [String]?

    public init(status: HTTPResponse.Status, code: String, th: String, en: String) {
        self.status = status
        self.code = code
        self.messageTH = th
        self.messageEN = en
    }

    /// The error for a domain refusal.
    public init(_ error: DomainError) {
        let status: HTTPResponse.Status
        switch error.kind {
        case .invalid: status = .unprocessableContent
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .forbidden: status = .forbidden
        case .unauthenticated: status = .unauthorized
        }
        self.init(status: status, code: error.code, th: error.messageTH, en: error.messageEN)
        field = error.field
        suggestions = error.suggestions
    }

    /// The error for a refused upload: 413 for a file over the byte limit, else 422.
    init(_ rejection: PhotoRejection) {
        self.init(
            status: rejection.reason == .tooLarge ? .contentTooLarge : .unprocessableContent, code: rejection.code,
            th: rejection.messageTH, en: rejection.messageEN)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var message_th: String
            var message_en: String
            var request_id: String?
            var field: String?
            var suggestions: [String]?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let english = Language.preferred(acceptLanguage: request.headers[.acceptLanguage]) == .english
        var response = try JSONResponse.make(
            body(english: english, requestID: context.logger[metadataKey: "hb.request.id"]?.description), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The JSON body, in English or (by default) Thai.
    func body(english: Bool, requestID: String?) -> Body {
        Body(
            error: .init(
                code: code, message: english ? messageEN : messageTH, message_th: messageTH, message_en: messageEN,
                request_id: requestID, field: field, suggestions: suggestions))
    }

    static let malformedRequest = APIError.badRequest(
        "malformed_request", th: "คำขอ HTTP ไม่ถูกต้อง อ่านไม่ได้", en: "The HTTP request could not be parsed.")
    static let headersTooLarge = APIError.badRequest(
        "headers_too_large", th: "ส่วนหัวของคำขอใหญ่หรือมากเกินไป", en: "The request's headers are too large or too many.")

    static let notFound = APIError(
        status: .notFound, code: "not_found", th: "ไม่พบสิ่งที่ร้องขอ", en: "There is nothing at this address.")
    static let methodNotAllowed = APIError(
        status: .methodNotAllowed, code: "method_not_allowed", th: "ใช้วิธีเรียกนี้กับที่อยู่นี้ไม่ได้",
        en: "This method is not allowed at this address.")
    static let bodyTooLarge = APIError(
        status: .contentTooLarge, code: "body_too_large", th: "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด",
        en: "The request body is larger than allowed.")
    static let internalError = APIError(
        status: .internalServerError, code: "internal_error", th: "ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง",
        en: "Something went wrong on our side; please try again.")
    static let unavailable = APIError(
        status: .serviceUnavailable, code: "unavailable", th: "ระบบไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่ภายหลัง",
        en: "The service is temporarily unavailable; please try again later.")

    /// Statistics asked for while a server that has just started is still loading them.
    static let statisticsLoading: APIError = {
        var error = APIError(
            status: .serviceUnavailable, code: "statistics_loading",
            th: "ระบบกำลังเตรียมข้อมูลสถิติหลังเริ่มทำงาน กรุณาลองใหม่ในอีกสักครู่",
            en: "Statistics are being loaded after a restart; please try again in a few seconds.")
        error.headers[.retryAfter] = "5"
        return error
    }()

    static func badRequest(_ code: String, th: String, en: String) -> APIError {
        APIError(status: .badRequest, code: code, th: th, en: en)
    }
}

