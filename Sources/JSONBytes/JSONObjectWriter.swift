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
