/// Writes one JSON object field by field, escaping as `StreamingJSONEncoder` does.
///
/// For a hot path with a fixed shape: a webhook event written at every filing cost more in
/// `Encodable`'s generic calls than in the writing itself.
public final class JSONObjectWriter {
    private let writer = JSONByteWriter()

    public init() {
        writer.open(.object, atDepth: 0)
    }

    /// A string field; nothing when `value` is nil (as an encoder omits nil optionals).
    public func string(_ key: String, _ value: String?) {
        guard let value else { return }
        precondition(writer.frameCount > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: writer.frameCount - 1)
        writer.writeString(value)
    }

    public func bool(_ key: String, _ value: Bool) {
        precondition(writer.frameCount > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: writer.frameCount - 1)
        writer.writeRaw(value ? "true" : "false")
    }

    /// A number, written as `StreamingJSONEncoder` writes a `Double` (a whole number without a
    /// fraction); `null` for infinity or NaN, which JSON cannot hold.
    public func number(_ key: String, _ value: Double) {
        precondition(writer.frameCount > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: writer.frameCount - 1)
        if (try? writer.writeDouble(value)) == nil { writer.writeRaw("null") }
    }

    /// An explicit `null`.
    public func null(_ key: String) {
        precondition(writer.frameCount > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: writer.frameCount - 1)
        writer.writeRaw("null")
    }

    /// A value already encoded as JSON, written as it is.
    public func raw(_ key: String, json: [UInt8]) {
        precondition(writer.frameCount > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: writer.frameCount - 1)
        writer.bytes.append(contentsOf: json)
    }

    /// An array of strings.
    public func strings(_ key: String, _ values: [String]) {
        let depth = writer.frameCount
        precondition(depth > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: depth - 1)
        writer.open(.array, atDepth: depth)
        for value in values {
            writer.beginElement(inFrame: depth)
            writer.writeString(value)
        }
        writer.close(toDepth: depth)
    }

    /// An array of objects, one per item, each item's fields written by `fields`.
    public func objects<Item>(_ key: String, _ items: [Item], _ fields: (JSONObjectWriter, Item) -> Void) {
        let depth = writer.frameCount
        precondition(depth > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: depth - 1)
        writer.open(.array, atDepth: depth)
        for item in items {
            writer.beginElement(inFrame: depth)
            writer.open(.object, atDepth: depth + 1)
            fields(self, item)
            writer.close(toDepth: depth + 1)
        }
        writer.close(toDepth: depth)
    }

    /// A nested object, its fields written by `fields`.
    public func object(_ key: String, _ fields: (JSONObjectWriter) -> Void) {
        let depth = writer.frameCount
        precondition(depth > 0, "a field written after the object's bytes were taken")
        writer.writeKey(key, inFrame: depth - 1)
        writer.open(.object, atDepth: depth)
        fields(self)
        writer.close(toDepth: depth)
    }

    /// The object, closed: nothing may be written after.
    public var bytes: [UInt8] {
        writer.close(toDepth: 0)
        return writer.bytes
    }
}
