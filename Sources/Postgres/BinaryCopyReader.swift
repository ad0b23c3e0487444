/// Reads the rows of a `COPY … TO STDOUT (FORMAT binary)` from its bytes as they arrive, in chunks
/// cut anywhere.
///
/// The binary format spares PostgreSQL turning every value into text (timestamps above all), which
/// is most of the cost of a large export; the caller formats the values itself. Layout: an
/// 11-byte signature, flags and a header extension; then per row a 16-bit field count and per
/// field a 32-bit length (−1 for NULL) and the value in network byte order; −1 as the count ends it.
public struct BinaryCopyReader {
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    private var pending: [UInt8] = []
    private var headerRead = false
    /// Offsets of each field of the current row in `pending` (−1 for NULL) and their lengths.
    private var starts: [Int] = []
    private var lengths: [Int] = []
    /// Whether the end-of-data marker has been read.
    public private(set) var finished = false

    /// The data was not a binary COPY stream.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    /// Takes the next bytes and calls `body` with each row they complete.
    public mutating func read(_ chunk: [UInt8], _ body: (BinaryCopyRow) throws -> Void) throws {
        guard pending.isEmpty else {
            pending.append(contentsOf: chunk)
            let consumed = try rows(in: pending, body)
            pending.removeFirst(consumed)
            return
        }
        // Chunks read by `Connection.readCopyData` end where a row ends: read in place, keeping only
        // what is left of a row cut in two (copying every chunk into `pending` was a tenth of an export).
        let consumed = try rows(in: chunk, body)
        if consumed < chunk.count { pending.append(contentsOf: chunk[consumed...]) }
    }

    /// Calls `body` with each complete row of `buffer` and returns how many bytes they took.
    private mutating func rows(in buffer: [UInt8], _ body: (BinaryCopyRow) throws -> Void) throws -> Int {
        var consumed = 0
        try buffer.withUnsafeBytes { bytes in
            if !headerRead {
                guard bytes.count >= 19 else { return }
                guard bytes.prefix(11).elementsEqual(Self.signature) else { throw Malformed(description: "no binary COPY signature") }
                let extensionLength = Int(Self.int32(bytes, at: 15))
                guard bytes.count >= 19 + extensionLength else { return }
                consumed = 19 + extensionLength
                headerRead = true
            }
            while !finished, bytes.count - consumed >= 2 {
                let fieldCount = Int(Int16(bitPattern: UInt16(bytes[consumed]) << 8 | UInt16(bytes[consumed + 1])))
                if fieldCount == -1 {
                    finished = true
                    consumed += 2
                    break
                }
                guard fieldCount >= 0 else { throw Malformed(description: "field count \(fieldCount)") }
                // Find every field of the row before using any: the row may not be complete yet.
                var offset = consumed + 2
                starts.removeAll(keepingCapacity: true)
                lengths.removeAll(keepingCapacity: true)
                var complete = true
                for _ in 0..<fieldCount {
                    guard bytes.count - offset >= 4 else {
                        complete = false
                        break
                    }
                    let length = Int(Self.int32(bytes, at: offset))
                    offset += 4
                    if length < 0 {
                        starts.append(-1)
                        lengths.append(0)
                        continue
                    }
                    guard bytes.count - offset >= length else {
                        complete = false
                        break
                    }
                    starts.append(offset)
                    lengths.append(length)
                    offset += length
                }
                guard complete else { break }
                try body(BinaryCopyRow(bytes: bytes, starts: starts, lengths: lengths, size: offset - consumed))
                consumed = offset
            }
        }
        return consumed
    }

    static func int32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3]))
    }
}

/// One row of a binary COPY, valid only inside the reader's callback.
public struct BinaryCopyRow {
    let bytes: UnsafeRawBufferPointer
    let starts: [Int]
    let lengths: [Int]
    /// The row's bytes in the COPY: its values' and, for each, a four-byte length (a bound on what
    /// the values can take written out, whatever their number).
    public let size: Int

    public var count: Int { starts.count }

    public func isNull(_ field: Int) -> Bool { starts[field] < 0 }

    /// The raw bytes of a field (UTF-8 for text); empty for NULL.
    public func bytes(_ field: Int) -> UnsafeRawBufferPointer {
        guard starts[field] >= 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[starts[field]..<starts[field] + lengths[field]])
    }

    /// A smallint, integer or bigint field (by its length); nil for NULL.
    public func integer(_ field: Int) -> Int64? {
        let start = starts[field]
        guard start >= 0 else { return nil }
        var value: UInt64 = 0
        for index in start..<start + lengths[field] { value = value << 8 | UInt64(bytes[index]) }
        // Sign-extend from the field's width.
        let shift = UInt64(64 - 8 * lengths[field])
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    public func bool(_ field: Int) -> Bool? {
        let start = starts[field]
        guard start >= 0 else { return nil }
        return bytes[start] != 0
    }

    /// A timestamptz as Unix seconds (rounded down); nil for NULL. Binary timestamps count
    /// microseconds from 2000-01-01 UTC.
    public func unixSeconds(_ field: Int) -> Int64? {
        guard let micros = integer(field) else { return nil }
        // Rounded down without overflow (−infinity is Int64.min).
        let seconds = micros / 1_000_000 - (micros % 1_000_000 < 0 ? 1 : 0)
        return seconds + 946_684_800
    }
}
