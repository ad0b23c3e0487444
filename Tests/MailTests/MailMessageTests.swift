import Foundation
import Testing

@testable import Mail

/// Writing a message out (RFC 5322, MIME, RFC 2047), without a server.
@Suite("Mail message rendering")
struct MailMessageTests {
    static let sender = MailAddress("noreply@siang.example", displayName: "ระบบรับเรื่องร้องเรียน เสียง")
    static let citizen = MailAddress("somsri@example.com", displayName: "สมศรี ใจดี")

    static func message(subject: String = "เรื่อง SG-2026-7K3QX9 ได้รับการแก้ไขแล้ว", body: String = "เรียน คุณสมศรี\nขอบคุณ")
        -> MailMessage
    {
        MailMessage(
            from: sender, to: [citizen], subject: subject, body: body, messageID: "case-42.attempt@siang.example",
            date: Date(timeIntervalSince1970: 1_768_446_245))  // 2026-01-15 03:04:05 UTC
    }

    /// The header section and the body of rendered text.
    static func split(_ text: String) -> (headers: [String], body: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The header's value with folding undone.
    static func header(_ name: String, in text: String) -> String? {
        let unfolded = split(text).headers.joined(separator: "\r\n").replacingOccurrences(of: "\r\n ", with: " ")
        return unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }
            .map { String($0.dropFirst(name.count + 2)) }
    }

    /// Decodes a sequence of `=?UTF-8?B?…?=` words the way RFC 2047 readers do: the bytes of adjacent
    /// words are joined, whitespace between them dropped. Also checks that each word alone is whole UTF-8.
    static func decodeEncodedWords(_ value: String) throws -> String {
        var bytes: [UInt8] = []
        for word in value.split(separator: " ") {
            let payload = try #require(
                word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") ? word.dropFirst(10).dropLast(2) : nil,
                "not an encoded-word: \(word)")
            #expect(word.count <= 75, "encoded-word longer than 75 characters")
            let decoded = try #require(Data(base64Encoded: String(payload)))
            #expect(String(validating: decoded, as: UTF8.self) != nil, "an encoded-word splits a UTF-8 sequence")
            bytes += decoded
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("has the headers a MIME text message needs, with the date in Thailand's time")
    func headers() throws {
        let text = try Self.message().rendered()
        #expect(Self.header("Date", in: text) == "Thu, 15 Jan 2026 10:04:05 +0700")
        #expect(Self.header("Message-ID", in: text) == "<case-42.attempt@siang.example>")
        #expect(Self.header("MIME-Version", in: text) == "1.0")
        #expect(Self.header("Content-Type", in: text) == "text/plain; charset=utf-8")
        #expect(Self.header("Content-Transfer-Encoding", in: text) == "base64")
        #expect(Self.header("Reply-To", in: text) == nil)
        #expect(Self.header("To", in: text)?.hasSuffix(" <somsri@example.com>") == true)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a bare LF")
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "the message is 7-bit")
    }

    @Test("writes a Thai subject as encoded-words that decode to it")
    func thaiSubject() throws {
        let subject = "เรื่อง SG-2026-7K3QX9 ได้รับการแก้ไขแล้ว"
        let value = try #require(Self.header("Subject", in: try Self.message(subject: subject).rendered()))
        #expect(try Self.decodeEncodedWords(value) == subject)
    }

    @Test(
        "folds a long subject into lines of at most 78 characters without splitting characters",
        arguments: [
            String(repeating: "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่ รถมอไซค์ล้มไปสองคันแล้ว ", count: 6),
            String(repeating: "น้ำ", count: 100),
            String(repeating: "a", count: 300),
            "ก" + String(repeating: "\u{0E48}", count: 30) + " emoji 👩‍👩‍👧‍👦 and combining marks",
        ])
    func longSubject(subject: String) throws {
        let text = try Self.message(subject: subject).rendered()
        for line in Self.split(text).headers {
            #expect(line.utf8.count <= 78, "header line of \(line.utf8.count) characters: \(line)")
        }
        let value = try #require(Self.header("Subject", in: text))
        #expect(try Self.decodeEncodedWords(value) == subject)
    }

