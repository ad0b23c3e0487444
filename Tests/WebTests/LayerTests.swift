import Foundation
import Testing

/// The layers' doors, checked on the source: each target imports only the layers below it, so
/// a new engineer cannot reach past `Services` into the SQL by accident (docs/README.md, Layout).
@Suite("Layers")
struct LayerTests {
    /// What each target may not import, and why.
    static let forbidden: [(target: String, modules: Set<String>, why: String)] = [
        ("Domain", ["Store", "Postgres", "CLibPQ", "Services", "Web", "Hummingbird", "Pages", "Setup"],
         "the domain knows neither HTTP nor SQL"),
        ("Statistics", ["Store", "Postgres", "CLibPQ", "Services", "Web", "Hummingbird"],
         "statistics compute over facts in memory"),
        ("Pages", ["Store", "Postgres", "CLibPQ", "Services", "Web", "Hummingbird"],
         "templates render what they are given"),
        ("Store", ["Services", "Web", "Hummingbird", "Pages", "Setup"], "the store only speaks SQL"),
        ("Services", ["Web", "Hummingbird", "HTTPTypes", "Pages", "Setup"], "use cases know no HTTP"),
        ("Web", ["Store", "Postgres", "CLibPQ"], "HTTP goes through Services, never around them"),
        ("Photos", ["Domain", "Store", "Postgres", "CLibPQ", "Services", "Web", "Hummingbird", "Pages", "Setup"],
         "photos only checks and cleans images; what they belong to is the services' business"),
        ("Similarity", ["Domain", "Store", "Postgres", "CLibPQ", "Services", "Web", "Hummingbird", "Pages", "Setup"],
         "similarity compares texts; which cases they are is the services' business"),
    ]

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The modules `source` imports, with any access or attribute in front of `import`.
    static func imports(in source: String) -> [String] {
        source.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                words[..<index].allSatisfy({ ["public", "internal", "package", "@testable", "@preconcurrency"].contains($0) })
            else { return nil }
            return String(words[index + 1].split(separator: ".")[0])
        }
    }

    @Test("no target imports a layer it must go through another to reach", arguments: forbidden.map(\.target))
    func doors(target: String) throws {
        let rule = try #require(Self.forbidden.first { $0.target == target })
        let folder = Self.sources.appendingPathComponent(target)
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "Sources/\(target) has Swift files")
        for file in files {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for module in Self.imports(in: source) where rule.modules.contains(module) {
                Issue.record("Sources/\(target)/\(file) imports \(module): \(rule.why)")
            }
        }
    }

    @Test("the import reader sees imports however they are written")
    func readsImports() {
        let source = "import Foundation\npublic import Store\n@testable import Postgres\n// import Web\nlet x = 1\n"
        #expect(Self.imports(in: source) == ["Foundation", "Store", "Postgres"])
    }
}
