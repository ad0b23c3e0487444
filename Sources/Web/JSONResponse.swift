import Foundation
import Hummingbird
import NIOCore

/// JSON responses with one encoder configuration (snake_case keys are spelled in the types).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var bytes = try StreamingJSONEncoder().encode(value)
        bytes.append(0x0A)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Reads a JSON request body, within the size limit, with errors a client can act on.
enum JSONBody {
    /// The body's bytes, at most `context.maxUploadSize` of them.
    /// - Throws: `APIError.bodyTooLarge`.
    static func bytes(of request: Request, context: SiangRequestContext) async throws -> Data {
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge
        }
    }

    /// Decodes `T` from `data`.
    /// - Throws: `APIError` 400 `invalid_json`, naming the field when the shape is wrong.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else {
            throw APIError.badRequest(
                "invalid_json", th: "ไม่มีข้อมูล JSON ในคำขอ", en: "The request has no JSON body.")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            let (field, problem) = describe(error)
            throw APIError.badRequest(
                "invalid_json", th: "ข้อมูล JSON ไม่ถูกต้อง" + (field.isEmpty ? "" : " (\(field))") + ": \(problem)",
                en: "The JSON body is not valid" + (field.isEmpty ? "" : " at \"\(field)\"") + ": \(problem)")
        } catch {
            throw APIError.badRequest("invalid_json", th: "ข้อมูล JSON ไม่ถูกต้อง", en: "The JSON body is not valid.")
        }
    }

    static func describe(_ error: DecodingError) -> (field: String, problem: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "required")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.codingPath.isEmpty ? "not JSON" : "invalid value")
        @unknown default:
            return ("", "invalid")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "an object"
        }
    }
}
