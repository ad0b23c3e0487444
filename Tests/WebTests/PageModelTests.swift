import Foundation
import Hummingbird
import HummingbirdTesting
import Pages
import Testing

@testable import Web

/// The templates against their page models: every name a template reads must be a property
/// of the model it is rendered with (or of the layout), so a misspelt name fails here instead
/// of rendering as an empty space.
@Suite("Page models")
struct PageModelTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/Pages/Templates").standardizedFileURL

    /// A full sample of each page model, named by its template.
    struct Sample: Sendable, CustomTestStringConvertible {
        let model: any PageModel
        var template: String { type(of: model).template }
        var testDescription: String { template }
    }

    static let samples = PageModelSamples.all.map(Sample.init)

    @Test("each page template has exactly one model, and each model's template exists")
    func templatesHaveModels() throws {
        let partials: Set = ["layout", "errors", "sign-out", "photos"]
        let pages = try TemplateNames.pages(in: Self.templates).subtracting(partials)
        let modelled = Self.samples.map(\.template)
        #expect(Set(modelled).count == modelled.count, "two samples for one template: \(modelled.sorted())")
        let unmodelled = pages.subtracting(modelled).sorted()
        let missing = Set(modelled).subtracting(pages).sorted()
        #expect(
            Set(modelled) == pages, "templates without a model: \(unmodelled); models without a template: \(missing)")
    }

    @Test("every name a template reads is a property of its model, a section's type or the layout", arguments: samples)
    func namesResolve(sample: Sample) throws {
        let check = try TemplateCheck.run(sample.model, layout: PageModelSamples.layout, templates: Self.templates)
        #expect(check.unresolved.isEmpty, "\(sample.template): \(check.unresolved.joined(separator: "; "))")
        #expect(check.incompleteSample.isEmpty, "\(sample.template): \(check.incompleteSample.joined(separator: "; "))")
    }

    @Test("every property of a page model is read by its template", arguments: samples)
    func propertiesAreRead(sample: Sample) throws {
        let check = try TemplateCheck.run(sample.model, layout: PageModelSamples.layout, templates: Self.templates)
        let unread = TemplateCheck.properties(of: sample.model).subtracting(check.read)
        #expect(unread.isEmpty, "\(sample.template) never reads \(unread.sorted())")
    }

    @Test("every property of the layout is read by some page")
    func layoutIsRead() throws {
        var read = Set<String>()
        for sample in Self.samples {
            read.formUnion(
                try TemplateCheck.run(sample.model, layout: PageModelSamples.layout, templates: Self.templates).read)
        }
        let unread = TemplateCheck.properties(of: PageModelSamples.layout).subtracting(read)
        #expect(unread.isEmpty, "no page reads \(unread.sorted())")
    }

    @Test(
        "no value that may be missing shares a name with an enclosing section or the layout, shown instead when it is nil",
        arguments: samples)
    func missingValuesDoNotFallThrough(sample: Sample) throws {
        let check = try TemplateCheck.run(sample.model, layout: PageModelSamples.layout, templates: Self.templates)
        #expect(check.shadowing.isEmpty, "\(sample.template): \(check.shadowing.joined(separator: "; "))")
    }

    @Test("each model renders its template inside the layout", arguments: samples)
    func renders(sample: Sample) async throws {
        let renderer = try await PageRenderer.load()
        let html = try renderer.render(sample.model, in: PageModelSamples.layout)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("</html>"))
        #expect(!html.contains("{{"))
    }

    struct Unknown: PageModel {
        static let template = "no-such-page"
    }

    @Test("a model whose template does not exist is an error, not an empty page")
    func missingTemplateThrows() async throws {
        let renderer = try await PageRenderer.load()
        #expect(throws: PageRenderer.RenderError.self) { try renderer.render(Unknown(), in: PageModelSamples.layout) }
    }

    @Test("a page that cannot be rendered is answered with the error page, never an empty 200")
    func renderFailureShowsTheErrorPage() async throws {
        let kit = PageKit(
            renderer: try await PageRenderer.load(), catalogues: try Catalogues.load(), secureCookies: false)
        let router = Router(context: SiangRequestContext.self)
        router.add(middleware: PageErrorMiddleware(kit: kit))
        router.get("broken") { request, context in
            try kit.page(Unknown(), title: "broken", view: kit.view(request, context: context), request: request)
        }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/broken", method: .get)
            let html = String(buffer: response.body)
            #expect(response.status == .internalServerError)
            #expect(html.contains("id=\"error-message\""))
            #expect(html.contains("</html>"))
        }
    }
}

