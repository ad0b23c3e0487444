import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

@testable import Web

/// The OpenAPI document against the router it describes, and the two ways it is served.
@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> OpenAPIDocument { try OpenAPIDocument.bundled.get() }

    @Test("every /api/v1 route on the router is in the document, and every documented operation has a route")
    func documentMatchesRouter() async throws {
        let app = try await TestApp.make()
        var routed: Set<String> = []
        _ = buildApplication(
            runtime: app.runtime, configuration: TestApp.configuration, logger: TestDatabase.logger,
            inspectRouter: { router in
                routed = Set(
                    router.routes.map { "\($0.method) \($0.path.description)" }.filter { $0.contains(" /api/v1/") })
            })
        await app.database.pool.shutdown()
        let documented = Set(try Self.document().operations.map { "\($0.method) \($0.path)" })
        #expect(routed.count > 60, "the router lists the API's routes")
        let undocumented = routed.subtracting(documented).sorted()
        let unrouted = documented.subtracting(routed).sorted()
        #expect(undocumented.isEmpty, "routes the document does not describe: \(undocumented)")
        #expect(unrouted.isEmpty, "documented operations without a route: \(unrouted)")
    }

    @Test("every $ref in the document names something in it")
    func referencesResolve() throws {
        let document = try Self.document()
        var broken: [String] = []
        func walk(_ node: JSONTree, at path: String) {
            switch node {
            case .object(let members):
                for (key, value) in members {
                    if key == "$ref", let target = value.string, document.resolve(.object([("$ref", value)])) == nil {
                        broken.append("\(path): \(target)")
                    }
                    walk(value, at: path + "/" + key)
                }
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, at: "\(path)/\(index)") }
            default: break
            }
        }
        walk(document.root, at: "#")
        #expect(broken.isEmpty, "unresolved: \(broken)")
        #expect(document.root["openapi"]?.string == "3.1.0")
    }

    @Test("GET /api/v1/openapi.json serves the document as written")
    func served() async throws {
        let document = try Self.document()
        let app = try await TestApp.make()
        try await app.run { client in
            let response = try await client.executeRequest(uri: "/api/v1/openapi.json", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(Array(response.body.readableBytesView) == document.bytes)
        }
    }

    @Test("the reference page lists every operation, with Thai or English headings, without scripts of its own")
    func referencePage() async throws {
        let document = try Self.document()
        let app = try await TestApp.make()
        try await app.run { client in
            for (language, heading, summary) in [("th", "เอกสารอ้างอิง API", "ยื่นเรื่องร้องเรียน"), ("en", "Siang API reference", "File a case")] {
                let response = try await client.executeRequest(
                    uri: "/api-reference", method: .get, headers: [.acceptLanguage: language], body: nil)
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(heading), "\(language) heading")
                #expect(html.contains(summary), "\(language) summary of POST /cases")
                for operation in document.operations {
                    #expect(html.contains("<code>\(operation.method) \(operation.path)</code>"), "\(operation) on the \(language) page")
                }
                #expect(html.contains("id=\"schema-Error\""), "the error shape is described")
                #expect(!html.contains("<script>"), "no inline script")
            }
        }
    }
}
