/// A server's reply: a three-digit code and the text of each line (RFC 5321 4.2).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// The text after the code on each line, without the separator; one element for a one-line reply.
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx: done.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: go on (354 after DATA, 334 during AUTH).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: not now; the same command may succeed later.
    public var isTransientNegative: Bool { (400..<500).contains(code) }
    /// 5xx: no; the same command will fail again.
    public var isPermanentNegative: Bool { (500..<600).contains(code) }

    public var description: String { "\(code) " + lines.joined(separator: " / ") }
}

/// Reads replies out of the bytes a server sends, one line at a time.
///
/// A multi-line reply is `250-first`, `250-second`, …, `250 last`: every line carries the same code,
/// a hyphen after the code means more lines follow, and a space (or nothing) ends the reply. Lines end
/// in CRLF; a bare LF is accepted, as most clients do.
struct SMTPReplyParser {
    /// RFC 5321 4.5.3.1.5 allows 512 octets a reply line; this is lenient but bounded.
    static let maximumLineLength = 4096
    static let maximumLines = 256

    enum Failure: Error, Equatable {
        case lineTooLong
        case tooManyLines
        case malformedLine(String)
        case codeChanged(expected: Int, found: Int)
    }

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    /// Whether bytes of an unfinished line or reply are waiting.
    var hasBufferedData: Bool { !pending.isEmpty || code != nil }

    /// Adds received bytes and returns the replies they complete, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [SMTPReply] {
        pending.append(contentsOf: bytes)
        var replies: [SMTPReply] = []
        var lineStart = 0
        while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            var lineEnd = newline
            if lineEnd > lineStart && pending[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = pending[lineStart..<lineEnd]
            lineStart = newline + 1
            guard line.count <= Self.maximumLineLength else { throw .lineTooLong }
            if let reply = try take(line) { replies.append(reply) }
        }
        pending.removeFirst(lineStart)
        guard pending.count <= Self.maximumLineLength else { throw .lineTooLong }
        return replies
    }

    private mutating func take(_ line: ArraySlice<UInt8>) throws(Failure) -> SMTPReply? {
        let bytes = Array(line)
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0])
        else { throw .malformedLine(String(text.prefix(80))) }
        let lineCode = bytes[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if let code, code != lineCode { throw .codeChanged(expected: code, found: lineCode) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformedLine(String(text.prefix(80)))
        }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maximumLines else { throw .tooManyLines }
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            code = nil
            lines = []
        }
        return SMTPReply(code: lineCode, lines: lines)
    }
}
