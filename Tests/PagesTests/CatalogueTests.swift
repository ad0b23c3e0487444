import Foundation
import Testing

@testable import Pages

@Suite("Page words")
struct CatalogueTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/Pages").standardizedFileURL

    /// Every `t.key` the templates use.
    static func keysUsedInTemplates() throws -> Set<String> {
        let templates = sources.appendingPathComponent("Templates")
        var keys = Set<String>()
        let files = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: "\\{\\{[#^/]?t\\.([a-z0-9_]+)\\}\\}")
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                keys.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return keys
    }

    @Test("both catalogues load and have the same keys")
    func sameKeys() throws {
        let catalogues = try Catalogues.load()
        #expect(Set(catalogues.thai.strings.keys) == Set(catalogues.english.strings.keys))
        #expect(catalogues.thai.strings.count > 100)
    }

    @Test("every word a template shows is in the catalogues, in Thai and English")
    func templatesUseKnownKeys() throws {
        let catalogues = try Catalogues.load()
        let used = try Self.keysUsedInTemplates()
        #expect(used.count > 50)
        let missing = used.subtracting(catalogues.thai.strings.keys)
        #expect(missing.isEmpty, "missing: \(missing.sorted())")
        for key in used {
            #expect(catalogues.thai[key] != catalogues.english[key] || key == "staff_line", "\(key) is not translated")
        }
    }

    @Test("a missing key shows itself, and placeholders are filled")
    func placeholders() throws {
        let catalogue = Catalogue(language: .thai, strings: ["title_case": "เรื่อง {code}"])
        #expect(catalogue.text("title_case", ["code": "SG-2026-7K3QX9"]) == "เรื่อง SG-2026-7K3QX9")
        #expect(catalogue.text("no_such_key") == "no_such_key")
    }

    /// The tracking form's names, for rendering it here without the web target's model.
    struct TrackForm: PageModel {
        static let template = "track"
        var code: String
        var errors: [Message]

        struct Message: Sendable {
            var message: String
            var field: String?
        }
    }

    @Test("templates render with Mustache's escaping of everything people type")
    func rendering() async throws {
        let renderer = try await PageRenderer.load()
        let catalogues = try Catalogues.load()
        let layout = PageLayout(
            lang: "en", otherLang: "th", t: catalogues.english.strings, title: "Track", csrf: "", cssVersion: "",
            jsVersion: "",
            back: "/track", staff: nil, flash: nil)
        let html = try renderer.render(
            TrackForm(code: "\"><script>alert(1)</script>", errors: [.init(message: "<b>bad</b>", field: "code")]),
            in: layout)
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;b&gt;bad&lt;/b&gt;"))
        #expect(!html.contains("<script>alert"))
        #expect(renderer.assets["siang.css"]?.version.count == 8)
    }
}
