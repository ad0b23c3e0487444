import CVips
import Foundation
import NIOPosix

/// Checks that an upload is a photo of an accepted type and size, and makes the two images Siang serves
/// of it, upright and without metadata. libvips does the work on a pool of its own, one upload per core
/// at a time, so the event loops never decode and a burst of uploads queues instead of taking memory.
public struct PhotoCleaner: Sendable {
    public let limits: PhotoLimits
    /// WebP renditions instead of JPEG.
    public let webp: Bool
    public let quality: Int
    /// One pool for the process, however many services (tests make many) clean photos.
    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: ProcessInfo.processInfo.activeProcessorCount)
        pool.start()
        return pool
    }()

    public init(limits: PhotoLimits, webp: Bool = false, quality: Int = 82) {
        self.limits = limits
        self.webp = webp
        self.quality = quality
    }

    /// Checks and cleans a spooled upload, off the caller's thread.
    /// - Throws: `PhotoRejection` saying what is wrong with it.
    public func clean(_ upload: SpooledPhoto) async throws -> CleanPhoto {
        let result: Result<CleanPhoto, PhotoRejection> = try await Self.threads.runIfActive { [self] in
            do throws(PhotoRejection) {
                return .success(try cleanNow(upload))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The same, on this thread.
    public func cleanNow(_ upload: SpooledPhoto) throws(PhotoRejection) -> CleanPhoto {
        try Vips.start()
        guard upload.byteCount > 0 else { throw PhotoRejection.empty }
        guard upload.byteCount <= limits.maxBytes else { throw PhotoRejection.tooLarge(limit: limits.maxBytes) }
        // The type is what the first bytes say: never the file's name or the declared Content-Type.
        guard let loader = siang_vips_loader(upload.path).map({ String(cString: $0) }) else {
            throw PhotoRejection.notAnImage
        }
        guard let type = PhotoType(loader: loader) else { throw PhotoRejection.unsupportedType }
        // A real image of an accepted type that also carries a web page (a polyglot).
        guard !upload.containsMarkup else { throw PhotoRejection.markup }
        var width: Int32 = 0, height: Int32 = 0, pages: Int32 = 0
        guard siang_vips_header(upload.path, &width, &height, &pages) == 0, width > 0, height > 0 else {
            _ = Vips.takeError()
            throw PhotoRejection.damaged
        }
        // The bomb check: from the header alone, before a single pixel is decoded.
        let pixels = Int(width) * Int(height) * max(1, Int(pages))
        guard pixels <= limits.maxPixels else {
            throw PhotoRejection.tooManyPixels(width: Int(width), height: Int(height), limit: limits.maxPixels)
        }
        let (display, thumbnail) = try renditions(of: upload, type: type, width: width, height: height)
        return CleanPhoto(
            originalType: type, originalSHA256: upload.sha256, originalBytes: upload.byteCount, originalWidth: Int(width),
            originalHeight: Int(height), display: display, thumbnail: thumbnail, location: PhotoLocation.read(path: upload.path))
    }

    /// The display size and the thumbnail, from one decode.
    private func renditions(
        of upload: SpooledPhoto, type: PhotoType, width: Int32, height: Int32
    ) throws(PhotoRejection) -> (display: PhotoRendition, thumbnail: PhotoRendition) {
        var display: UnsafeMutableRawPointer?, thumbnail: UnsafeMutableRawPointer?
        var displayLength = 0, thumbnailLength = 0
        var displayWidth: Int32 = 0, displayHeight: Int32 = 0, thumbnailWidth: Int32 = 0, thumbnailHeight: Int32 = 0
        let jpeg = type == .jpeg
        guard
            siang_vips_renditions(
                upload.path, jpeg ? width : 0, jpeg ? height : 0, Int32(limits.displaySize),
                Int32(limits.thumbnailSize), webp ? 1 : 0, Int32(quality), &display, &displayLength, &displayWidth,
                &displayHeight, &thumbnail, &thumbnailLength, &thumbnailWidth, &thumbnailHeight) == 0
        else {
            _ = Vips.takeError()
            throw PhotoRejection.damaged
        }
        let contentType = webp ? "image/webp" : "image/jpeg"
        return (
            PhotoRendition(
                bytes: Vips.take(display, length: displayLength), width: Int(displayWidth),
                height: Int(displayHeight), contentType: contentType),
            PhotoRendition(
                bytes: Vips.take(thumbnail, length: thumbnailLength), width: Int(thumbnailWidth),
                height: Int(thumbnailHeight), contentType: contentType)
        )
    }
}
