import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

@Suite("Photos")
struct PhotoTests {
    static let secretHeader = HTTPField.Name("X-Tracking-Secret")!
    static let officerAgency = "bma-district-1047"

    static func count(_ table: String, _ app: TestApp) async throws -> Int {
        try await app.database.pool.withConnection { try $0.query("SELECT count(*) FROM \(table)").first!.int(0) }
    }

    @Test("a phone photo filed with a case comes back from every public URL upright and without any metadata")
    func filedPhotoIsCleaned() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let original = try PhotoFixtures.bytes("gps_serial.jpg")
            let before = try await PhotoFixtures.metadata(of: original)
            #expect(before["gps_tags"] as? Int == 4, "the fixture must carry GPS for this test to mean anything")
            let filed = try await client.fileWithPhotos(bangNaPothole, photos: [("IMG_0001.JPG", original)])
            #expect(filed.status == .created, "\(filed.json)")
            #expect(filed.array("photos").count == 1)
            let code = try #require(filed.string("code"))

            let tracked = try await client.send(.get, "/api/v1/cases/\(code)")
            let photos = tracked.array("photos")
            try #require(photos.count == 1)
            #expect(photos[0]["kind"] as? String == "before")
            #expect(photos[0]["hidden"] == nil, "the public is not told about hiding")
            for key in ["thumbnail_url", "display_url"] {
                let url = try #require(photos[0][key] as? String)
                let image = try await client.image(url)
                #expect(image.status == .ok)
                #expect(image.headers[.contentType] == "image/jpeg")
                #expect(image.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(image.headers[.cacheControl]?.hasPrefix("public") == true)
                #expect(image.headers[.eTag] != nil)
                let meta = try await PhotoFixtures.metadata(of: image.bytes)
                #expect(meta["format"] as? String == "JPEG")
                #expect(meta["exif_tags"] as? Int == 0, "\(key): \(meta)")
                #expect(meta["gps_tags"] as? Int == 0)
                #expect(meta["has_xmp"] as? Bool == false)
                #expect(meta["has_icc"] as? Bool == false)
                #expect((meta["info_keys"] as? [String]) == [], "\(key): \(meta)")
                // Turned upright by its EXIF orientation (stored 640 × 480, shown portrait).
                #expect((meta["height"] as? Int ?? 0) > (meta["width"] as? Int ?? 0))
                let text = String(decoding: image.bytes, as: UTF8.self)
                for secret in ["SN-12345678", "Somsri", "SiangTestCam", "081-234-5678"] { #expect(!text.contains(secret)) }
                // Asked again with its ETag: not sent again.
                let again = try await client.image(url, headers: [.ifNoneMatch: image.headers[.eTag] ?? ""])
                #expect(again.status == .notModified)
            }
        }
    }

    @Test("a filing whose photos cannot be stored is not acknowledged and leaves no case behind")
    func photosCommitWithTheCase() async throws {
        let app = try await TestApp.make()
        // The database refuses every photo row, as a full disk or a dropped connection would at that moment.
        try await app.database.pool.withConnection { connection in
            try connection.execute(
                """
                CREATE FUNCTION refuse_photo() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'no room for photos'; END $$;
                CREATE TRIGGER refuse_photo BEFORE INSERT ON case_photos FOR EACH ROW EXECUTE FUNCTION refuse_photo();
                """)
        }
        try await app.run { client in
            let filed = try await client.fileWithPhotos(bangNaPothole, photos: [("IMG_0001.JPG", try PhotoFixtures.bytes("gps_serial.jpg"))])
            #expect(filed.status != .created, "\(filed.json)")
            #expect(filed.status.code >= 500, "the failure is the server's, not the citizen's")
            #expect(try await Self.count("cases", app) == 0, "the case went with its photos")
            #expect(try await Self.count("outbox", app) == 0, "and so did its messages")
        }
    }

    @Test("a photo's GPS position is offered, not used, when the filing has no location; the citizen may accept it once")
    func photoLocationOffered() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let photo = [("IMG_0001.JPG", try PhotoFixtures.bytes("gps_serial.jpg"))]
            let filed = try await client.fileWithPhotos(bangNaPothole, photos: photo)
            #expect(filed.status == .created, "\(filed.json)")
            let code = try #require(filed.string("code"))
            let secret = try #require(filed.string("secret"))
            // The fixture says 13° 44′ 12.34″ N, 100° 30′ 56.78″ E.
            let offered = try #require(filed["photo_location"] as? [String: Any])
            #expect(abs((offered["lat"] as? Double ?? 0) - 13.736761) < 0.000001)
            #expect(abs((offered["lon"] as? Double ?? 0) - 100.515772) < 0.000001)
            let before = try await client.send(.get, "/api/v1/cases/\(code)", headers: [Self.secretHeader: secret])
            #expect(before.json["location"] == nil && before.string("location.lat") == nil, "offered, not used: \(before.json)")

            let wrong = try await client.send(
                .post, "/api/v1/cases/\(code)/location", json: ["lat": 13.736761, "lon": 100.515772],
                headers: [Self.secretHeader: String(repeating: "0", count: secret.count)])
            #expect(wrong.status.code >= 400 && wrong.status.code < 500)
            let accepted = try await client.send(
                .post, "/api/v1/cases/\(code)/location", json: ["lat": 13.736761, "lon": 100.515772],
                headers: [Self.secretHeader: secret])
            #expect(accepted.status == .ok, "\(accepted.json)")
            let stored = try await app.database.pool.withConnection {
                try $0.query("SELECT latitude, longitude FROM cases WHERE code = $1", [code]).first.map { (try $0.double(0), try $0.double(1)) }
            }
            #expect(stored?.0 == 13.736761 && stored?.1 == 100.515772)
            let again = try await client.send(
                .post, "/api/v1/cases/\(code)/location", json: ["lat": 14.0, "lon": 100.0], headers: [Self.secretHeader: secret])
            #expect(again.errorCode == "case_has_location", "a location once set is not replaced this way")

            var located = bangNaPothole
            located["lat"] = 13.66
            located["lon"] = 100.6
            let withLocation = try await client.fileWithPhotos(located, photos: photo)
            #expect(withLocation.status == .created && withLocation["photo_location"] == nil, "nothing to offer when one was given")
        }
    }

    @Test("JSON filing works as before, with no photos")
    func jsonFilingUnchanged() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, _, reply) = try await client.file(bangNaPothole)
            #expect(reply["photos"] == nil)
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").array("photos").isEmpty)
        }
    }

    static let hostile: [(String, String, HTTPResponse.Status, String)] = [
        ("text file named .jpg", "text.jpg", .unprocessableContent, "photo_not_an_image"),
        ("truncated JPEG", "truncated.jpg", .unprocessableContent, "photo_damaged"),
        ("30,000 × 30,000 PNG bomb", "bomb.png", .unprocessableContent, "photo_too_many_pixels"),
        ("JPEG that is also HTML", "polyglot.jpg", .unprocessableContent, "photo_contains_markup"),
        ("SVG with a script", "script.svg", .unprocessableContent, "photo_type_not_allowed"),
        ("zero-byte file", "empty.jpg", .unprocessableContent, "photo_empty"),
    ]

    @Test("each file of the hostile set is a clear 4xx in the one error shape and stores nothing", arguments: hostile)
    func hostileFile(_ label: String, _ name: String, _ status: HTTPResponse.Status, _ code: String) async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            // The good photo first: a bad one later in the same request must still store nothing.
            let reply = try await client.fileWithPhotos(
                bangNaPothole, photos: [("good.jpg", try PhotoFixtures.bytes("gps_serial.jpg")), (name, try PhotoFixtures.bytes(name))])
            #expect(reply.status == status, "\(label): \(reply.json)")
            #expect(reply.errorCode == code, "\(label)")
            #expect(reply.string("error.message_th")?.isEmpty == false)
            #expect(reply.string("error.message_en")?.isEmpty == false)
            #expect(try await Self.count("cases", app) == 0)
            #expect(try await Self.count("case_photos", app) == 0)
            #expect(try await Self.count("photo_blobs", app) == 0)
        }
    }

    @Test("eleven files at once are refused before they are read, and nothing is stored")
    func elevenFiles() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let photo = try PhotoFixtures.bytes("alpha.png")
            let reply = try await client.fileWithPhotos(bangNaPothole, photos: (1...11).map { ("p\($0).png", photo) })
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorCode == "too_many_photos")
            #expect(try await Self.count("cases", app) == 0)
            #expect(try await Self.count("case_photos", app) == 0)
        }
    }

    @Test("a file over the byte limit is 413 and stores nothing")
    func tooLarge() async throws {
        let app = try await TestApp.make(environment: ["SIANG_PHOTOS_MAX_BYTES": "20000"])
        try await app.run { client in
            let reply = try await client.fileWithPhotos(bangNaPothole, photos: [("big.jpg", try PhotoFixtures.bytes("gps_serial.jpg"))])
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "photo_too_large")
            #expect(try await Self.count("cases", app) == 0)
        }
    }

    @Test("a private case's photo is 404 without the secret or the agency's token, from an unguessable path")
    func privatePhoto() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            var filing = bangNaPothole
            filing["public"] = false
            let filed = try await client.fileWithPhotos(filing, photos: [("a.webp", try PhotoFixtures.bytes("photo.webp"))])
            #expect(filed.status == .created)
            let code = try #require(filed.string("code"))
            let secret = try #require(filed.string("secret"))
            let url = try #require(filed.array("photos").first?["thumbnail_url"] as? String)
            let token = url.split(separator: "/")[1]
            #expect(token.count == 26)

            let anonymous = try await client.image(url)
            #expect(anonymous.status == .notFound)
            #expect(try await client.image(url, headers: [Self.secretHeader: "wrong-secret"]).status == .notFound)
            let citizen = try await client.image(url, headers: [Self.secretHeader: secret])
            #expect(citizen.status == .ok)
            #expect(citizen.headers[.cacheControl] == "private, no-store")
            let officer = try await app.token(agency: Self.officerAgency)
            #expect(try await client.image(url, headers: [.authorization: "Bearer \(officer)"]).status == .ok)
            let stranger = try await app.token(agency: "bma-district-1001")
            #expect(try await client.image(url, headers: [.authorization: "Bearer \(stranger)"]).status == .notFound)
            // A guessed token is the same 404 as a real one without the right to see it.
            #expect(try await client.image("/photos/aaaaaaaaaaaaaaaaaaaaaaaaaa/thumbnail.jpg").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/cases/\(code)").status == .notFound)
        }
    }

    @Test("the citizen adds photos with the secret until the case is resolved; officers attach the result")
    func beforeAndAfter() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            var body = MultipartBody()
            body.file("photos", filename: "later.png", contentType: "image/png", try PhotoFixtures.bytes("alpha.png"))
            #expect(try await client.sendMultipart("/api/v1/cases/\(code)/photos", body).status == .unauthorized)
            let added = try await client.sendMultipart("/api/v1/cases/\(code)/photos", body, headers: [Self.secretHeader: secret])
            #expect(added.status == .created, "\(added.json)")
            #expect(added.array("photos").count == 1)
            // The same file again is the same photo, not a second one.
            let again = try await client.sendMultipart("/api/v1/cases/\(code)/photos", body, headers: [Self.secretHeader: secret])
            #expect(again.array("photos").count == 1)

            let token = try await app.token(agency: Self.officerAgency)
            _ = try await client.act(code, token: token, ["action": "accept"])
            _ = try await client.act(code, token: token, ["action": "start"])
            var resolve = MultipartBody()
            resolve.field("action", #"{"action": "resolve", "result": "ซ่อมแล้ว"}"#)
            resolve.file("photos", filename: "after.jpg", try PhotoFixtures.bytes("gps_serial.jpg"))
            let resolved = try await client.sendMultipart(
                "/api/v1/agency/cases/\(code)/actions", resolve, headers: [.authorization: "Bearer \(token)"])
            #expect(resolved.status == .ok, "\(resolved.json)")
            #expect(resolved.string("status.code") == "resolved")

            let publicView = try await client.send(.get, "/api/v1/cases/\(code)")
            #expect(publicView.array("photos").map { $0["kind"] as? String } == ["before", "after"])

            let late = try await client.sendMultipart("/api/v1/cases/\(code)/photos", body, headers: [Self.secretHeader: secret])
            #expect(late.status == .conflict)
            #expect(late.errorCode == "case_closed_to_photos")

            var wrongAction = MultipartBody()
            wrongAction.field("action", #"{"action": "reject", "reason": "duplicate"}"#)
            wrongAction.file("photos", filename: "x.jpg", try PhotoFixtures.bytes("gps_serial.jpg"))
            let refused = try await client.sendMultipart(
                "/api/v1/agency/cases/\(code)/actions", wrongAction, headers: [.authorization: "Bearer \(token)"])
            #expect(refused.errorCode == "photos_not_allowed")
        }
    }

    @Test("staff hide a photo from the public with a reason; the citizen and staff still see it")
    func hiding() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let filed = try await client.fileWithPhotos(bangNaPothole, photos: [("a.jpg", try PhotoFixtures.bytes("gps_serial.jpg"))])
            let code = try #require(filed.string("code"))
            let secret = try #require(filed.string("secret"))
            let photo = try #require(filed.array("photos").first)
            let id = try #require(photo["id"] as? Int)
            let url = try #require(photo["display_url"] as? String)
            let token = try await app.token(agency: Self.officerAgency)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let missing = try await client.send(.post, "/api/v1/agency/cases/\(code)/photos/\(id)/hide", json: ["reason": " "], headers: auth)
            #expect(missing.status == .unprocessableContent)
            let hidden = try await client.send(
                .post, "/api/v1/agency/cases/\(code)/photos/\(id)/hide", json: ["reason": "ป้ายทะเบียนรถ"], headers: auth)
            #expect(hidden.status == .ok, "\(hidden.json)")
            #expect(hidden.bool("hidden") == true)

            #expect(try await client.send(.get, "/api/v1/cases/\(code)").array("photos").isEmpty)
            #expect(try await client.image(url).status == .notFound)
            let citizen = try await client.send(.get, "/api/v1/cases/\(code)", headers: [Self.secretHeader: secret])
            #expect(citizen.array("photos").first?["hidden_reason"] as? String == "ป้ายทะเบียนรถ")
            let staff = try await client.send(.get, "/api/v1/agency/cases/\(code)", headers: auth)
            #expect(staff.array("photos").first?["hidden"] as? Bool == true)
            #expect(try await client.image(url, headers: auth).status == .ok)
        }
    }

    @Test("the same image in two cases is stored once; erasing one case's personal data deletes only its photos")
    func dedupAndErasure() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let photo = try PhotoFixtures.bytes("gps_serial.jpg")
            let first = try await client.fileWithPhotos(bangNaPothole, photos: [("a.jpg", photo)])
            let second = try await client.fileWithPhotos(bangNaPothole, photos: [("a.jpg", photo)])
            #expect(try await Self.count("case_photos", app) == 2)
            #expect(try await Self.count("photo_blobs", app) == 2, "display and thumbnail, once each")

            let code = try #require(first.string("code"))
            let secret = try #require(first.string("secret"))
            let url = try #require(first.array("photos").first?["display_url"] as? String)
            let withdrawn = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", headers: [Self.secretHeader: secret])
            #expect(withdrawn.status == .ok)
            let erased = try await client.send(.post, "/api/v1/cases/\(code)/erase-contact", headers: [Self.secretHeader: secret])
            #expect(erased.string("result") == "erased", "\(erased.json)")
            #expect(try await client.image(url, headers: [Self.secretHeader: secret]).status == .notFound)
            #expect(try await Self.count("case_photos", app) == 1)
            #expect(try await Self.count("photo_blobs", app) == 2, "still used by the other case")
            let other = try #require(second.array("photos").first?["display_url"] as? String)
            #expect(try await client.image(other).status == .ok)

            let secondCode = try #require(second.string("code"))
            let secondSecret = try #require(second.string("secret"))
            _ = try await client.send(.post, "/api/v1/cases/\(secondCode)/withdraw", headers: [Self.secretHeader: secondSecret])
            _ = try await client.send(.post, "/api/v1/cases/\(secondCode)/erase-contact", headers: [Self.secretHeader: secondSecret])
            #expect(try await Self.count("case_photos", app) == 0)
            #expect(try await Self.count("photo_blobs", app) == 0)
        }
    }
}