/// The template files under a directory, by the name the renderer knows them (`agency/case`).
enum TemplateNames {
    static func pages(in directory: URL) throws -> Set<String> {
        var names = Set<String>()
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(directory.path.count + 1)
            names.insert(String(relative.dropLast(".mustache".count)))
        }
        return names
    }
}

/// Walks a template (with its layout and partials) as Mustache would render it with a model,
/// resolving each name against the context stack of sample values the sections push.
///
/// The sample must give every optional and at least one element of every list, so that the
/// types inside each section can be seen; a sample that does not is reported, not passed.
struct TemplateCheck {
    /// Names read that nothing in the stack has, with where they were read.
    var unresolved: [String] = []
    /// Sections the sample leaves empty, so what is inside them could not be checked.
    var incompleteSample: [String] = []
    /// Optional properties whose name an enclosing context also has (see `missingValuesDoNotFallThrough`).
    var shadowing: [String] = []
    /// Properties read, as `Type.property`.
    var read = Set<String>()

    let model: Any
    let layout: Any
    let templates: URL

    /// A context on Mustache's stack: the page (model, then layout) at the bottom, then what sections push.
    enum Frame {
        case page
        case value(Any)
    }

    static func run(_ model: any PageModel, layout: PageLayout, templates: URL) throws -> TemplateCheck {
        var check = TemplateCheck(model: model, layout: layout, templates: templates)
        for label in Self.labels(of: model) where Self.labels(of: layout).contains(label) {
            check.shadowing.append("\(Self.name(of: model)).\(label) hides the layout's \(label)")
        }
        try check.walk(template: type(of: model).template, stack: [.page])
        return check
    }

    // MARK: Tags

    enum Tag: Equatable {
        case variable(String)
        case section(String)
        case inverted(String)
        case close(String)
        case partial(String)
        case parent(String)
        case block(String)
    }