    @Test("keeps a short plain ASCII subject as it is, and encodes one that looks like an encoded-word")
    func asciiSubject() throws {
        #expect(
            Self.header("Subject", in: try Self.message(subject: "Case SG-2026-7K3QX9 resolved").rendered())
                == "Case SG-2026-7K3QX9 resolved")
        let tricky = "=?UTF-8?B?4Lij?= is not Thai"
        let value = try #require(Self.header("Subject", in: try Self.message(subject: tricky).rendered()))
        #expect(value.hasPrefix("=?UTF-8?B?"))
        #expect(try Self.decodeEncodedWords(value) == tricky)
    }

    @Test("writes Thai display names as encoded-words and plain ones as they are")
    func displayNames() throws {
        var message = Self.message()
        message.to = [Self.citizen, MailAddress("officer@bangna.example", displayName: "Bang Na Office")]
        message.replyTo = MailAddress("help@siang.example", displayName: "Siang \"help\" desk")
        let text = try message.rendered()
        let from = try #require(Self.header("From", in: text))
        #expect(from.hasSuffix(" <noreply@siang.example>"))
        #expect(
            try Self.decodeEncodedWords(String(from.dropLast(" <noreply@siang.example>".count)))
                == Self.sender.displayName)
        let to = try #require(Self.header("To", in: text))
        #expect(to.hasSuffix("<somsri@example.com>, Bang Na Office <officer@bangna.example>"))
        #expect(Self.header("Reply-To", in: text) == "\"Siang \\\"help\\\" desk\" <help@siang.example>")
    }

    @Test("encodes the body as UTF-8 base64 in lines of 76 characters, with CRLF line breaks")
    func body() throws {
        let body = "เรียน คุณสมศรี\nเรื่องของท่าน\r\nได้รับการแก้ไขแล้ว\r.เริ่มด้วยจุด\n" + String(repeating: "ขอบคุณ ", count: 40)
        let encoded = Self.split(try Self.message(body: body).rendered()).body
        let lines = encoded.components(separatedBy: "\r\n").dropLast()
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.allSatisfy { $0.count <= 76 && !$0.isEmpty })
        let decoded = try #require(Data(base64Encoded: lines.joined()))
        let expected =
            "เรียน คุณสมศรี\r\nเรื่องของท่าน\r\nได้รับการแก้ไขแล้ว\r\n.เริ่มด้วยจุด\r\n"
            + String(repeating: "ขอบคุณ ", count: 40)
        #expect(String(decoding: decoded, as: UTF8.self) == expected)
    }

    /// The test message with `value` put into `field`.
    static func message(with value: String, in field: String) -> MailMessage {
        var message = message()
        switch field {
        case "Subject": message.subject = value
        case "From": message.from.displayName = value
        case "To": message.to[0] = MailAddress(value)
        case "Reply-To": message.replyTo = MailAddress("help@siang.example", displayName: value)
        default: message.messageID = value
        }
        return message
    }

    @Test(
        "refuses a line break in a header value, whichever header it is in",
        arguments: [
            ("Subject", "ok\r\nBcc: victim@example.com"),
            ("Subject", "ok\nBcc: victim@example.com"),
            ("Subject", "ok\rBcc: victim@example.com"),
            ("Subject", "ok\u{2028}next"),
            ("From", "Siang\r\nBcc: victim@example.com"),
            ("To", "somsri@example.com\r\nBcc: victim@example.com"),
            ("Reply-To", "x\ny"),
            ("Message-ID", "id@siang.example>\r\nBcc: victim@example.com"),
        ])
    func headerInjection(field: String, value: String) {
        let error = #expect(throws: MailMessageError.self) { try Self.message(with: value, in: field).rendered() }
        #expect(error?.kind == .lineBreakInHeader)
        #expect(error?.field == field)
    }

    @Test("refuses control characters, malformed addresses and Message-IDs, and a message without recipients")
    func otherRefusals() {
        func kind(_ change: (inout MailMessage) -> Void) -> MailMessageError.Kind? {
            var message = Self.message()
            change(&message)
            do {
                _ = try message.rendered()
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(kind { $0.subject = "null\u{0}byte" } == .controlCharacterInHeader)
        #expect(kind { $0.subject = "tab\tis fine" } == nil)
        #expect(kind { $0.to = [] } == .noRecipients)
        #expect(kind { $0.to = [MailAddress("no-at-sign")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("a b@example.com")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("a@b@example.com")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("a..b@example.com")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("<a@example.com>")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("สมศรี@example.com")] } == .invalidAddress)
        #expect(kind { $0.to = [MailAddress("a@-example.com")] } == .invalidAddress)
        #expect(kind { $0.from = MailAddress("a@xn--12c1fe0br.xn--o3cw4h") } == nil)
        #expect(kind { $0.messageID = "no-at-sign" } == .invalidMessageID)
        #expect(kind { $0.messageID = "<a@b>" } == .invalidMessageID)
    }

    @Test("makes a Message-ID at the sender's domain when none is given")
    func generatedMessageID() throws {
        let message = MailMessage(from: Self.sender, to: [Self.citizen], subject: "s", body: "b")
        #expect(message.messageID.hasSuffix("@siang.example"))
        #expect(
            MailMessage(from: Self.sender, to: [Self.citizen], subject: "s", body: "b").messageID != message.messageID)
        _ = try message.rendered()
    }

    @Test(
        "writes RFC 5322 dates for any day, leap days and years before 1970 included",
        arguments: [
            (0.0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (951_782_400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (1_767_225_599, 7 * 3600, "Thu, 01 Jan 2026 06:59:59 +0700"),
            (-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000"),
            (4_107_542_400, -5 * 3600 - 1800, "Sun, 28 Feb 2100 18:30:00 -0530"),
        ])
    func dates(seconds: Double, offset: Int, expected: String) {
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset) == expected)
    }
}
