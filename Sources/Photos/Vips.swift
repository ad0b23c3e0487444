import CVips
import Foundation

/// libvips, started once for the whole process.
enum Vips {
    private static let started: Bool = {
        guard siang_vips_start() == 0 else { return false }
        // Siang runs as many uploads at once as it has cores (PhotoCleaner's pool); libvips's own worker
        // threads on top would only make them queue behind each other.
        vips_concurrency_set(1)
        return true
    }()

    static func start() throws(PhotoRejection) {
        guard started else { throw PhotoRejection(.damaged, th: "เปิดตัวจัดการรูปไม่ได้", en: "libvips did not start.") }
    }

    /// libvips's last error message (and forgets it); for the log, never for the client.
    static func takeError() -> String {
        guard let message = siang_vips_take_error() else { return "" }
        defer { siang_vips_free(message) }
        return String(cString: message)
    }

    /// Copies a buffer libvips allocated and frees it.
    static func take(_ buffer: UnsafeMutableRawPointer?, length: Int) -> [UInt8] {
        guard let buffer else { return [] }
        defer { siang_vips_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
