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