    static func tags(in text: String) throws -> [Tag] {
        let pattern = try NSRegularExpression(pattern: #"\{\{\{\s*(.+?)\s*\}\}\}|\{\{\s*([#^/>&!$<]?)\s*(.+?)\s*\}\}"#)
        var tags: [Tag] = []
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            func group(_ index: Int) -> String? {
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
            if let raw = group(1) {
                tags.append(.variable(raw))
                continue
            }
            let sigil = group(2) ?? ""
            let name = group(3) ?? ""
            switch sigil {
            case "#": tags.append(.section(name))
            case "^": tags.append(.inverted(name))
            case "/": tags.append(.close(name))
            case ">": tags.append(.partial(name))
            case "<": tags.append(.parent(name))
            case "$": tags.append(.block(name))
            case "!": break
            default: tags.append(.variable(name))
            }
        }
        return tags
    }

    /// The variable a tag reads: `errors` in `empty(errors)`.
    static func variable(_ name: String) -> String {
        guard let open = name.firstIndex(of: "("), name.hasSuffix(")") else { return name }
        return String(name[name.index(after: open)..<name.index(before: name.endIndex)])
    }

    // MARK: Walking

    mutating func walk(template: String, stack: [Frame]) throws {
        let url = templates.appendingPathComponent(template + ".mustache")
        let tags = try Self.tags(in: String(contentsOf: url, encoding: .utf8))
        // Each open section and the frame it pushed, if any.
        var open: [(name: String, frame: Frame?)] = []
        func current() -> [Frame] { stack + open.compactMap(\.frame) }
        for tag in tags {
            switch tag {
            case .variable(let name):
                _ = resolve(Self.variable(name), in: current(), at: template)
            case .section(let name):
                let value = resolve(Self.variable(name), in: current(), at: template)
                let isTransform = Self.variable(name) != name
                open.append((name, isTransform ? nil : pushed(by: value, section: name, in: current(), at: template)))
            case .inverted(let name):
                _ = resolve(Self.variable(name), in: current(), at: template)
                open.append((name, nil))
            case .close(let name):
                guard open.last?.name == name else {
                    unresolved.append("\(template): {{/\(name)}} closes \(open.last?.name ?? "nothing")")
                    return
                }
                open.removeLast()
            case .partial(let name):
                try walk(template: name, stack: current())
            case .parent(let name):
                // The layout reads its names at the bottom of the stack.
                try walk(template: name, stack: [.page])
                open.append((name, nil))
            case .block(let name):
                open.append((name, nil))
            }
        }
    }

    /// The value `name` (dotted or not) resolves to, recording what was read; nil when nothing has it.
    mutating func resolve(_ name: String, in stack: [Frame], at template: String) -> Any? {
        if name == "." { return nil }
        let parts = name.split(separator: ".").map(String.init)
        guard let (owner, first) = Self.find(parts[0], in: stack, model: model, layout: layout) else {
            unresolved.append("{{\(name)}} in \(template)")
            return nil
        }
        var path = "\(owner).\(parts[0])"
        read.insert(path)
        var value = first
        for part in parts.dropFirst() {
            guard let object = value else {
                incompleteSample.append("\(path) is nil in the sample, so {{\(name)}} in \(template) is not checked")
                return nil
            }
            // The catalogue is a dictionary of words, checked by `CatalogueTests`.
            if object is [String: String] { return object }
            guard let child = Self.child(part, of: object) else {
                unresolved.append("{{\(name)}} in \(template): \(Self.name(of: object)) has no \(part)")
                return nil
            }
            path = "\(Self.name(of: object)).\(part)"
            read.insert(path)
            value = Self.unwrapped(child)
        }
        if value == nil {
            incompleteSample.append("\(path) is nil in the sample, so what {{\(name)}} shows is not checked")
        }
        return value
    }

    /// The innermost context that has `label` (as Mustache climbs the stack): its type's name and the
    /// value (nil for an optional left empty).
    static func find(_ label: String, in stack: [Frame], model: Any, layout: Any) -> (owner: String, value: Any?)? {
        for frame in stack.reversed() {
            let objects: [Any]
            switch frame {
            case .page: objects = [model, layout]
            case .value(let value): objects = [value]
            }
            for object in objects {
                if let child = child(label, of: object) { return (name(of: object), unwrapped(child)) }
            }
        }
        return nil
    }

    /// What `{{#section}}` pushes for `value`: a list's element, a struct; nothing for a Boolean.
    mutating func pushed(by value: Any?, section: String, in stack: [Frame], at template: String) -> Frame? {
        guard var value else { return nil }
        if value is Bool { return nil }
        if let list = value as? [Any] {
            guard let first = list.first else {
                incompleteSample.append("{{#\(section)}} in \(template) is an empty list in the sample")
                return nil
            }
            value = first
        }
        // A property that may be missing must not share a name with an enclosing context: when
        // it is nil, Mustache looks further down the stack and shows that one instead.
        for label in Self.labels(of: value) {
            guard let child = Self.child(label, of: value), Self.isOptional(child) else { continue }
            if let (owner, _) = Self.find(label, in: stack, model: model, layout: layout) {
                shadowing.append(
                    "\(Self.name(of: value)).\(label) may be nil, and then {{\(label)}} reads \(owner).\(label)")
            }
        }
        return .value(value)
    }

    // MARK: Mirror

    static func labels(of object: Any) -> [String] {
        Mirror(reflecting: object).children.compactMap(\.label)
    }

    static func child(_ label: String, of object: Any) -> Any? {
        if object is [String: String] { return nil }
        return Mirror(reflecting: object).children.first { $0.label == label }?.value
    }

    static func isOptional(_ value: Any) -> Bool { Mirror(reflecting: value).displayStyle == .optional }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    static func name(of object: Any) -> String {
        String(reflecting: type(of: object)).split(separator: ".").dropFirst().joined(separator: ".")
    }

    /// Every stored property of `object` and of the structs and list elements inside it, as `Type.property`.
    static func properties(of object: Any) -> Set<String> {
        var found = Set<String>()
        for child in Mirror(reflecting: object).children {
            guard let label = child.label else { continue }
            found.insert("\(name(of: object)).\(label)")
            guard let value = unwrapped(child.value), !(value is [String: String]) else { continue }
            if let list = value as? [Any] {
                for element in list.prefix(1) { found.formUnion(properties(of: element)) }
            } else if Mirror(reflecting: value).displayStyle == .struct {
                found.formUnion(properties(of: value))
            }
        }
        return found
    }
}
