import Foundation

extension MailMessage {
    /// The message as RFC 5322 text: headers, a blank line and the body, every line ending in CRLF.
    ///
    /// All of it is 7-bit ASCII, so it needs neither 8BITMIME nor SMTPUTF8 from the server: a subject or
    /// display name that is not plain ASCII is written as RFC 2047 encoded-words (`=?UTF-8?B?…?=`, each
    /// holding whole characters), and the body as `text/plain; charset=utf-8` in base64, 76 characters a
    /// line. Header lines are folded to at most 78 characters. The Date is written in Thailand's time
    /// (+0700, which has no daylight saving). Dot-stuffing is not done here but by the SMTP client, which
    /// owns the DATA framing.
    ///
    /// - Throws: `MailMessageError` when a header value holds a line break or control character, or an
    ///   address or the Message-ID is malformed.
    public func rendered() throws(MailMessageError) -> String {
        try validate()
        var headers: [String] = []
        headers.append("Date: " + Self.rfc5322Date(date, utcOffsetSeconds: 7 * 3600))
        headers.append(HeaderFolding.fold(name: "From", tokens: HeaderFolding.mailboxTokens(from)))
        headers.append(HeaderFolding.fold(name: "To", tokens: HeaderFolding.mailboxListTokens(to)))
        if let replyTo {
            headers.append(HeaderFolding.fold(name: "Reply-To", tokens: HeaderFolding.mailboxTokens(replyTo)))
        }
        headers.append(HeaderFolding.fold(name: "Subject", tokens: HeaderFolding.unstructuredTokens(subject)))
        headers.append("Message-ID: <\(messageID)>")
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: base64")

        var text = headers.joined(separator: "\r\n") + "\r\n\r\n"
        for line in Self.base64Lines(Self.canonicalLineBreaks(body)) {
            text += line + "\r\n"
        }
        return text
    }

    /// Text with every line break (CRLF, lone CR, lone LF) made CRLF: the canonical form of a text
    /// body that RFC 2045 asks for before base64.
    static func canonicalLineBreaks(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        // "\r\n" is a single Character in Swift, so this sees CRLF, CR and LF each as one.
        for character in text {
            if character == "\r\n" || character == "\r" || character == "\n" {
                result += "\r\n"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The UTF-8 bytes of `text` in base64, in lines of at most 76 characters (RFC 2045 6.8).
    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }

    /// RFC 5322 date-time, `Sat, 06 Dec 2025 08:51:00 +0700`, at a fixed offset from UTC.
    ///
    /// Computed from the day number rather than with `DateFormatter` or `Calendar`, whose results depend
    /// on the locale and calendar of the machine (a Thai locale counts Buddhist years).
    static func rfc5322Date(_ date: Date, utcOffsetSeconds: Int) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let weekday = weekdays[((days % 7) + 7) % 7]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let offsetMinutes = abs(utcOffsetSeconds) / 60
        return "\(weekday), \(twoDigits(day)) \(months[month - 1]) \(year) "
            + "\(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay % 3600 / 60)):\(twoDigits(secondOfDay % 60)) "
            + "\(sign)\(twoDigits(offsetMinutes / 60))\(twoDigits(offsetMinutes % 60))"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// Gregorian year, month and day of a day number counted from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Header values as tokens, and tokens folded into header lines of at most 78 characters.
enum HeaderFolding {
    /// RFC 5322 2.1.1: lines SHOULD be no more than 78 characters, excluding CRLF.
    static let lineLimit = 78

    /// `Name: token token…`, broken before a token (CRLF and a space) wherever the line would pass 78
    /// characters. A token is never split, and encoded-words are short enough that no line passes 78.
    static func fold(name: String, tokens: [String]) -> String {
        var lines: [String] = []
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken && line.utf8.count + 1 + token.utf8.count > lineLimit {
                lines.append(line)
                line = ""
            }
            line += " " + token
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// Tokens of an unstructured value (Subject): its words when it is plain printable ASCII that cannot
    /// be mistaken for an encoded-word, else encoded-words.
    static func unstructuredTokens(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let plain =
            text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
            && words.allSatisfy { !$0.isEmpty && $0.utf8.count <= lineLimit - 10 }
        if plain { return words.map(String.init) }
        return EncodedWord.encode(text)
    }

    /// `name <address>` as tokens: the name as atoms, a quoted string or encoded-words, whichever it
    /// needs.
    static func mailboxTokens(_ mailbox: MailAddress) -> [String] {
        let angle = "<\(mailbox.address)>"
        guard let name = mailbox.displayName, !name.isEmpty else { return [angle] }
        return phraseTokens(name) + [angle]
    }

    /// A comma-separated list of mailboxes.
    static func mailboxListTokens(_ mailboxes: [MailAddress]) -> [String] {
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxTokens = mailboxTokens(mailbox)
            if index < mailboxes.count - 1 { mailboxTokens[mailboxTokens.count - 1] += "," }
            tokens += mailboxTokens
        }
        return tokens
    }

    /// A display name as an RFC 5322 phrase.
    static func phraseTokens(_ name: String) -> [String] {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(MailAddress.isAtext) }) && !name.contains("=?") {
            return words.map(String.init)
        }
        if name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) && !name.contains("=?") && name.utf8.count <= 60 {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return EncodedWord.encode(name)
    }
}

/// RFC 2047 encoded-words in the B (base64) encoding.
enum EncodedWord {
    /// UTF-8 bytes per encoded-word: 39 bytes are 52 base64 characters, so a word is 64 characters and
    /// `Subject: ` plus one word is 73, within 78 (RFC 2047 allows 75 per word).
    static let maximumBytes = 39

    /// `text` as `=?UTF-8?B?…?=` words, each holding whole characters: a grapheme cluster (a Thai consonant
    /// with its vowel and tone marks) stays in one word when it fits, and a UTF-8 sequence is never split.
    /// Decoders join adjacent encoded-words and drop the folding white space between them.
    static func encode(_ text: String, maximumBytes: Int = maximumBytes) -> [String] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        func add(_ bytes: [UInt8]) {
            if !current.isEmpty && current.count + bytes.count > maximumBytes {
                chunks.append(current)
                current = []
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= maximumBytes {
                add(bytes)
            } else {
                // A cluster too long for one word (many combining marks): split between its scalars.
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !current.isEmpty || chunks.isEmpty { chunks.append(current) }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }
    }
}
