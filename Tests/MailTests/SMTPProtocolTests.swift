import Testing

@testable import Mail

/// Reading replies and framing DATA, without a server.
@Suite("SMTP replies and DATA framing")
struct SMTPProtocolTests {
    @Test("reads a multi-line reply as one, with every line's text")
    func multiLineReply() throws {
        var parser = SMTPReplyParser()
        let replies = try parser.feed(
            Array("250-smtp.example Hello\r\n250-SIZE 35882577\r\n250-AUTH LOGIN PLAIN\r\n250 HELP\r\n".utf8))
        #expect(
            replies == [
                SMTPReply(code: 250, lines: ["smtp.example Hello", "SIZE 35882577", "AUTH LOGIN PLAIN", "HELP"])
            ])
        #expect(!parser.hasBufferedData)
    }

    @Test("puts together a reply that arrives in pieces, split anywhere, and accepts bare LF and a bare code")
    func pieces() throws {
        let text = Array("220-mail.example ESMTP\r\n220 ready\n354\r\n".utf8)
        for cut in 0...text.count {
            var parser = SMTPReplyParser()
            let replies = try parser.feed(text[..<cut]) + parser.feed(text[cut...])
            #expect(
                replies == [
                    SMTPReply(code: 220, lines: ["mail.example ESMTP", "ready"]), SMTPReply(code: 354, lines: [""]),
                ])
        }
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-first\r\n250-sec".utf8)).isEmpty)
        #expect(parser.hasBufferedData)
    }

    @Test(
        "refuses malformed replies",
        arguments: [
            "hello\r\n", "25\r\n", "250_text\r\n", "650 no such class\r\n", "250-one\r\n251 two\r\n",
            String(repeating: "x", count: 5000),
        ])
    func malformed(text: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Failure.self) { try parser.feed(Array(text.utf8)) }
    }

    @Test("reads the extensions of an EHLO reply, in either AUTH form")
    func extensions() {
        let modern = SMTPExtensions(
            ehloReply: SMTPReply(code: 250, lines: ["mail.example", "STARTTLS", "auth PLAIN LOGIN", "SIZE 1000"]))
        #expect(modern.contains("STARTTLS"))
        #expect(modern.parameters("AUTH") == ["PLAIN", "LOGIN"])
        #expect(!modern.contains("mail.example"), "the first line is the server's name, not an extension")
        let old = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["mail.example", "AUTH=LOGIN"]))
        #expect(old.parameters("AUTH") == ["LOGIN"])
        #expect(!old.contains("STARTTLS"))
    }

    @Test("doubles a dot at the start of a line and ends DATA with CRLF . CRLF")
    func dotStuffing() {
        #expect(
            String(decoding: SMTPData.framed("a\r\n.b\r\n..c\r\nd.e\r\n"), as: UTF8.self)
                == "a\r\n..b\r\n...c\r\nd.e\r\n.\r\n")
        #expect(String(decoding: SMTPData.framed(".\r\n"), as: UTF8.self) == "..\r\n.\r\n")
        #expect(String(decoding: SMTPData.framed("no final break"), as: UTF8.self) == "no final break\r\n.\r\n")
    }

    @Test("calls 4xx replies, broken connections and timeouts transient; 5xx and TLS failures permanent")
    func transience() {
        #expect(
            SMTPError(kind: .rejected, step: .mailFrom, reply: SMTPReply(code: 451, lines: []), detail: "").isTransient)
        #expect(
            !SMTPError(kind: .rejected, step: .mailFrom, reply: SMTPReply(code: 550, lines: []), detail: "").isTransient
        )
        #expect(SMTPError(kind: .connectionFailed, step: .connect, detail: "").isTransient)
        #expect(SMTPError(kind: .timeout, step: .greeting, detail: "").isTransient)
        #expect(!SMTPError(kind: .tlsFailed, step: .startTLS, detail: "").isTransient)
        #expect(!SMTPError(kind: .invalidMessage, step: .prepare, detail: "").isTransient)
    }
}
