import Foundation
import Mustache

/// A page's own values, one stored property for each name its template reads.
///
/// The renderer hands the model to Mustache, which reads a struct's stored properties by name
/// (through `Mirror`): a property renamed in Swift fails to compile where the model is built,
/// and a name a template uses that no property has fails `PageModelTests`, instead of showing
/// an empty space. Lists and optional blocks (`{{#rows}}`, `{{#privacy}}`) are small nested
/// structs of their own; Booleans and optionals drive `{{#x}}` and `{{^x}}`.
public protocol PageModel: Sendable {
    /// The template's name: its path under `Templates/` without `.mustache` (`case`, `agency/inbox`).
    static var template: String { get }
}

/// What the layout shows around every page: the language, the words (`{{t.key}}`), the title,
/// the CSRF token forms carry, the asset versions, who is signed in and a one-time notice.
///
/// Names here are the layout's: a page model must not use them for anything else (its own
/// value would hide the layout's), which `PageModelTests` checks.
public struct PageLayout: Sendable {
    /// The page's language code (`th`, `en`) and the one the switch leads to.
    public var lang: String
    public var otherLang: String
    /// The catalogue of the page's language, read by key as `{{t.key}}`.
    public var t: [String: String]
    public var title: String
    /// Empty on pages shared between visitors.
    public var csrf: String
    public var cssVersion: String
    public var jsVersion: String
    /// The percent-encoded address the language switch returns to.
    public var back: String
    public var staff: Staff?
    public var flash: String?

    /// The signed-in staff member, as the layout names them.
    public struct Staff: Sendable {
        public var name: String

        public init(name: String) { self.name = name }
    }

    public init(
        lang: String, otherLang: String, t: [String: String], title: String, csrf: String, cssVersion: String,
        jsVersion: String, back: String, staff: Staff?, flash: String?
    ) {
        self.lang = lang
        self.otherLang = otherLang
        self.t = t
        self.title = title
        self.csrf = csrf
        self.cssVersion = cssVersion
        self.jsVersion = jsVersion
        self.back = back
        self.staff = staff
        self.flash = flash
    }
}

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

    /// Why a page could not be rendered: its model names a template that was not loaded.
    public struct RenderError: Error, CustomStringConvertible {
        public let template: String
        public var description: String { "no template named \(template)" }
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

    /// The page of `model`'s template inside the layout.
    ///
    /// A name the template reads resolves in the model first, then in the layout.
    /// - Throws: `RenderError` when there is no such template, never an empty page.
    public func render<Model: PageModel>(_ model: Model, in layout: PageLayout) throws(RenderError) -> String {
        guard let html = library.render(PageContext(model: model, layout: layout), withTemplate: Model.template) else {
            throw RenderError(template: Model.template)
        }
        return html
    }

    /// FNV-1a of the bytes, as 8 hex digits: enough to tell versions of a file apart.
    static func version(of bytes: [UInt8]) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// The object at the bottom of Mustache's context stack: the model's properties, then the layout's.
///
/// The model is read once, all the way down, into tables (`PageTable`): Mustache would otherwise
/// reflect on a struct at every name it looks up, and every `{{t.key}}` inside a list climbs down
/// through each enclosing struct to here (a case page took three times as long). A model property
/// that is nil answers nil (it does not fall through to a layout name).
struct PageContext: MustacheParent {
    let values: [String: Any?]

    init(model: some PageModel, layout: PageLayout) {
        var values: [String: Any?] = [:]
        for object in [layout, model] as [Any] {
            for child in Mirror(reflecting: object).children {
                guard let label = child.label else { continue }
                values[label] = PageTable.converted(child.value)
            }
        }
        self.values = values
    }

    func child(named name: String) -> Any? { values[name] ?? nil }
}

/// A struct of a page model as a table of its properties, with nested structs and lists converted
/// the same way; dictionaries (the words, `t`) and plain values stay as they are.
struct PageTable: MustacheParent {
    let values: [String: Any]

    func child(named name: String) -> Any? { values[name] }

    /// `value` as Mustache should read it: optionals unwrapped (nil for none), structs as tables,
    /// lists element by element.
    static func converted(_ value: Any) -> Any? {
        switch value {
        case is String, is Int, is Double, is Bool, is [String: String]: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { converted($0.value) }
        case .struct:
            var values: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label, let converted = converted(child.value) else { continue }
                values[label] = converted
            }
            return PageTable(values: values)
        case .collection:
            return mirror.children.compactMap { converted($0.value) }
        default:
            return value
        }
    }
}
