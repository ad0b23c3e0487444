import Crypto
import Foundation

/// One uploaded file on its way in: written to a temporary file as its bytes arrive, so memory holds one
/// block of it at a time, never the whole file. Counts, hashes and scans the bytes as they pass; the file
/// is removed when the spool goes away.
///
/// The bytes are gathered into blocks before they are hashed, scanned and written: the multipart parser
/// hands a photo over in pieces that end wherever a byte could begin the boundary (every carriage return,
/// thousands in a phone photo), and a system call for each piece was most of the time spent receiving one.
public final class PhotoSpool {
    public let path: String
    public private(set) var byteCount = 0
    private let maxBytes: Int
    private let blockSize: Int
    private var block: [UInt8] = []
    private var failed = false
    private var descriptor: Int32
    private var hash = SHA256()
    private var markup = MarkupScanner()

    /// - Parameters:
    ///   - directory: where the temporary file goes (the system's temporary folder by default).
    ///   - blockSize: bytes gathered before they are written.
    public init(maxBytes: Int, directory: String? = nil, blockSize: Int = 256 * 1024) throws {
        let folder = directory ?? FileManager.default.temporaryDirectory.path
        path = folder + "/siang-photo-" + UUID().uuidString
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        self.maxBytes = maxBytes
        self.blockSize = max(1, blockSize)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        unlink(path)
    }

    /// Appends bytes. - Throws: `photo_too_large` past the limit (the caller stops reading), or a write error.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !failed else { throw CocoaError(.fileWriteUnknown) }
        byteCount += bytes.count
        guard byteCount <= maxBytes else { throw PhotoRejection.tooLarge(limit: maxBytes) }
        if block.count + bytes.count > blockSize { try flush() }
        if bytes.count >= blockSize {
            try store(bytes)
        } else {
            if block.capacity < blockSize { block.reserveCapacity(blockSize) }
            block.append(contentsOf: bytes)
        }
    }

    /// Closes the file; what was written, ready for `PhotoCleaner`.
    /// - Throws: when the last block cannot be written (a full disk), or an earlier one could not.
    public func finish() throws -> SpooledPhoto {
        try flush()
        guard !failed else { throw CocoaError(.fileWriteUnknown) }
        block = []
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        return SpooledPhoto(
            path: path, byteCount: byteCount, sha256: Array(hash.finalize()), containsMarkup: markup.found)
    }

    private func flush() throws {
        guard !block.isEmpty else { return }
        defer { block.removeAll(keepingCapacity: true) }
        try block.withUnsafeBytes { try store($0) }
    }

    /// Hashes, scans and writes bytes; after a failed write the spool refuses everything, as the file
    /// no longer holds what the hash says.
    private func store(_ bytes: UnsafeRawBufferPointer) throws {
        guard !failed else { throw CocoaError(.fileWriteUnknown) }
        hash.update(bufferPointer: bytes)
        markup.scan(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = writeToFile(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failed = true
                throw CocoaError(.fileWriteUnknown)
            }
            offset += written
        }
    }
}

/// POSIX `write`, which `PhotoSpool.write` hides inside the class.
private func writeToFile(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// A whole upload on disk, as `PhotoSpool` left it.
public struct SpooledPhoto: Sendable {
    public var path: String
    public var byteCount: Int
    public var sha256: [UInt8]
    /// Whether HTML or script was found anywhere in the bytes (a polyglot).
    public var containsMarkup: Bool
}

/// Finds HTML in a stream of bytes, across chunk boundaries. Siang re-encodes every photo, so what it
/// serves never carries these bytes; the upload is refused anyway, as an attack is no honest photo.
/// The patterns are long enough (six bytes or more, with the `<`) that compressed image data matches one
/// by chance about once in a million 10 MB files; `<svg` or `<a` alone would match far too often.
struct MarkupScanner {
    static let patterns: [[UInt8]] = ["<script", "<iframe", "<!doctype", "<html>", "<html ", "<body>", "<body ", "<object", "<embed "]
        .map { Array($0.utf8) }
    static let overlap = patterns.map(\.count).max()! - 1
    private var tail: [UInt8] = []
    private(set) var found = false

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        guard !found, !bytes.isEmpty else { return }
        // The last bytes of the chunks before, then this chunk's first ones: a pattern split between them.
        let head = Array(bytes.prefix(Self.overlap))
        if !tail.isEmpty, Self.contains(tail + head) { found = true; return }
        if Self.contains(bytes) { found = true; return }
        // Chunks shorter than a pattern: the tail spans several of them.
        tail = bytes.count >= Self.overlap ? Array(bytes.suffix(Self.overlap)) : Array((tail + head).suffix(Self.overlap))
    }

    static func contains(_ bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        return bytes.withUnsafeBytes { contains(UnsafeRawBufferPointer($0)) }
    }

    static func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            guard let found = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: "<")), count - index) else { return false }
            let start = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
            for pattern in patterns where start + pattern.count <= count {
                var matches = true
                for offset in 1..<pattern.count {
                    var byte = bytes[start + offset]
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    if byte != pattern[offset] { matches = false; break }
                }
                if matches { return true }
            }
            index = start + 1
        }
        return false
    }
}
