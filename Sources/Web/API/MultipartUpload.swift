import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Photos
import Services

/// A `multipart/form-data` body read as it arrives: text fields kept in memory (within the body limit),
/// files written to disk by `PhotoSpool` chunk by chunk, so an upload of many megabytes never sits whole
/// in memory. Parsing is MultipartKit's streaming parser.
struct MultipartUpload {
    /// Text fields by name, in the order sent.
    var fields: [String: [String]] = [:]
    /// The files, as spooled; each file is removed when its spool goes.
    var spools: [PhotoSpool] = []
    var files: [SpooledPhoto] = []
    /// Why the files were refused while they arrived (too many, too large), when the caller asked to
    /// keep reading the text fields anyway (a page shows its form again with what was typed).
    var fileRejection: PhotoRejection?

    func field(_ name: String) -> String? { fields[name]?.last }

    /// The boundary of a `multipart/form-data` request, or nil for any other body.
    static func boundary(of request: Request) -> String? {
        guard let type = request.headers[.contentType] else { return nil }
        let parameters = HeaderParameters(type)
        guard parameters.value.lowercased() == "multipart/form-data", let boundary = parameters["boundary"],
            (1...70).contains(boundary.utf8.count)
        else { return nil }
        return boundary
    }

    static func isMultipart(_ request: Request) -> Bool { boundary(of: request) != nil }

    /// Reads the whole body.
    /// - Parameters:
    ///   - maxFiles: files past this many refuse the request at once (`too_many_photos`), before they are read.
    ///   - maxFieldBytes: the text fields' bytes together.
    ///   - keepFields: on a refused file, drop the files but read the text fields to the end, and give the
    ///     refusal in `fileRejection` instead of throwing it.
    ///   - spool: a new spool for each file (it limits the file's bytes).
    /// - Throws: `PhotoRejection` for files; `APIError` 400 for a body that is not multipart, 413 past the limits.
    static func read(
        _ request: Request, maxFiles: Int, maxFieldBytes: Int, keepFields: Bool = false,
        spool: @escaping () throws -> PhotoSpool
    ) async throws -> MultipartUpload {
        guard let boundary = boundary(of: request) else { throw malformed }
        let parser = MultipartParser(boundary: boundary)
        var upload = MultipartUpload()
        var failure: (any Error)?
        var headers: [(String, String)] = []
        var current: PhotoSpool?
        var text: [UInt8] = []
        var fieldBytes = 0
        var isFile = false
        var fileCount = 0
        var started = false

        /// A refused file ends the request, or (keeping fields) every file from here on.
        func refuse(_ rejection: PhotoRejection) {
            guard keepFields else {
                failure = rejection
                return
            }
            if upload.fileRejection == nil { upload.fileRejection = rejection }
            upload.spools = []
            upload.files = []
            current = nil
        }

        func beginPart() {
            started = true
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }.map { HeaderParameters($0.1) }
            isFile = disposition?["filename"] != nil
            if isFile {
                fileCount += 1
                guard fileCount <= maxFiles else {
                    refuse(.tooMany(limit: maxFiles))
                    return
                }
                guard upload.fileRejection == nil else { return }
                do { current = try spool() } catch { failure = error }
            }
        }
        parser.onHeader = { name, value in
            guard failure == nil else { return }
            headers.append((name, value))
        }
        parser.onBody = { buffer in
            guard failure == nil else { return }
            if !started { beginPart() }
            guard failure == nil else { return }
            if isFile {
                do {
                    try buffer.readableBytesView.withUnsafeBytes { try current?.write($0) }
                } catch let rejection as PhotoRejection {
                    refuse(rejection)
                } catch { failure = error }
            } else {
                fieldBytes += buffer.readableBytes
                guard fieldBytes <= maxFieldBytes else {
                    failure = APIError.bodyTooLarge
                    return
                }
                text.append(contentsOf: buffer.readableBytesView)
            }
        }
        parser.onPartComplete = {
            defer {
                headers = []
                text = []
                current = nil
                started = false
            }
            guard failure == nil else { return }
            if !started { beginPart() }
            guard failure == nil else { return }
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }.map { HeaderParameters($0.1) }
            guard let name = disposition?["name"] else { return }
            if isFile {
                guard let spool = current, upload.fileRejection == nil else { return }
                // A form's file input left empty sends a part with no name and no bytes: nothing attached.
                if spool.byteCount == 0, disposition?["filename"]?.isEmpty ?? true {
                    fileCount -= 1
                    return
                }
                upload.spools.append(spool)
                do { upload.files.append(try spool.finish()) } catch { failure = error }
            } else {
                guard let value = String(validating: text, as: UTF8.self), !value.unicodeScalars.contains("\0") else {
                    failure = malformed
                    return
                }
                upload.fields[name, default: []].append(value)
            }
        }
        do {
            for try await buffer in request.body {
                try parser.execute(buffer)
                if let failure { throw failure }
            }
        } catch let error as PhotoRejection {
            throw error
        } catch let error as APIError {
            throw error
        } catch {
            throw malformed
        }
        if let failure { throw failure }
        return upload
    }

    static let malformed = APIError.badRequest(
        "invalid_multipart", th: "ข้อมูลแบบ multipart/form-data ไม่ถูกต้อง", en: "The multipart/form-data body is not valid.")
}

extension MultipartUpload {
    /// An API request sent as `multipart/form-data`: its JSON body in the part `name` (the same JSON the
    /// route takes as `application/json`), photos in parts named `photos`.
    /// - Throws: as `read`, and `invalid_multipart` (400) without the part.
    static func jsonAndPhotos<Body: Decodable>(
        _ type: Body.Type, part name: String, from request: Request, context: SiangRequestContext, photos: PhotoService
    ) async throws -> (Body, MultipartUpload) {
        let form = try await read(
            request, maxFiles: photos.limits.maxCount, maxFieldBytes: context.maxUploadSize, spool: photos.spool)
        guard let json = form.field(name) else {
            throw APIError.badRequest(
                "invalid_multipart", th: "ต้องมีส่วนชื่อ \(name) ที่เป็น JSON ของคำขอ",
                en: "A multipart request here needs a part named \"\(name)\" holding the request as JSON.")
        }
        return (try JSONBody.decode(type, from: Data(json.utf8)), form)
    }
}

/// A header value with parameters: `form-data; name="photos"; filename="a.jpg"`, quoted or not.
struct HeaderParameters {
    var value: String
    var parameters: [String: String] = [:]

    init(_ header: String) {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        value = parts[0].trimmingCharacters(in: .whitespaces)
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let key = part[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            parameters[key] = String(part[part.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        }
    }

    subscript(name: String) -> String? { parameters[name] }
}
