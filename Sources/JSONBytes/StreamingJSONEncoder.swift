import Foundation

/// Encodes `Encodable` values straight into JSON bytes, keys in declaration order, nil
/// optionals omitted, without building an intermediate tree.
///
/// Foundation's `JSONEncoder` was a sixth of the server's time when answering tracking
/// requests; this writes each value once. It supports what Siang's response types use: keyed
/// and unkeyed containers (nested ones too, used one after the other as synthesized `Codable`
/// code does), strings, booleans, integers and floating-point numbers.
public struct StreamingJSONEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let writer = JSONByteWriter()
        try writer.encodeValue(value, codingPath: [])
        return writer.bytes
    }
}

final class JSONByteWriter {
    enum FrameKind { case object, array }

    struct Frame {
        var kind: FrameKind
        var count = 0
    }

    var bytes: [UInt8] = []
    private var frames: [Frame] = []

    init() {
        bytes.reserveCapacity(2048)
    }

    /// Encodes a value: whatever containers it opens are closed when it returns.
    func encodeValue(_ value: some Encodable, codingPath: [any CodingKey]) throws {
        let depth = frames.count
        let start = bytes.count
        try value.encode(to: StreamingEncoder(writer: self, depth: depth, codingPath: codingPath))
        close(toDepth: depth)
        if bytes.count == start { bytes.append(contentsOf: Array("{}".utf8)) }
    }

    // Each method below touches `bytes` and `frames` once, through a static function given them
    // inout: every access to a class's stored property is checked for exclusivity at run time, and
    // one check per byte or frame was a third of writing a `siang classify` answer.

    func close(toDepth depth: Int) {
        Self.close(toDepth: depth, frames: &frames, bytes: &bytes)
    }

