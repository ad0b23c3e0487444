import Domain
import Foundation
import FoundationXML
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Services
import Setup
import TestSupport
import Testing

/// Open311 GeoReport v2 under `/open311/v2/`: services, filing with an API key, reading back, in
/// JSON and XML, errors as the specification's list; and a real client from PyPI against a live server.
@Suite("Open311")
struct Open311Tests {
    /// An answer: its status, the JSON (an array or an object) and the raw text.
    struct Reply: @unchecked Sendable {
        let status: HTTPResponse.Status
        let contentType: String?
        let json: Any?
        let text: String

        var list: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var firstError: Int? { list.first?["code"] as? Int }
    }

    static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }

    static func send(
        _ client: any TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get, form: [String: String]? = nil
    ) async throws -> Reply {
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: Self.form(form))
        }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        let text = String(buffer: response.body)
        return Reply(
            status: response.status, contentType: response.headers[.contentType],
            json: try? JSONSerialization.jsonObject(with: Data(text.utf8)), text: text)
    }

    static let pothole: [String: String] = [
        "service_code": "road", "lat": "13.668123", "long": "100.604567",
        "address_string": "ซอยสุขุมวิท 101/1 เขตบางนา กรุงเทพมหานคร",
        "description": "ถนนปากซอยเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยมาก ขอให้ซ่อมด่วนครับ",
    ]

    @Test("services list every category with its group and keywords, in JSON and in the same XML")
    func services() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let json = try await Self.send(client, "/open311/v2/services.json")
            #expect(json.status == .ok)
            let services = json.list
            #expect(services.count == app.runtime.reference.data.categories.count)
            let road = try #require(services.first { $0["service_code"] as? String == "road" })
            #expect(road["service_name"] as? String == "ถนน")
            #expect(road["metadata"] as? Bool == false && road["type"] as? String == "realtime")
            #expect((road["group"] as? String)?.isEmpty == false && (road["keywords"] as? String)?.isEmpty == false)
            let english = try await Self.send(client, "/open311/v2/services.json?lang=en")
            #expect(english.list.first { $0["service_code"] as? String == "road" }?["service_name"] as? String == "Roads")

            let xml = try await Self.send(client, "/open311/v2/services.xml")
            #expect(xml.status == .ok && xml.contentType?.hasPrefix("text/xml") == true)
            let document = try XMLDocument(data: Data(xml.text.utf8))
            let codes = try document.nodes(forXPath: "/services/service/service_code").map { $0.stringValue ?? "" }
            #expect(codes == services.map { $0["service_code"] as? String ?? "" })
            let definition = try await Self.send(client, "/open311/v2/services/road.json")
            #expect((definition.json as? [String: Any])?["service_code"] as? String == "road")
        }
    }

    @Test("a partner files with its api_key and reads the request back; without a key nothing is filed")
    func fileAndRead() async throws {
        let app = try await TestApp.make()
        let partner = try await app.token(role: .partner, agency: nil)
        try await app.run { client in
            let refused = try await Self.send(client, "/open311/v2/requests.json", method: .post, form: Self.pothole)
            #expect(refused.status == .forbidden && refused.firstError == 403)
            let wrongKey = try await Self.send(client, "/open311/v2/requests.json", method: .post, form: Self.pothole.merging(["api_key": "siang_nope"]) { $1 })
            #expect(wrongKey.status == .forbidden)

            let posted = try await Self.send(client, "/open311/v2/requests.json", method: .post, form: Self.pothole.merging(["api_key": partner]) { $1 })
            #expect(posted.status == .created, "\(posted.text)")
            let id = try #require(posted.list.first?["service_request_id"] as? String)
            #expect((posted.list.first?["tracking_secret"] as? String)?.count == 24)

            let read = try await Self.send(client, "/open311/v2/requests/\(id).json")
            let request = try #require(read.list.first)
            #expect(request["status"] as? String == "open" && request["service_code"] as? String == "road")
            #expect(request["description"] as? String == Self.pothole["description"])
            #expect((request["agency_responsible"] as? String)?.contains("บางนา") == true, "routed by the address's district")
            #expect(request["lat"] as? Double == 13.668 && request["long"] as? Double == 100.605, "rounded for the public")
            #expect(request["expected_datetime"] is String && request["requested_datetime"] is String)

            let xml = try await Self.send(client, "/open311/v2/requests/\(id).xml")
            let document = try XMLDocument(data: Data(xml.text.utf8))
            for field in ["service_request_id", "status", "service_code", "description", "agency_responsible", "expected_datetime"] {
                let value = try document.nodes(forXPath: "/service_requests/request/\(field)").first?.stringValue
                #expect(value == request[field] as? String, "XML \(field) matches the JSON")
            }
            let listed = try await Self.send(client, "/open311/v2/requests.json?service_code=road&status=open")
            #expect(listed.list.contains { $0["service_request_id"] as? String == id })
            let closed = try await Self.send(client, "/open311/v2/requests.json?status=closed")
            #expect(!closed.list.contains { $0["service_request_id"] as? String == id })
            let token = try await Self.send(client, "/open311/v2/tokens/\(id).json")
            #expect(token.list.first?["service_request_id"] as? String == id)

            // The partner's token opens nothing else.
            let agency = try await client.send(.get, "/api/v1/agency/cases", headers: [.authorization: "Bearer \(partner)"])
            #expect(agency.status == .forbidden && agency.errorCode == "partner_may_only_file")
        }
    }

    @Test("bad requests get the specification's error list with the right status and file nothing", arguments: [
        ("/open311/v2/services/no_such.json", 404), ("/open311/v2/nothing.json", 404), ("/open311/v2/services.yaml", 404),
        ("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("/open311/v2/requests.json?start_date=yesterday", 400), ("/open311/v2/requests.json?status=pending", 400),
        ("/open311/v2/requests.json?service_code=nope", 400), ("/open311/v2/requests/SG-2026-AAAAAA.xml", 404),
        ("/open311/v2/tokens/whatever.json", 404),
    ])
    func badReads(uri: String, status: Int) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let reply = try await Self.send(client, uri)
            #expect(Int(reply.status.code) == status)
            if uri.hasSuffix(".xml") {
                let document = try XMLDocument(data: Data(reply.text.utf8))
                #expect(try document.nodes(forXPath: "/errors/error/code").first?.stringValue == String(status))
            } else {
                #expect(reply.firstError == status, "\(reply.text)")
            }
        }
    }

    @Test("a filing missing what it needs, or giving contact details without consent, is refused and files nothing")
    func badFilings() async throws {
        let app = try await TestApp.make()
        let partner = try await app.token(role: .partner, agency: nil)
        let keyed = Self.pothole.merging(["api_key": partner]) { $1 }
        try await app.run { client in
            for (change, removed) in [
                ([:], "service_code"), ([:], "description"), ([:], "lat"), (["service_code": "nope"], ""),
                (["lat": "north"], ""), (["email": "somchai@example.com"], ""),
            ] as [([String: String], String)] {
                var form = keyed.merging(change) { $1 }
                if removed == "lat" { form["lat"] = nil; form["long"] = nil; form["address_string"] = nil }
                else if !removed.isEmpty { form[removed] = nil }
                let reply = try await Self.send(client, "/open311/v2/requests.json", method: .post, form: form)
                #expect(reply.status == .badRequest && reply.firstError == 400, "\(change) \(removed): \(reply.text)")
            }
            let withConsent = try await Self.send(
                client, "/open311/v2/requests.json", method: .post,
                form: keyed.merging(["email": "somchai@example.com", "first_name": "สมชาย", "consent_version": "2026-01"]) { $1 })
            #expect(withConsent.status == .created, "\(withConsent.text)")
            let count = try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM cases").first?.int(0) }
            #expect(count == 1, "only the filing with consent was stored")
        }
    }

    @Test("a private case is not among Open311's requests")
    func privateCasesStayPrivate() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var body = bangNaPothole
            body["public"] = false
            let (code, _, _) = try await client.file(body)
            let read = try await Self.send(client, "/open311/v2/requests/\(code).json")
            #expect(read.status == .notFound)
            let listed = try await Self.send(client, "/open311/v2/requests.json")
            #expect(!listed.list.contains { $0["service_request_id"] as? String == code })
        }
    }

    @Test("georeport, an Open311 client from PyPI, lists services, posts a request and reads it back in JSON and XML")
    func georeportClient() async throws {
        let probe = "import georeport, requests, xmltodict"
        try #require(
            (try? BrowserTools.runSynchronously(["python3", "-c", probe])) == 0,
            "needs georeport for python3: python3 -m pip install 'georeport>=0.3,<1'")
        let app = try await TestApp.make()
        let partner = try await app.token(role: .partner, agency: nil)
        try await app.runLive { port in
            let result = try await BrowserTools.runScript(
                BrowserTools.packageRoot.appendingPathComponent("Tests/Open311/georeport_check.py"),
                arguments: ["--base-url", "http://127.0.0.1:\(port)", "--api-key", partner], limit: .seconds(120))
            #expect(result.status == 0, "\(result.output)")
        }
    }
}
