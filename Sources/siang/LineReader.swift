#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor in large blocks, handing out each line's bytes without
/// copying them into a `String` (what `readLine` costs per line).
struct LineReader {
    let fileDescriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes of `buffer` holding data not yet handed out.
    private var start = 0
    private var end = 0

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Calls `body` with each line, without its "\n" or "\r\n", the last one even without a newline.
    /// `beforeWaiting` runs each time every line read so far has been handed out and more must be read.
    mutating func forEachLine(beforeWaiting: () -> Void, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        while true {
            // Hand out the complete lines in the buffer.
            buffer.withUnsafeBufferPointer { bytes in
                while let newline = bytes[start..<end].firstIndex(of: 0x0A) {
                    var lineEnd = newline
                    if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    body(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
                    start = newline + 1
                }
            }
            // Keep the partial line at the front; grow when one line fills the buffer.
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { bytes in
                    _ = bytes.baseAddress.map { memmove($0, $0 + start, end - start) }
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            beforeWaiting()
            let count = buffer.withUnsafeMutableBufferPointer { bytes in
                readRetrying(fileDescriptor, bytes.baseAddress! + end, bytes.count - end)
            }
            guard count > 0 else { break }
            end += count
        }
        if end > start {
            buffer.withUnsafeBufferPointer { bytes in
                var lineEnd = end
                if bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                body(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
            }
            start = end
        }
    }
}

/// `read(2)`, retried when a signal interrupts it; 0 at the end of input or on an error.
private func readRetrying(_ fileDescriptor: Int32, _ pointer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    while true {
        let result = read(fileDescriptor, pointer, count)
        if result >= 0 { return result }
        if errno != EINTR { return 0 }
    }
}

/// Writes all of `bytes` to `fileDescriptor` (retrying short writes) and empties it, keeping its storage.
func writeAll(_ bytes: inout [UInt8], to fileDescriptor: Int32) {
    guard !bytes.isEmpty else { return }
    bytes.withUnsafeBufferPointer { pointer in
        var offset = 0
        while offset < pointer.count {
            let written = write(fileDescriptor, pointer.baseAddress! + offset, pointer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return  // A closed pipe: nothing more can be said.
            }
            offset += written
        }
    }
    bytes.removeAll(keepingCapacity: true)
}
