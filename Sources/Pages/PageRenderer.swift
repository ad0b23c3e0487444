public import Foundation
import Mustache

/// Renders pages from the Mustache templates in `Templates/` (read and parsed once).
///
/// Every `{{value}}` is HTML-escaped by Mustache (`< > & " '`); templates use triple braces
/// only for markup the server itself generated (charts), never for anything a person typed.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The stylesheet and script, served from memory with a content hash in their URL.
    public let assets: [String: Asset]

    public struct Asset: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        /// First characters of the content's hash: a new file gets a new URL, so it can be cached for a year.
        public let version: String
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Throws: `LoadError` when the templates cannot be read or parsed.
    public static func load() async throws -> PageRenderer {
        guard let root = Bundle.module.resourceURL else { throw LoadError(description: "no resources for Pages") }
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: root.appendingPathComponent("Templates").path)
        } catch {
            throw LoadError(description: "templates: \(error)")
        }
        var assets: [String: Asset] = [:]
        for (name, type) in [("siang.css", "text/css; charset=utf-8"), ("siang.js", "text/javascript; charset=utf-8")] {
            let url = root.appendingPathComponent("Assets").appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else { throw LoadError(description: "Assets/\(name) is missing") }
            let bytes = [UInt8](data)
            assets[name] = Asset(bytes: bytes, contentType: type, version: Self.version(of: bytes))
        }
        return PageRenderer(library: library, assets: assets)
    }

    /// The page `template` filled from `context` (dictionaries, arrays, strings, numbers, Booleans
    /// or values whose properties the template names).
    public func render(_ template: String, _ context: Any) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// FNV-1a of the bytes, as 8 hex digits: enough to tell versions of a file apart.
    static func version(of bytes: [UInt8]) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
