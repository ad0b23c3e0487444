import Crypto
import Foundation
import Photos
import Testing

/// The photo checks on the team's test set (`Tests/Photos`, made by `make_fixtures.py`).
@Suite struct PhotoCleanerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Photos")
    let cleaner = PhotoCleaner(limits: PhotoLimits(maxBytes: 1_000_000, maxPixels: 40_000_000))

    static func spool(_ name: String, maxBytes: Int = 1_000_000, chunk: Int = 1000) throws -> (PhotoSpool, SpooledPhoto) {
        let bytes = try Data(contentsOf: fixtures.appendingPathComponent(name))
        // Blocks as small as the chunks, so patterns split across blocks are tested too.
        let spool = try PhotoSpool(maxBytes: maxBytes, blockSize: chunk)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            try bytes[offset..<end].withUnsafeBytes { try spool.write($0) }
            offset = end
        }
        return (spool, try spool.finish())
    }

    func rejection(_ name: String) async throws -> PhotoRejection? {
        let (spool, upload) = try Self.spool(name)
        defer { withExtendedLifetime(spool) {} }
        do {
            _ = try await cleaner.clean(upload)
            return nil
        } catch let rejection as PhotoRejection {
            return rejection
        }
    }

    @Test func aPhoneJPEGComesOutUprightSmallerAndWithoutMetadata() async throws {
        let (spool, upload) = try Self.spool("gps_serial.jpg")
        let photo = try await cleaner.clean(upload)
        withExtendedLifetime(spool) {}
        #expect(photo.originalType == .jpeg)
        #expect(photo.originalWidth == 640 && photo.originalHeight == 480)
        // EXIF orientation 6: stored landscape, shown portrait.
        #expect(photo.display.width == 480 && photo.display.height == 640)
        #expect(photo.thumbnail.width == 240 && photo.thumbnail.height == 320)
        #expect(photo.display.contentType == "image/jpeg")
        for rendition in [photo.display, photo.thumbnail] {
            #expect(Array(rendition.bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
            let text = String(decoding: rendition.bytes, as: UTF8.self)
            for secret in ["Exif", "SiangTestCam", "SN-12345678", "Somsri", "081-234-5678", "http://ns.adobe.com"] {
                #expect(!text.contains(secret), "\(secret) survived cleaning")
            }
        }
        #expect(photo.originalSHA256.count == 32)
        #expect(photo.originalBytes == upload.byteCount)
    }

    /// Runs `Tests/Photos/make_phone_photos.py` with `arguments`; its output.
    static func phonePhotos(_ arguments: [String]) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent("make_phone_photos.py").path] + arguments
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "make_phone_photos.py needs Pillow: python3 -m pip install Pillow")
        return text
    }

    func clean(_ path: URL) async throws -> CleanPhoto {
        let bytes = try Data(contentsOf: path)
        let spool = try PhotoSpool(maxBytes: 50_000_000)
        try bytes.withUnsafeBytes { try spool.write($0) }
        let upload = try spool.finish()
        defer { withExtendedLifetime(spool) {} }
        return try await PhotoCleaner(limits: PhotoLimits(maxBytes: 50_000_000, maxPixels: 40_000_000)).clean(upload)
    }

    @Test func phoneSizedJPEGsAreDecodedSmallUprightInSRGBAndACutOneIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siang-phone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.phonePhotos([folder.path])

        // Stored 4000 × 3000 with orientation 6: shown 3000 × 4000, so 1200 × 1600 and 240 × 320.
        let portrait = try await clean(folder.appendingPathComponent("portrait.jpg"))
        #expect(portrait.originalWidth == 4000 && portrait.originalHeight == 3000)
        #expect(portrait.display.width == 1200 && portrait.display.height == 1600)
        #expect(portrait.thumbnail.width == 240 && portrait.thumbnail.height == 320)
        // The red block stored top-left is top-right once upright, in both sizes.
        for rendition in [portrait.display, portrait.thumbnail] {
            let file = folder.appendingPathComponent("served.jpg")
            try Data(rendition.bytes).write(to: file)
            let corners = try JSONSerialization.jsonObject(with: Data(try Self.phonePhotos(["--pixel", file.path]).utf8))
                as? [String: [Int]]
            let red = corners?["top_right"] ?? [], blue = corners?["top_left"] ?? []
            #expect(red.count == 3 && red[0] > 180 && red[2] < 80, "top right \(red)")
            #expect(blue.count == 3 && blue[2] > 150 && blue[0] < 100, "top left \(blue)")
        }

        let cmyk = try await clean(folder.appendingPathComponent("cmyk.jpg"))
        #expect(cmyk.display.width == 1600 && cmyk.display.height == 1200)
        let grey = try await clean(folder.appendingPathComponent("grey.jpg"))
        #expect(grey.display.width == 1600 && grey.display.height == 1200)
        #expect(grey.thumbnail.width == 320 && grey.thumbnail.height == 240)

        do {
            _ = try await clean(folder.appendingPathComponent("cut.jpg"))
            Issue.record("a JPEG cut in half was accepted")
        } catch let rejection as PhotoRejection {
            #expect(rejection.reason == .damaged)
        }
    }

    @Test func pngWithAlphaWebPAndHEICAreAccepted() async throws {
        for (name, type) in [("alpha.png", PhotoType.png), ("photo.webp", .webp), ("photo.heic", .heif)] {
            let (spool, upload) = try Self.spool(name)
            let photo = try await cleaner.clean(upload)
        withExtendedLifetime(spool) {}
            #expect(photo.originalType == type)
            #expect(photo.thumbnail.width <= 320 && photo.thumbnail.height <= 320)
        }
    }

    @Test func hostileFilesAreRefusedWithTheirReason() async throws {
        let expected: [(String, PhotoRejection.Reason)] = [
            ("text.jpg", .notAnImage), ("truncated.jpg", .damaged), ("empty.jpg", .empty),
            ("script.svg", .unsupportedType), ("bomb.png", .tooManyPixels), ("polyglot.jpg", .markup),
        ]
        for (name, reason) in expected {
            let rejection = try await rejection(name)
            #expect(rejection?.reason == reason, "\(name)")
        }
    }

    @Test func aFileOverTheByteLimitStopsWhileItIsStillArriving() throws {
        #expect(throws: PhotoRejection.self) { try Self.spool("gps_serial.jpg", maxBytes: 10_000) }
    }

    @Test func markupSplitAcrossChunksIsFound() throws {
        for chunk in [1, 3, 7, 64] {
            let (spool, upload) = try Self.spool("polyglot.jpg", chunk: chunk)
            withExtendedLifetime(spool) { #expect(upload.containsMarkup, "chunk \(chunk)") }
        }
        let (spool, upload) = try Self.spool("gps_serial.jpg", chunk: 5)
        withExtendedLifetime(spool) { #expect(!upload.containsMarkup) }
    }

    @Test func theSpoolKeepsEveryByteInOrderWhateverPiecesTheyCameIn() throws {
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("gps_serial.jpg"))
        for (piece, block) in [(1, 256 * 1024), (7, 100), (4096, 1000), (original.count, 64)] {
            let spool = try PhotoSpool(maxBytes: 1_000_000, blockSize: block)
            var offset = 0
            while offset < original.count {
                let end = min(original.count, offset + piece)
                try original[offset..<end].withUnsafeBytes { try spool.write($0) }
                offset = end
            }
            let upload = try spool.finish()
            let written = try withExtendedLifetime(spool) { try Data(contentsOf: URL(fileURLWithPath: upload.path)) }
            #expect(written == original, "pieces of \(piece)")
            #expect(upload.sha256 == Array(SHA256.hash(data: original)), "pieces of \(piece)")
            #expect(upload.byteCount == original.count)
        }
    }

    @Test func theSpoolRemovesItsFile() throws {
        var path = ""
        do {
            let (spool, upload) = try Self.spool("alpha.png")
            path = upload.path
            withExtendedLifetime(spool) { #expect(FileManager.default.fileExists(atPath: path)) }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
