import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// One piece of made-up personal data planted in a case, and how a leak of it would show.
struct PlantedValue: Sendable {
    /// As typed into the complaint, with the words around it ("โทร 0-2188-1428").
    var phrase: String
    /// Strings that must not appear in any public output: the value as written, or for an ID or an e-mail the
    /// part that identifies the person (matched as a whole word, so "jo" doesn't match "json").
    var words: [String]
    /// The digits that must not appear once separators are stripped and Thai digits read as ASCII; the subscriber
    /// part of a phone (a number found without its "+66" or trunk 0 is still a leak) or a whole national ID.
    var digits: String?
}

/// Made-up personal data in the spellings the detector has to catch: phones in every grouping (ASCII and Thai
/// digits, +66 and 66), LINE IDs short and long, spelt-out and plain e-mail addresses, national IDs.
///
/// Every value is unique and built from its index, so a leak names the value, and no subscriber number starts
/// like a date ("2026…"), which would let a date in the output look like a leaked phone.
enum PlantedData {
    static func value(_ index: Int) -> PlantedValue {
        let variant = index / 9
        let seven = String(format: "4%06d", (index * 7_919) % 1_000_000)  // "4xxxxxx": never a date
        switch index % 9 {
        case 0:  // mobiles in every grouping
            let mobile = "0\(["8", "9", "6"][variant % 3])\(seven)\(index % 10)"
            let groupings = [[3, 3, 4], [10], [2, 4, 4], [4, 3, 3], [3, 3, 2, 2], [1, 4, 5], [3, 7], [4, 6]]
            let separators = ["-", " ", ".", "–"]
            let written = grouped(
                mobile, groupings[variant % groupings.count], separators[variant % separators.count])
            return phone("มือถือ \(written) ค่ะ", written, mobile)
        case 1:  // mobiles with the country code
            let national = "8\(variant % 10)\(seven)"
            let forms = [
                "+66 \(national.prefix(2)) \(national.dropFirst(2).prefix(3)) \(national.suffix(4))",
                "+66-\(national.prefix(2))-\(national.dropFirst(2).prefix(3))-\(national.suffix(4))",
                "+66\(national)", "66\(national)",
                "66 \(national.prefix(2)) \(national.dropFirst(2).prefix(3)) \(national.suffix(4))",
                "+66 (0) \(national.prefix(2)) \(national.dropFirst(2).prefix(3)) \(national.suffix(4))",
            ]
            let written = forms[variant % forms.count]
            return phone("โทร \(written)", written, "0" + national)
        case 2:  // Bangkok landlines, the older way first
            let number = "02\(seven)"
            let forms = [
                grouped(number, [1, 4, 4], "-"), grouped(number, [1, 4, 4], " "), grouped(number, [2, 3, 4], "-"),
                grouped(number, [2, 7], " "), "(02) \(number.dropFirst(2).prefix(3))-\(number.suffix(4))",
                "+66 2 \(number.dropFirst(2).prefix(3)) \(number.suffix(4))", grouped(number, [1, 4, 4], "."),
                "66-\(grouped(String(number.dropFirst()), [4, 4], "-"))",
            ]
            let written = forms[variant % forms.count]
            return phone("สำนักงาน \(written) ต่อ 12", written, number)
        case 3:  // provincial landlines
            let number = "0\(["53", "74", "38", "44"][variant % 4])\(seven.suffix(6))"
            let forms = [
                grouped(number, [1, 4, 4], "-"), grouped(number, [3, 3, 3], "-"), grouped(number, [1, 4, 4], " "),
                grouped(number, [3, 6], " "), "+66 \(grouped(String(number.dropFirst()), [2, 3, 3], " "))",
            ]
            let written = forms[variant % forms.count]
            return phone("โทร.\(written)", written, number)
        case 4:  // Thai digits, landlines and mobiles
            let numbers = ["02\(seven)", "053\(seven.suffix(6))", "08\(variant % 10)\(seven)"]
            let number = numbers[variant % 3]
            let groupings = [[1, 4, 4], [1, 4, 4], [3, 3, 4]]
            let separators = [" ", "-", "-", " "]
            let written = thaiDigits(grouped(number, groupings[variant % 3], separators[variant % 4]))
            return phone("โทร \(written)", written, number)
        case 5:  // LINE IDs after every cue, two to twelve characters long
            let letters = Array("bcdfghjkmnpqrstvwxz")
            let short = "\(letters[variant % 19])\(letters[(variant / 19 + 7) % 19])"
            let ids = [short, "\(short)\(variant % 10)", "\(short)q\(variant)", "p\(short)\(variant)shop"]
            let id = ids[variant % ids.count]
            let cues = [
                "ไลน์ ", "Line: ", "line id: @", "ไอดีไลน์ ", "id line: ", "LINE ID = ", "ไลน์ไอดี ", "ไลน์คือ ",
            ]
            return PlantedValue(phrase: "แอดมาที่ \(cues[variant % cues.count])\(id) นะคะ", words: [id])
        case 6:  // e-mail addresses spelt out
            let local = "kanya\(index)x"
            let forms = [
                "\(local) at gmail dot com", "\(local) [at] gmail [dot] com", "\(local)(at)hotmail(dot)co(dot)th",
                "\(local) แอท gmail ดอท คอม", "\(local) AT yahoo DOT com", "\(local){at}outlook{dot}com",
                "\(local) @ gmail.com", "\(local) at gmail.com", "\(local)แอทgmailดอทคอม",
            ]
            return PlantedValue(phrase: "อีเมล \(forms[variant % forms.count]) ค่ะ", words: [local])
        case 7:  // national IDs, valid check digit
            let id = nationalID(index)
            let forms = [
                id, grouped(id, [1, 4, 5, 2, 1], "-"), grouped(id, [1, 4, 5, 2, 1], " "),
                thaiDigits(grouped(id, [1, 4, 5, 2, 1], "-")), grouped(id, [1, 4, 5, 3], "-"),
            ]
            let written = forms[variant % forms.count]
            return PlantedValue(phrase: "เลขบัตรประชาชน \(written)", words: [written], digits: id)
        default:  // plain e-mail addresses
            let local = "somsak.\(index)y"
            let address = "\(local)@\(["example.com", "mail.example.co.th", "gmail.com"][variant % 3])"
            return PlantedValue(phrase: "ส่งมาที่\(address)ได้เลย", words: [address, local])
        }
    }

