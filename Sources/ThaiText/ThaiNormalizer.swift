import CICUBreak

/// Normalises citizens' Thai text before anything else reads it.
///
/// The steps, in order: Unicode NFC; Thai digits ๐–๙ to 0–9; zero-width characters
/// removed; the decomposed sara am (ํ + า, also with a tone mark typed in between) joined
/// into ำ; runs of three or more identical letters (มากกกก, ครับบบ) folded to one; ไม้ยมก ๆ
/// attached to the word it repeats, with repeats of it folded; Latin letters lower-cased;
/// whitespace runs collapsed to one space and trimmed. Digits are never folded (prices,
/// house numbers and "555" stay as typed).
public enum ThaiNormalizer {
    /// Returns the normalised form of `text`.
    public static func normalize(_ text: String) -> String {
        String(decoding: normalizedUTF16(text), as: UTF16.self)
    }

    /// The normalised text as UTF-16 code units, the form the segmenter reads.
    public static func normalizedUTF16(_ text: String) -> [UInt16] {
        normalize(units: ICUNormalization.nfc(utf16(text)))
    }

    /// The UTF-16 code units of `text`, converted by ICU from the string's UTF-8 in one pass
    /// (much faster than walking `String.utf16` for long Thai texts).
    static func utf16(_ text: String) -> [UInt16] {
        var text = text
        return text.withUTF8 { utf8 -> [UInt16] in
            guard let base = utf8.baseAddress, !utf8.isEmpty else { return [] }
            // UTF-16 never needs more units than UTF-8 has bytes.
            return [UInt16](unsafeUninitializedCapacity: utf8.count) { buffer, count in
                let written = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    cicu_utf8_to_utf16($0, Int32(utf8.count), buffer.baseAddress, Int32(buffer.count))
                }
                count = max(0, min(Int(written), buffer.count))
            }
        }
    }

    /// The normalisation of arbitrary UTF-16 (lone surrogates included), after NFC.
    static func normalize(units input: [UInt16]) -> [UInt16] {
        var output = [UInt16]()
        output.reserveCapacity(input.count)
        var index = 0
        let count = input.count
        var pendingSpace = false

        func emit(_ unit: UInt16) {
            if pendingSpace {
                pendingSpace = false
                if !output.isEmpty { output.append(ThaiCharacters.space) }
            }
            output.append(unit)
        }

        while index < count {
            var unit = input[index]
            index += 1

            if ThaiCharacters.isInvisible(unit) { continue }
            if ThaiCharacters.isWhitespace(unit) {
                pendingSpace = true
                continue
            }
            if ThaiCharacters.isFoldableLetter(unit) {
                // A run of three or more identical letters is emphasis, not spelling: keep one.
                var runEnd = index
                while runEnd < count, input[runEnd] == unit { runEnd += 1 }
                if runEnd - index >= 2 { index = runEnd }
            }
            if (ThaiCharacters.thaiDigitZero...ThaiCharacters.thaiDigitNine).contains(unit) {
                unit = unit - ThaiCharacters.thaiDigitZero + 0x30
            } else if ThaiCharacters.isASCIIUpper(unit) {
                unit += 0x20
            } else if unit == ThaiCharacters.nikhahit {
                // ํ + า → ำ, and ํ + tone + า → tone + ำ (the order in which ำ is stored).
                if index < count, input[index] == ThaiCharacters.saraAa {
                    index += 1
                    unit = ThaiCharacters.saraAm
                } else if index + 1 < count, ThaiCharacters.isToneMark(input[index]),
                    input[index + 1] == ThaiCharacters.saraAa
                {
                    emit(input[index])
                    index += 2
                    unit = ThaiCharacters.saraAm
                }
            } else if unit == ThaiCharacters.maiYamok {
                // "ดี ๆ" → "ดีๆ"; "ๆๆๆ" → "ๆ"; and a space after it so the next word stands alone.
                pendingSpace = false
                if output.last != ThaiCharacters.maiYamok { output.append(unit) }
                pendingSpace = true
                continue
            }

            emit(unit)
        }
        return output
    }
}
