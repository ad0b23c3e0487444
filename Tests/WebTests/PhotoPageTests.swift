import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Photos on the pages")
struct PhotoPageTests {
    /// The filing form as a browser without JavaScript posts it, with `files` in its file input.
    static func filingForm(_ page: Browser.Page, files: [(String, [UInt8])]) -> MultipartBody {
        var body = MultipartBody()
        for (name, value) in potholeForm + [("idempotency_key", page.field("idempotency_key") ?? ""), ("csrf", page.csrf ?? "")] {
            body.field(name, value)
        }
        for (name, bytes) in files { body.file("photos", filename: name, bytes) }
        return body
    }

    @Test("the filing form takes photos without JavaScript, and the case page shows their thumbnails")
    func fileWithPhoto() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let form = try await browser.get("/file")
            #expect(form.html.contains(#"enctype="multipart/form-data""#))
            #expect(form.html.contains(#"<input type="file" id="photos" name="photos" accept="image/*" multiple>"#))
            let posted = try await browser.postMultipart(
                "/file", Self.filingForm(form, files: [("IMG_0001.JPG", try PhotoFixtures.bytes("gps_serial.jpg"))]))
            #expect(posted.status == .seeOther, "\(posted.html.prefix(2000))")
            let filed = try await browser.get(posted.location ?? "/")
            let code = try #require(filed.text(id: "tracking-code"))
            let page = try await browser.get("/cases/\(code)")
            #expect(page.html.contains(#"id="photos-before""#))
            let prefix = "src=\"/cases/\(code)/photos/"
            let range = try #require(page.html.range(of: prefix))
            let src = "/cases/\(code)/photos/" + page.html[range.upperBound...].prefix { $0 != "\"" }
            #expect(src.hasSuffix("/thumbnail.jpg"))
            let image = try await browser.image(src)
            #expect(image.status == .ok)
            #expect(image.contentType == "image/jpeg")
            // Another browser, without the case's cookie, gets the same photo only from the public path.
            #expect(try await Browser(client).image(src).status == .ok, "a public case's photo is public")
        }
    }

    @Test("an empty file input files the case without photos; a bad file shows the form again with the text kept")
    func emptyAndBadFiles() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let browser = Browser(client)
            let form = try await browser.get("/file")
            var empty = Self.filingForm(form, files: [])
            empty.file("photos", filename: "", contentType: "application/octet-stream", [])
            let posted = try await browser.postMultipart("/file", empty)
            #expect(posted.status == .seeOther, "\(posted.html.prefix(2000))")

            let again = try await browser.get("/file")
            let refused = try await browser.postMultipart(
                "/file", Self.filingForm(again, files: [("notes.jpg", try PhotoFixtures.bytes("text.jpg"))]))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains(#"id="errors""#))
            #expect(refused.html.contains("href=\"#photos\""))
            #expect(refused.html.contains("ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก"), "the typed text is kept")
            #expect(try await PhotoTests.count("cases", app) == 1)
            #expect(try await PhotoTests.count("case_photos", app) == 0)
        }
    }
}
