import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Services
import TestSupport
import Testing

/// The team's photo test set (`Tests/Photos`) and what the photo tests need around it.
enum PhotoFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Photos")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Every piece of metadata Pillow finds in an image (`Tests/Photos/read_metadata.py`), read by a
    /// library other than the one that cleaned it.
    static func metadata(of image: [UInt8]) async throws -> [String: Any] {
        // JSON objects are not Sendable; the text crosses from the script's thread.
        let text = try await onOwnThread { try readMetadata(of: image) }
        guard let text, let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], let first = list.first else {
            Issue.record("read_metadata.py failed (needs Pillow: python3 -m pip install Pillow): \(text ?? "")")
            return [:]
        }
        return first
    }

    /// The script's JSON answer; nil when it failed.
    private static func readMetadata(of image: [UInt8]) throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("siang-served-\(UUID().uuidString)")
        try Data(image).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("siang-meta-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", folder.appendingPathComponent("read_metadata.py").path, file.path]
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else { return nil }
        return try String(contentsOf: output, encoding: .utf8)
    }
}

/// A `multipart/form-data` body, as a browser or `curl -F` sends it.
struct MultipartBody {
    let boundary = "----siang-test-\(UUID().uuidString)"
    var bytes: [UInt8] = []

    mutating func field(_ name: String, _ value: String, contentType: String? = nil) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        bytes += Array((head + "\r\n").utf8) + Array(value.utf8) + Array("\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, contentType: String = "image/jpeg", _ content: [UInt8]) {
        let head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
            + "Content-Type: \(contentType)\r\n\r\n"
        bytes += Array(head.utf8) + content + Array("\r\n".utf8)
    }

    var finished: ByteBuffer { ByteBuffer(bytes: bytes + Array("--\(boundary)--\r\n".utf8)) }
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

extension TestClientProtocol {
    /// Sends a multipart body and decodes the JSON answer.
    func sendMultipart(
        _ uri: String, _ body: MultipartBody, method: HTTPRequest.Method = .post, headers: HTTPFields = [:]
    ) async throws -> JSONReply {
        var fields = headers
        fields[.contentType] = body.contentType
        let response = try await executeRequest(uri: uri, method: method, headers: fields, body: body.finished)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return JSONReply(status: response.status, headers: response.headers, json: object)
    }

    /// Files `filing` with photos (name, bytes) through the multipart API.
    func fileWithPhotos(_ filing: JSONObject, photos: [(String, [UInt8])]) async throws -> JSONReply {
        var body = MultipartBody()
        body.field("filing", String(decoding: try JSONSerialization.data(withJSONObject: filing), as: UTF8.self),
                   contentType: "application/json")
        for (name, bytes) in photos { body.file("photos", filename: name, bytes) }
        return try await sendMultipart("/api/v1/cases", body)
    }

    /// GETs an image: status, headers and bytes.
    func image(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, bytes: [UInt8]) {
        let response = try await executeRequest(uri: uri, method: .get, headers: headers, body: nil)
        return (response.status, response.headers, Array(response.body.readableBytesView))
    }
}

extension Browser {
    /// Posts a `multipart/form-data` form, as a browser does for a form with a file input.
    func postMultipart(_ path: String, _ body: MultipartBody) async throws -> Page {
        var headers: HTTPFields = [.contentType: body.contentType]
        let sent = cookies.filter { path.hasPrefix($0.value.path) }.map { "\($0.key)=\($0.value.value)" }
        if !sent.isEmpty { headers[.cookie] = sent.joined(separator: "; ") }
        let response = try await client.executeRequest(uri: path, method: .post, headers: headers, body: body.finished)
        for cookie in response.headers[values: .setCookie].compactMap(SetCookie.init) {
            cookies[cookie.name] = cookie.removes ? nil : (cookie.value, cookie.path)
        }
        return Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
    }

    /// GETs an image with this browser's cookies.
    func image(_ path: String) async throws -> (status: HTTPResponse.Status, contentType: String?) {
        var headers: HTTPFields = [:]
        let sent = cookies.filter { path.hasPrefix($0.value.path) }.map { "\($0.key)=\($0.value.value)" }
        if !sent.isEmpty { headers[.cookie] = sent.joined(separator: "; ") }
        let response = try await client.executeRequest(uri: path, method: .get, headers: headers, body: nil)
        return (response.status, response.headers[.contentType])
    }
}