@Suite("Photos everywhere a case goes")
struct PhotoReachTests {
    @Test("Open311's media_url, open data's photo_url and the statistics name the public photo")
    func everywhere() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let filed = try await client.fileWithPhotos(bangNaPothole, photos: [("a.jpg", try PhotoFixtures.bytes("gps_serial.jpg"))])
            let code = try #require(filed.string("code"))
            let display = try #require(filed.array("photos").first?["display_url"] as? String)
            _ = try await client.file(bangNaPothole)  // a case without photos

            let open311 = try await client.executeRequest(uri: "/open311/v2/requests/\(code).json", method: .get, headers: [:], body: nil)
            let requests = try JSONSerialization.jsonObject(with: Data(open311.body.readableBytesView)) as? [[String: Any]]
            let media = try #require(requests?.first?["media_url"] as? String)
            #expect(media.hasSuffix(display) && media.hasPrefix("http"), "\(media)")

            let export = try await client.executeRequest(uri: "/api/v1/open-data/cases.json", method: .get, headers: [:], body: nil)
            let lines = String(buffer: export.body).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.count == 2)
            #expect(lines.first { $0["code"] as? String == code }?["photo_url"] as? String == display)
            #expect(lines.first { $0["code"] as? String != code }?["photo_url"] is NSNull)

            let shares = try await client.send(.get, "/api/v1/stats/photos")
            #expect(shares.int("cases") == 2)
            #expect(shares.int("with_photos") == 1)
            #expect(shares.value("share_with_photos") as? Double == 0.5)
            #expect(shares.int("finished_with_result_photos") == 0)
        }
    }
}
