import CICUBreak

/// Unicode NFC through ICU, since Foundation on Linux offers no fast path for it.
enum ICUNormalization {
    /// Returns `units` in NFC; unchanged (and not copied) when ICU's quick check says it already is.
    static func nfc(_ units: [UInt16]) -> [UInt16] {
        let isNFC = units.withUnsafeBufferPointer { buffer in
            cicu_is_nfc(buffer.baseAddress, Int32(buffer.count))
        }
        if isNFC == 1 { return units }
        var capacity = units.count + 16
        while true {
            var output = [UInt16](repeating: 0, count: capacity)
            let length = units.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    cicu_to_nfc(input.baseAddress, Int32(input.count), out.baseAddress, Int32(out.count))
                }
            }
            if length < 0 { return units }
            if Int(length) <= capacity {
                output.removeLast(capacity - Int(length))
                return output
            }
            capacity = Int(length)
        }
    }
}
