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
        let display = try render { buffer, length, w, h in
            siang_vips_resize_file(upload.path, Int32(limits.displaySize), webp ? 1 : 0, Int32(quality), &buffer, &length, &w, &h)
        }
        let thumbnail = try render { buffer, length, w, h in
            display.bytes.withUnsafeBytes { input in
                siang_vips_resize_buffer(
                    input.baseAddress, input.count, Int32(limits.thumbnailSize), webp ? 1 : 0, Int32(quality), &buffer,
                    &length, &w, &h)
            }
        }
        return CleanPhoto(
            originalType: type, originalSHA256: upload.sha256, originalBytes: upload.byteCount, originalWidth: Int(width),
            originalHeight: Int(height), display: display, thumbnail: thumbnail, location: PhotoLocation.read(path: upload.path))
    }

    private func render(
        _ call: (inout UnsafeMutableRawPointer?, inout Int, inout Int32, inout Int32) -> Int32
    ) throws(PhotoRejection) -> PhotoRendition {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        var width: Int32 = 0, height: Int32 = 0
        guard call(&buffer, &length, &width, &height) == 0 else {
            _ = Vips.take(buffer, length: length)
            _ = Vips.takeError()
            throw PhotoRejection.damaged
        }
        return PhotoRendition(
            bytes: Vips.take(buffer, length: length), width: Int(width), height: Int(height),
            contentType: webp ? "image/webp" : "image/jpeg")
    }
}