    static func phone(_ phrase: String, _ written: String, _ number: String) -> PlantedValue {
        PlantedValue(phrase: phrase, words: [written], digits: String(number.suffix(8)))
    }

    static func grouped(_ digits: String, _ lengths: [Int], _ separator: String) -> String {
        var runs: [String] = []
        var rest = Substring(digits)
        for length in lengths {
            runs.append(String(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return runs.joined(separator: separator)
    }

    static func thaiDigits(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { ("0"..."9").contains($0) ? Unicode.Scalar($0.value + 0x0E20)! : $0 }
        return String(String.UnicodeScalarView(scalars))
    }

    /// A national ID from `seed` with the check digit the rule gives it.
    static func nationalID(_ seed: Int) -> String {
        var digits = String(110_300_000_000 + seed * 7_654_321).compactMap(\.wholeNumberValue)
        digits[0] = 1 + seed % 8
        let sum = digits.prefix(12).enumerated().reduce(0) { $0 + $1.element * (13 - $1.offset) }
        digits.append((11 - sum % 11) % 10)
        return digits.map(String.init).joined()
    }
}

/// Finds planted values in the text of an output.
struct LeakFinder {
    /// What a separator-free reading drops: spaces, dashes, dots, brackets and "+".
    static func digitsOnly(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0E50...0x0E59: result.append(Unicode.Scalar(scalar.value - 0x0E20)!)
            case 0xFF10...0xFF19: result.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x20, 0x09, 0x0A, 0xA0, 0x2000...0x200B, 0x2D, 0x2010...0x2014, 0x2E, 0x28, 0x29, 0x2B: continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `word` stands in `text` as a word of its own: nothing that continues a Latin word, a URL or a
    /// token glued to either side ("jo" is not in "json", "/jo/" or "x-jo"; it is in "Line: jo นะ").
    ///
    /// Searches the UTF-8 bytes with `memchr` and `memcmp`, as the open-data files are long and 250 Foundation
    /// searches of them took seconds; every glue character is ASCII, so one byte either side is enough to look at.
    static func containsWord(_ text: String, _ word: String, alone: Bool = true) -> Bool {
        func isGlue(_ byte: UInt8) -> Bool {
            let scalar = Unicode.Scalar(byte)
            return scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar)
                || "_-/+=%#&;".unicodeScalars.contains(scalar)
        }
        let needle = Array(word.utf8)
        guard let first = needle.first else { return false }
        return Array(text.utf8).withUnsafeBytes { haystack in
            guard let base = haystack.baseAddress else { return false }
            var offset = 0
            while offset + needle.count <= haystack.count,
                let found = memchr(base + offset, Int32(first), haystack.count - offset - needle.count + 1)
            {
                let start = base.distance(to: UnsafeRawPointer(found))
                let end = start + needle.count
                let apart =
                    (start == 0 || !isGlue(haystack[start - 1])) && (end == haystack.count || !isGlue(haystack[end]))
                if memcmp(found, needle, needle.count) == 0, apart || !alone {
                    return true
                }
                offset = start + 1
            }
            return false
        }
    }

    /// The values of `planted` that show in `text`, each described.
    static func leaks(of planted: [PlantedValue], in text: String) -> [String] {
        let digits = digitsOnly(text)
        return planted.compactMap { value in
            if let word = value.words.first(where: { containsWord(text, $0) }) {
                return "\(word) in \"\(value.phrase)\""
            }
            if let number = value.digits, containsWord(digits, number, alone: false) {
                return "digits \(number) of \"\(value.phrase)\""
            }
            return nil
        }
    }

    /// Every string in a decoded JSON value, so escapes such as "\u0e50" can't hide a Thai digit.
    static func strings(in json: Any) -> [String] {
        switch json {
        case let string as String: [string]
        case let array as [Any]: array.flatMap(strings(in:))
        case let object as [String: Any]: object.keys.sorted().flatMap { [$0] + strings(in: object[$0]!) }
        default: []
        }
    }

    /// HTML text with the entities the page templates write turned back into characters.
    static func unescaped(_ html: String) -> String {
        html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

@Suite("Personal data in public outputs")
struct RedactionTests {
    let secretHeader = HTTPField.Name("X-Tracking-Secret")!

    @Test("no planted phone, ID, e-mail or LINE ID shows in the public API, the public page or the open data")
    func nothingPlantedLeaks() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let perCase = 7
            let caseCount = 36
            let planted = (0..<(perCase * caseCount + 6)).map(PlantedData.value)
            #expect(planted.count >= 200)
            var filed: [(code: String, secret: String, values: [PlantedValue])] = []
            for number in 0..<caseCount {
                let values = Array(planted[(number * perCase)..<((number + 1) * perCase)])
                var body = bangNaPothole
                body["category"] = "road"
                body["title"] = "ถนนเป็นหลุม \(values[0].phrase)"
                body["text"] =
                    "ถนนหน้าบ้านเป็นหลุมใหญ่ ราคาซ่อม 1,500 บาท บ้านเลขที่ 99/1 หมู่ 3 วันที่ 12/03/2567 "
                    + values.dropFirst().map(\.phrase).joined(separator: " และ ") + " ช่วยซ่อมด้วยค่ะ"
                let (code, secret, _) = try await client.file(body)
                filed.append((code, secret, values))
            }
            // A staff result is redacted when shown, not when stored: it gets values of its own.
            let result = Array(planted.suffix(6))
            let token = try await app.token(agency: "bma-district-1047")
            _ = try await client.act(filed[0].code, token: token, ["action": "accept"])
            let resolved = try await client.act(
                filed[0].code, token: token,
                ["action": "resolve", "result": "ซ่อมแล้ว ติดต่อ " + result.map(\.phrase).joined(separator: " ")])
            #expect(resolved.string("status.code") == "resolved")
            filed[0].values += result

            // The check can fail: the citizen's own view shows every value it planted.
            let own = try await client.send(
                .get, "/api/v1/cases/\(filed[0].code)", headers: [secretHeader: filed[0].secret])
            let ownText = LeakFinder.strings(in: own.json).joined(separator: "\n")
            #expect(LeakFinder.leaks(of: filed[0].values, in: ownText).count == filed[0].values.count)

            for (code, _, values) in filed {
                let reply = try await client.send(.get, "/api/v1/cases/\(code)")
                #expect(reply.status == .ok)
                #expect(reply.string("view") == "public")
                // The near-misses around the values stay as they were.
                let nearMisses = "ราคาซ่อม 1,500 บาท บ้านเลขที่ 99/1 หมู่ 3 วันที่ 12/03/2567"
                #expect(reply.string("text")?.contains(nearMisses) == true)
                let json = LeakFinder.strings(in: reply.json).joined(separator: "\n")
                #expect(LeakFinder.leaks(of: values, in: json) == [], "GET /api/v1/cases/\(code)")

                let page = try await client.executeRequest(
                    uri: "/cases/\(code)", method: .get, headers: [:], body: nil)
                #expect(page.status == .ok)
                let html = LeakFinder.unescaped(String(decoding: page.body.readableBytesView, as: UTF8.self))
                #expect(html.contains("id=\"case-text\">ถนนหน้าบ้านเป็นหลุมใหญ่"))
                #expect(LeakFinder.leaks(of: values, in: html) == [], "GET /cases/\(code)")
            }
            let resolution = try await client.send(.get, "/api/v1/cases/\(filed[0].code)").string("resolution")
            #expect(resolution?.contains("[เบอร์โทร]") == true && resolution?.contains("[ไลน์ไอดี]") == true)

            let all = filed.flatMap(\.values)
            let csvResponse = try await client.executeRequest(
                uri: "/api/v1/open-data/cases.csv", method: .get, headers: [:], body: nil)
            let csv = String(decoding: csvResponse.body.readableBytesView, as: UTF8.self)
            #expect(csv.split(separator: "\n").count == caseCount + 1)
            for label in ["[เบอร์โทร]", "[เลขบัตรประชาชน]", "[อีเมล]", "[ไลน์ไอดี]"] { #expect(csv.contains(label)) }
            #expect(LeakFinder.leaks(of: all, in: csv) == [], "cases.csv")

            let jsonResponse = try await client.executeRequest(
                uri: "/api/v1/open-data/cases.json", method: .get, headers: [:], body: nil)
            let lines = String(decoding: jsonResponse.body.readableBytesView, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == caseCount)
            let jsonLines = try lines.flatMap {
                LeakFinder.strings(in: try JSONSerialization.jsonObject(with: Data($0.utf8)))
            }
            #expect(LeakFinder.leaks(of: all, in: jsonLines.joined(separator: "\n")) == [], "cases.json")
        }
    }
}