    private static func close(toDepth depth: Int, frames: inout [Frame], bytes: inout [UInt8]) {
        while frames.count > depth {
            let frame = frames.removeLast()
            bytes.append(frame.kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    func open(_ kind: FrameKind, atDepth depth: Int) {
        Self.open(kind, atDepth: depth, frames: &frames, bytes: &bytes)
    }

    private static func open(_ kind: FrameKind, atDepth depth: Int, frames: inout [Frame], bytes: inout [UInt8]) {
        close(toDepth: depth, frames: &frames, bytes: &bytes)
        bytes.append(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        frames.append(Frame(kind: kind))
    }

    /// Before an element of the container at `depth` (its frame index): closes nested
    /// containers still open, and writes a comma after the previous element.
    func beginElement(inFrame index: Int) {
        Self.beginElement(inFrame: index, frames: &frames, bytes: &bytes)
    }

    private static func beginElement(inFrame index: Int, frames: inout [Frame], bytes: inout [UInt8]) {
        close(toDepth: index + 1, frames: &frames, bytes: &bytes)
        if frames[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[index].count += 1
    }

    func writeKey(_ key: String, inFrame index: Int) {
        Self.writeKey(key, inFrame: index, frames: &frames, bytes: &bytes)
    }

    private static func writeKey(_ key: String, inFrame index: Int, frames: inout [Frame], bytes: inout [UInt8]) {
        beginElement(inFrame: index, frames: &frames, bytes: &bytes)
        appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    func writeString(_ string: String) {
        Self.appendString(string, to: &bytes)
    }

    private static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Most strings need no escape: one scan, one copy.
            var clean = true
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
                return
            }
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[runStart..<index])
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
                runStart = index + 1
            }
            bytes.append(contentsOf: utf8[runStart..<utf8.count])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        if value == value.rounded(), abs(value) < 1e15 {
            writeRaw(String(Int64(value)))
        } else if !Self.appendShortDecimal(value, to: &bytes) {
            writeRaw("\(value)")
        }
    }

    /// Writes a number with at most four decimals (scores and shares, rounded so) by digits, as
    /// `description` would spell it, without formatting a `Double`; false for any other number.
    private static func appendShortDecimal(_ value: Double, to bytes: inout [UInt8]) -> Bool {
        let magnitude = abs(value)
        let scaled = (magnitude * 10_000).rounded()
        // Only where the four-decimal number is exactly this double, and small enough that no
        // shorter spelling could stand for it; `description` switches to exponents below 1e-4.
        guard magnitude >= 0.0001, magnitude < 1e9, scaled / 10_000 == magnitude else { return false }
        let units = Int64(scaled)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: String(units / 10_000).utf8)
        var fraction = units % 10_000
        var digits = 4
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
        return true
    }

    var frameCount: Int { frames.count }
}

private struct StreamingEncoder: Encoder {
    let writer: JSONByteWriter
    let depth: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.open(.object, atDepth: depth)
        return KeyedEncodingContainer(KeyedContainer<Key>(writer: writer, frame: depth, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.open(.array, atDepth: depth)
        return UnkeyedContainer(writer: writer, frame: depth, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(writer: writer, depth: depth, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONByteWriter
    let frame: Int
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.writeRaw("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.writeRaw(value ? "true" : "false")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        try writer.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

    private func integer(_ value: some BinaryInteger, _ key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.writeRaw(String(value))
    }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        writer.writeKey(key.stringValue, inFrame: frame)
        try writer.encodeValue(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.open(.object, atDepth: frame + 1)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, frame: frame + 1, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.writeKey(key.stringValue, inFrame: frame)
        writer.open(.array, atDepth: frame + 1)
        return UnkeyedContainer(writer: writer, frame: frame + 1, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { StreamingEncoder(writer: writer, depth: frame + 1, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONByteWriter
    let frame: Int
    var codingPath: [any CodingKey]
    var count = 0

    init(writer: JSONByteWriter, frame: Int, codingPath: [any CodingKey]) {
        self.writer = writer
        self.frame = frame
        self.codingPath = codingPath
    }

    private mutating func next() {
        writer.beginElement(inFrame: frame)
        count += 1
    }

    mutating func encodeNil() throws {
        next()
        writer.writeRaw("null")
    }

    mutating func encode(_ value: Bool) throws {
        next()
        writer.writeRaw(value ? "true" : "false")
    }

    mutating func encode(_ value: String) throws {
        next()
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        next()
        try writer.writeDouble(value)
    }

    mutating func encode(_ value: Int) throws {
        next()
        writer.writeRaw(String(value))
    }

    mutating func encode(_ value: some Encodable) throws {
        next()
        try writer.encodeValue(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next()
        writer.open(.object, atDepth: frame + 1)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, frame: frame + 1, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        next()
        writer.open(.array, atDepth: frame + 1)
        return UnkeyedContainer(writer: writer, frame: frame + 1, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { StreamingEncoder(writer: writer, depth: frame + 1, codingPath: codingPath) }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONByteWriter
    let depth: Int
    var codingPath: [any CodingKey]

    func encodeNil() throws { writer.writeRaw("null") }
    func encode(_ value: Bool) throws { writer.writeRaw(value ? "true" : "false") }
    func encode(_ value: String) throws { writer.writeString(value) }
    func encode(_ value: Double) throws { try writer.writeDouble(value) }
    func encode(_ value: Float) throws { try writer.writeDouble(Double(value)) }
    func encode(_ value: Int) throws { writer.writeRaw(String(value)) }
    func encode(_ value: Int8) throws { writer.writeRaw(String(value)) }
    func encode(_ value: Int16) throws { writer.writeRaw(String(value)) }
    func encode(_ value: Int32) throws { writer.writeRaw(String(value)) }
    func encode(_ value: Int64) throws { writer.writeRaw(String(value)) }
    func encode(_ value: UInt) throws { writer.writeRaw(String(value)) }
    func encode(_ value: UInt8) throws { writer.writeRaw(String(value)) }
    func encode(_ value: UInt16) throws { writer.writeRaw(String(value)) }
    func encode(_ value: UInt32) throws { writer.writeRaw(String(value)) }
    func encode(_ value: UInt64) throws { writer.writeRaw(String(value)) }
    func encode(_ value: some Encodable) throws { try writer.encodeValue(value, codingPath: codingPath) }
}
