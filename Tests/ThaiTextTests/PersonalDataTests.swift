import Testing

@testable import ThaiText

/// A text holding exactly one piece of personal data, and that piece as it appears in the text.
struct PersonalDataExample: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: String
    var kind: PersonalDataKind

    init(_ text: String, _ expected: String, _ kind: PersonalDataKind) {
        self.text = text
        self.expected = expected
        self.kind = kind
    }

    var testDescription: String { "\(kind.rawValue): \(text)" }
}

// All data below is made up. National IDs are built from twelve made-up digits and the check digit the
// rule gives for them (see `checkDigit(of:)`), e.g. 1234567890121 and 3101234567893.

private let phoneExamples: [PersonalDataExample] = [
    .init("โทร 081-234-5678 ค่ะ", "081-234-5678", .phone),
    .init("เบอร์ 081 234 5678", "081 234 5678", .phone),
    .init("ติดต่อ 0812345678", "0812345678", .phone),
    .init("มือถือ 08-1234-5678", "08-1234-5678", .phone),
    .init("สำนักงานเขต 02-123-4567", "02-123-4567", .phone),
    .init("โทร 02 1234567", "02 1234567", .phone),
    .init("ร้านที่เชียงใหม่ 053-123-456", "053-123-456", .phone),
    .init("แฟกซ์ 074-123-456 นะคะ", "074-123-456", .phone),
    .init("โทร +66 81 234 5678", "+66 81 234 5678", .phone),
    .init("call +6681-234-5678 now", "+6681-234-5678", .phone),
    .init("เบอร์ 66812345678", "66812345678", .phone),
    .init("สำนักงาน (+66) 2 123 4567", "(+66) 2 123 4567", .phone),
    .init("+66-2-123-4567", "+66-2-123-4567", .phone),
    .init("โทร +66 (0)81 234 5678", "+66 (0)81 234 5678", .phone),
    .init("โทร ๐๘๑-๒๓๔-๕๖๗๘", "๐๘๑-๒๓๔-๕๖๗๘", .phone),
    .init("โทร ０８１２３４５６７８ ครับ", "０８１２３４５６７８", .phone),
    .init("โทร0812345678", "0812345678", .phone),
    .init("เบอร์081-234-5678", "081-234-5678", .phone),
    .init("โทร.0612345678", "0612345678", .phone),
    .init("tel:0931234567", "0931234567", .phone),
    .init("Tel.081-234-5678", "081-234-5678", .phone),
    .init("TEL0812345678", "0812345678", .phone),
    .init("ผมสมชายเบอร์0891234567ติดต่อได้ตลอด", "0891234567", .phone),
    .init("โทร 081.234.5678", "081.234.5678", .phone),
    .init("โทร 081–234–5678", "081–234–5678", .phone),
    .init("โทร 0812 345 678", "0812 345 678", .phone),
    .init("โทร 081 234 56 78", "081 234 56 78", .phone),
    .init("โทร (02) 123-4567", "(02) 123-4567", .phone),
    .init("ฝ่ายอาคาร 02-123-4567 ต่อ 123", "02-123-4567", .phone),
    .init("โทร 02-123-4567-8", "02-123-4567-8", .phone),
    .init("เบอร์ (0812345678) ค่ะ", "0812345678", .phone),
    .init("โทรมาที่ 0812345678.", "0812345678", .phone),
    .init("1. 0812345678", "0812345678", .phone),
    .init("call +1 415 555 0100", "+1 415 555 0100", .phone),
    // Landlines written the older way, the trunk 0 set apart (issue 11.5).
    .init("โทร 0-2188-1428 ค่ะ", "0-2188-1428", .phone),
    .init("สำนักงาน 0 2188 1428", "0 2188 1428", .phone),
    .init("เทศบาลนคร 0-5321-1234", "0-5321-1234", .phone),
    .init("โทร.0-7431-2345ได้ตลอด", "0-7431-2345", .phone),
    .init("โทร ๐ ๒๑๘๘ ๑๔๒๘", "๐ ๒๑๘๘ ๑๔๒๘", .phone),
    .init("โทร ๐-๕๓๒๑-๑๒๓๔ ครับ", "๐-๕๓๒๑-๑๒๓๔", .phone),
    .init("โทร 0.2188.1428", "0.2188.1428", .phone),
    .init("มือถือ 0-8123-45678", "0-8123-45678", .phone),
    .init("มือถือ 0 81 234 5678", "0 81 234 5678", .phone),
    .init("โทร 0-2188-1428-9", "0-2188-1428-9", .phone),
    .init("สำนักงาน +66 2188 1428", "+66 2188 1428", .phone),
    .init("office +66-53-211-234", "+66-53-211-234", .phone),
    .init("โทร +66 (0) 2188 1428", "+66 (0) 2188 1428", .phone),
    .init("โทร 66 2 188 1428", "66 2 188 1428", .phone),
    .init("โทร 66-2188-1428", "66-2188-1428", .phone),
    .init("โทร 66 81 234 5678", "66 81 234 5678", .phone),
    .init("โทร +66812345678", "+66812345678", .phone),
    .init("โทร +๖๖ ๘๑ ๒๓๔ ๕๖๗๘", "+๖๖ ๘๑ ๒๓๔ ๕๖๗๘", .phone),
    .init("โทร (081) 234-5678", "(081) 234-5678", .phone),
]

private let nationalIDExamples: [PersonalDataExample] = [
    .init("เลขบัตร 1234567890121", "1234567890121", .nationalID),
    .init("เลขบัตรประชาชน 1-2345-67890-12-1 ครับ", "1-2345-67890-12-1", .nationalID),
    .init("เลขบัตร 1 2345 67890 12 1", "1 2345 67890 12 1", .nationalID),
    .init("เลขบัตร ๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑", "๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑", .nationalID),
    .init("ID:3101234567893", "3101234567893", .nationalID),
    .init("เลขประจำตัว3-1012-34567-89-3ค่ะ", "3-1012-34567-89-3", .nationalID),
    .init("เลขบัตร 1-1037-00123-458", "1-1037-00123-458", .nationalID),
]

private let emailExamples: [PersonalDataExample] = [
    .init("อีเมล somchai.j@gmail.com", "somchai.j@gmail.com", .email),
    .init("ติดต่อsomchai.j@gmail.comค่ะ", "somchai.j@gmail.com", .email),
    .init("mail: somchai+complaints@mail.example.co.th", "somchai+complaints@mail.example.co.th", .email),
    .init("ส่งมาที่ somying_k-99@sub.example.org.", "somying_k-99@sub.example.org", .email),
    .init("(ying.2530@hotmail.com)", "ying.2530@hotmail.com", .email),
    .init("อีเมล 0812345678@gmail.com", "0812345678@gmail.com", .email),
    // Addresses with the "@" or the dots spelt out so that filters miss them (issue 11.5).
    .init("อีเมล somchai at gmail dot com ค่ะ", "somchai at gmail dot com", .email),
    .init("mail: Somchai.J AT Gmail DOT Com", "Somchai.J AT Gmail DOT Com", .email),
    .init("ส่งมาที่ somchai [at] gmail [dot] com นะ", "somchai [at] gmail [dot] com", .email),
    .init("ying(at)hotmail(dot)co(dot)th", "ying(at)hotmail(dot)co(dot)th", .email),
    .init("ying_99 (at) yahoo (dot) com", "ying_99 (at) yahoo (dot) com", .email),
    .init("somchai{at}outlook{dot}com", "somchai{at}outlook{dot}com", .email),
    .init("somchai[ at ]gmail[.]com", "somchai[ at ]gmail[.]com", .email),
    .init("อีเมล somchai แอท gmail ดอท คอม", "somchai แอท gmail ดอท คอม", .email),
    .init("อีเมลsomchaiแอทgmailดอทคอมค่ะ", "somchaiแอทgmailดอทคอม", .email),
    .init("เมล somchai แอท จีเมล ดอท คอม", "somchai แอท จีเมล ดอท คอม", .email),
    .init("อีเมล somchai at gmail.com ค่ะ", "somchai at gmail.com", .email),
    .init("อีเมล somchai @ gmail.com", "somchai @ gmail.com", .email),
    .init("อีเมล somchai@gmail dot com", "somchai@gmail dot com", .email),
    .init("อีเมล ying.2530 at example dot co dot th.", "ying.2530 at example dot co dot th", .email),
]

private let lineIDExamples: [PersonalDataExample] = [
    .init("ไลน์ somchai99", "somchai99", .lineID),
    .init("line: somchai.j", "somchai.j", .lineID),
    .init("LINE ID = ying_2530", "ying_2530", .lineID),
    .init("ไลน์ไอดี:@shopdee", "@shopdee", .lineID),
    .init("ไอดีไลน์ somchai-99 ค่ะ", "somchai-99", .lineID),
    .init("ID line: abc.def", "abc.def", .lineID),
    .init("Line:somchai1234", "somchai1234", .lineID),
    .init("ติดต่อทางไลน์somchai99ค่ะ", "somchai99", .lineID),
    .init("lineid somchai99", "somchai99", .lineID),
    .init("ไลน์ @shop.dee", "@shop.dee", .lineID),
    .init("แอดไลน์ somchai99. ได้เลย", "somchai99", .lineID),
    .init("ไลน์ 0812345678", "0812345678", .lineID),
    // Short IDs, after cues that can't be read on as English (issue 11.5).
    .init("ไลน์ abc12", "abc12", .lineID),
    .init("Line: jo", "jo", .lineID),
    .init("line id: @shop1", "@shop1", .lineID),
    .init("ไลน์ jo ค่ะ", "jo", .lineID),
    .init("ไอดีไลน์ xy9", "xy9", .lineID),
    .init("id line: ab", "ab", .lineID),
    .init("ID line tk", "tk", .lineID),
    .init("LINE ID: kk", "kk", .lineID),
    .init("Line: JO", "JO", .lineID),
    .init("ไลน์ไอดี abc", "abc", .lineID),
    .init("ติดต่อทาง LINE jo นะคะ", "jo", .lineID),
    .init("Line jo", "jo", .lineID),
    .init("ไลน์คือ jo99", "jo99", .lineID),
    .init("line-id: tom", "tom", .lineID),
    .init("Line = @ab", "@ab", .lineID),
]

private let nearMisses: [String] = [
    "ราคา 1,500 บาท",
    "ค่าเสียหาย 25,000.50 บาท",
    "ซื้อมา 1500บาท",
    "วันที่ 12/03/2567",
    "ครบกำหนด 2024-03-12",
    "เมื่อ 12-03-67",
    "เมื่อ 12 มี.ค. 67",
    "เวลา 20.30 น.",
    "ตั้งแต่ 08:15",
    "เปิด 08.00-16.30 น.",
    "บ้านเลขที่ 99/123",
    "123/45 หมู่ 6",
    "ซอยลาดพร้าว 101",
    "สุขุมวิท 103/4",
    "ถนนพระราม 2 ซอย 55",
    "ซ.รามคำแหง 24",
    "กรุงเทพฯ 10110",
    "ทะเบียน กข 1234",
    "รถ 1กก 2345",
    "กม.12+500",
    "โทร 1111",
    "สายด่วน 1555",
    "แจ้งเหตุ 191",
    "เรียกรถพยาบาล 1669",
    "พื้นที่ 5,000 ตร.ม.",
    "เพิ่มขึ้น 15%",
    "สุนัขจรจัด 3-4 ตัว",
    "รอมา 2-3 วัน",
    "ปี 2567",
    "พ.ศ. 2566",
    "เลขพัสดุ TH1234567890",
    "คำสั่งซื้อ #240312ABC88",
    "order 12345678",
    "เลขบัตร 1234567890122",
    "เลขบัตร 1-2345-67890-12-2",
    "เลข 1234567890",
    "บัตร 4111 1111 1111 1111",
    "บัญชี 0812345678901234",
    "บัตร 0812-3456-7890-1234",
    "เลขบัญชี 123-4-56789-0",
    "เลขบัญชี 081-2-34567-8",
    "รหัส AB0812345678",
    "รหัส 0812345678XY",
    "ORD-0812345678",
    "1.0812345678",
    "ตาม @somchai99 ได้",
    "ซื้อของออนไลน์ shopee",
    "deadline 2024",
    "the line is busy",
    "ไลน์ ok",
    "ไลน์ หรือ โทร",
    "somchai@localhost",
    "ไฟล์ 0812345678.jpg",
    "08 12 34 56 78",
    // Near-misses of the spellings added for issue 11.5.
    "จ่ายไป 2500บาท",
    "ครบกำหนด 2024-03-12 เวลา 10:30-12:00 น.",
    "บ้านเลขที่ 123/45",
    "99/1 หมู่ 3",
    "ซอยสุขุมวิท 101/1",
    "ถนนหมายเลข 3344",
    "เชียงใหม่ 50200",
    "ชาวบ้าน 120 คน 45 ครัวเรือน",
    "อุณหภูมิ 0 องศา 2 วันแล้ว",
    "ชนะ 0-2 เมื่อปี 2567",
    "ห้อง 0 1234 5678",
    "โทรมา 0 ครั้ง",
    "ไลน์ OA ของเขต",
    "จ่ายผ่าน LINE Pay",
    "คำร้องจาก Line PSC",
    "แจ้งผ่านไลน์ BKK ของ กทม.",
    "ส่งไลน์ 10 ครั้งแล้ว",
    "the line was cut",
    "line up at the gate",
    "power line at 5 pm",
    "hotline 1555",
    "นัดกัน at 10.30 น.",
    "I live at home. Next day",
    "look at the photo.jpg",
    "meet at 5.30pm",
    "อยู่ at หน้าบ้าน",
    "ตาม @ somchai99 ได้",
    "ดูที่ www.example.com",
    "cat at",
]

private let emptyishTexts: [String] = [
    "",
    "   ",
    "\n\t \u{200B}",
    "😀👍🏽🇹🇭",
    "\u{0301}\u{0302}\u{0E48}",
    "e\u{0301}",
    "ก่่่่่",
]

/// A Thai number written in runs of `lengths` joined by `separator`, in Thai digits when `thai`.
private func written(_ digits: String, _ lengths: [Int], separator: String, thai: Bool) -> String {
    var runs: [String] = []
    var rest = Substring(digits)
    for length in lengths {
        runs.append(String(rest.prefix(length)))
        rest = rest.dropFirst(length)
    }
    let text = runs.joined(separator: separator)
    guard thai else { return text }
    let thaiDigits = text.unicodeScalars.map { ("0"..."9").contains($0) ? Unicode.Scalar($0.value + 0x0E20)! : $0 }
    return String(String.UnicodeScalarView(thaiDigits))
}

/// The run lengths people group Thai numbers into: 9-digit landlines (Bangkok 02 and the provinces' 0XX), then
/// 10-digit mobiles; the lone first 0 is the older way of writing a landline.
private let landlineGroupings: [[Int]] = [[9], [2, 7], [2, 3, 4], [1, 4, 4], [3, 3, 3], [3, 6], [2, 3, 2, 2]]
private let mobileGroupings: [[Int]] = [
    [10], [3, 3, 4], [3, 7], [2, 4, 4], [4, 3, 3], [4, 6], [3, 3, 2, 2], [1, 4, 5],
]
private let phoneSeparators = ["-", " ", ".", "–", " - "]

/// The national ID check digit of twelve digits, computed here independently of the scanner.
private func checkDigit(of twelve: String) -> Int {
    let digits = twelve.compactMap(\.wholeNumberValue)
    let sum = digits.enumerated().reduce(0) { $0 + $1.element * (13 - $1.offset) }
    return (11 - sum % 11) % 10
}

private func describe(_ spans: [PersonalDataSpan], in text: String) -> [String] {
    spans.map { "\($0.kind.rawValue): \(text[$0.range])" }
}

@Suite("Personal data")
struct PersonalDataTests {
    @Test(
        "Finds phones, national IDs, e-mails and LINE IDs as exactly the data, of the right kind",
        arguments: phoneExamples + nationalIDExamples + emailExamples + lineIDExamples
    )
    func findsPersonalData(_ example: PersonalDataExample) {
        let spans = PersonalData.spans(in: example.text)
        #expect(describe(spans, in: example.text) == ["\(example.kind.rawValue): \(example.expected)"])
    }

    @Test(
        "Finds a landline however its digits are grouped, separated and written",
        arguments: ["021881428", "053211234", "074312345", "038123456"], landlineGroupings)
    func findsLandlineInAnyGrouping(number: String, lengths: [Int]) {
        expectOnePhone(number, lengths)
        expectOnePhone("66" + number.dropFirst(), [2] + [lengths[0] - 1].filter { $0 > 0 } + lengths.dropFirst())
    }

    @Test(
        "Finds a mobile number however its digits are grouped, separated and written",
        arguments: ["0812345678", "0961234567", "0623456789"], mobileGroupings)
    func findsMobileInAnyGrouping(number: String, lengths: [Int]) {
        expectOnePhone(number, lengths)
        expectOnePhone("66" + number.dropFirst(), [2] + [lengths[0] - 1].filter { $0 > 0 } + lengths.dropFirst())
    }

    /// Expects `number` in runs of `lengths` to be found as one phone, with every separator, in ASCII and Thai
    /// digits, bare and after "+".
    private func expectOnePhone(_ number: String, _ lengths: [Int]) {
        for separator in phoneSeparators where lengths.count > 1 || separator == "-" {
            for thai in [false, true] {
                for plus in number.hasPrefix("66") ? ["+", ""] : [""] {
                    let phone = plus + written(number, lengths, separator: separator, thai: thai)
                    // A bare 66 needs a mobile or a grouped landline: "6621881428" is as likely an order number.
                    let isBareLandline = plus.isEmpty && number.hasPrefix("66") && number.count == 10
                    if isBareLandline, lengths.count < 3 { continue }
                    let text = "ติดต่อ \(phone) ค่ะ"
                    #expect(describe(PersonalData.spans(in: text), in: text) == ["phone: \(phone)"])
                }
            }
        }
    }

    @Test("Leaves prices, dates, times, addresses, hotlines, codes and other near-misses alone", arguments: nearMisses)
    func leavesNearMissesAlone(_ text: String) {
        let spans = PersonalData.spans(in: text)
        #expect(spans.isEmpty, "found \(describe(spans, in: text))")
    }

    @Test(
        "Finds nothing and doesn't crash in empty text, spaces, emoji and stray combining marks",
        arguments: emptyishTexts)
    func findsNothingInEmptyishText(_ text: String) {
        #expect(PersonalData.spans(in: text).isEmpty)
        #expect(PersonalData.redact(text) == text)
    }

    @Test(
        "Redacts with Thai labels, keeping the words around the data",
        arguments: [
            ("โทร 081-234-5678 ค่ะ", "โทร [เบอร์โทร] ค่ะ"),
            ("ติดต่อsomchai.j@gmail.comค่ะ", "ติดต่อ[อีเมล]ค่ะ"),
            ("ไลน์ somchai99 หรือโทร0812345678", "ไลน์ [ไลน์ไอดี] หรือโทร[เบอร์โทร]"),
            ("02-123-4567 ต่อ 123", "[เบอร์โทร] ต่อ 123"),
            ("เลขบัตร 1-2345-67890-12-1 ครับ", "เลขบัตร [เลขบัตรประชาชน] ครับ"),
            ("081-234-5678, 089-876-5432", "[เบอร์โทร], [เบอร์โทร]"),
            ("0812345678/0898765432", "[เบอร์โทร]/[เบอร์โทร]"),
            ("โทร 081 234 5678 แล้ว 2 ครั้ง ราคา 1,500 บาท", "โทร [เบอร์โทร] แล้ว 2 ครั้ง ราคา 1,500 บาท"),
            ("ไลน์ไอดี:@shopdee โทร(+66) 2 123 4567", "ไลน์ไอดี:[ไลน์ไอดี] โทร[เบอร์โทร]"),
            ("ถนนพระราม 2 ซอย 55 บ้านเลขที่ 99/123", "ถนนพระราม 2 ซอย 55 บ้านเลขที่ 99/123"),
            ("ติดต่อ somchai at gmail dot com หรือ 0-2188-1428", "ติดต่อ [อีเมล] หรือ [เบอร์โทร]"),
            ("Line: jo โทร ๐ ๕๓๒๑ ๑๒๓๔ ราคา 2500บาท", "Line: [ไลน์ไอดี] โทร [เบอร์โทร] ราคา 2500บาท"),
        ]
    )
    func redactsWithThaiLabels(text: String, expected: String) {
        #expect(PersonalData.redact(text) == expected)
    }

    @Test("Redacts with whatever labels the caller gives, such as the English ones")
    func redactsWithCallerLabels() {
        let text = "call 081-234-5678 or mail a.b@example.com, ID 1234567890121, line: somchai99"
        #expect(
            PersonalData.redact(text, label: \.englishLabel)
                == "call [phone] or mail [e-mail], ID [national ID], line: [LINE ID]"
        )
        #expect(PersonalData.redact("โทร 0812345678", label: { _ in "***" }) == "โทร ***")
    }

    @Test("Labels every kind in Thai and English, and keeps the stable raw values")
    func labelsEveryKind() {
        #expect(
            PersonalDataKind.allCases.map(\.thaiLabel) == ["[เบอร์โทร]", "[เลขบัตรประชาชน]", "[อีเมล]", "[ไลน์ไอดี]"]
        )
        #expect(PersonalDataKind.allCases.map(\.englishLabel) == ["[phone]", "[national ID]", "[e-mail]", "[LINE ID]"])
        #expect(PersonalDataKind.allCases.map(\.rawValue) == ["phone", "national_id", "email", "line_id"])
    }

    @Test(
        "Accepts a 13-digit number as a national ID only with the right check digit",
        arguments: ["123456789012", "310123456789", "110370012345", "560123456789", "870123456789", "100000000000"]
    )
    func acceptsNationalIDOnlyWithRightCheckDigit(twelve: String) {
        let valid = checkDigit(of: twelve)
        for last in 0...9 {
            let plain = "\(twelve)\(last)"
            let spans = PersonalData.spans(in: "เลขบัตร \(plain) ค่ะ")
            if last == valid {
                #expect(spans.map(\.kind) == [.nationalID], "\(plain)")
            } else {
                #expect(spans.isEmpty, "\(plain)")
            }
            let digits = plain.compactMap(\.wholeNumberValue).map(UInt8.init)
            #expect(PersonalDataScanner.hasValidCheckDigit(digits) == (last == valid), "\(plain)")
        }
    }

    @Test("Knows the check digits of hand-computed IDs")
    func knowsHandComputedCheckDigits() {
        // 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2 = 352 = 32·11,
        // so the check digit is (11 − 0) mod 10 = 1.
        #expect(checkDigit(of: "123456789012") == 1)
        #expect(PersonalDataScanner.hasValidCheckDigit([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 1]))
        #expect(!PersonalDataScanner.hasValidCheckDigit([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 2]))
        #expect(!PersonalDataScanner.hasValidCheckDigit([1, 2, 3]))
    }

    @Test("Finds several kinds in one text, sorted and not overlapping, with ranges that slice the input")
    func findsSeveralKindsInOrder() {
        let text =
            "ผมสมชาย โทร0812345678 อีเมล somchai.j@gmail.comค่ะ ไลน์ somchai99 บัตร 1-2345-67890-12-1 บ้าน 99/123"
        let spans = PersonalData.spans(in: text)
        #expect(
            describe(spans, in: text) == [
                "phone: 0812345678", "email: somchai.j@gmail.com", "line_id: somchai99",
                "national_id: 1-2345-67890-12-1",
            ]
        )
        for (earlier, later) in zip(spans, spans.dropFirst()) {
            #expect(earlier.range.upperBound <= later.range.lowerBound)
        }
    }

    @Test("Widens a span to whole characters when a combining mark sits on its last digit")
    func widensSpanToWholeCharacters() {
        let text = "โทร 0812345678\u{0301} ค่ะ"
        let spans = PersonalData.spans(in: text)
        #expect(spans.count == 1)
        for span in spans {
            #expect(String.Index(span.range.lowerBound, within: text) != nil)
            #expect(String.Index(span.range.upperBound, within: text) != nil)
            #expect(text[span.range] == "0812345678\u{0301}")
        }
        #expect(PersonalData.redact(text) == "โทร [เบอร์โทร] ค่ะ")
    }

    @Test("Scans a megabyte of mixed Thai text and finds exactly the phones in it")
    func scansAMegabyte() {
        let filler = "ถนนพระราม 2 ซอย 55 มีน้ำท่วมขัง 3-4 วัน ราคาซ่อม 25,000.50 บาท วันที่ 12/03/2567 เวลา 20.30 น. "
        var text = ""
        var expected: [String] = []
        var paragraph = 0
        while text.utf8.count < 1_000_000 {
            text += filler
            if paragraph % 100 == 0 {
                let phone = "08\(paragraph % 10)-\(100 + paragraph % 900)-\(1000 + paragraph % 9000)"
                text += "ติดต่อ\(phone)ค่ะ "
                expected.append(phone)
            }
            paragraph += 1
        }
        let spans = PersonalData.spans(in: text)
        #expect(spans.map { String(text[$0.range]) } == expected)
        #expect(spans.allSatisfy { $0.kind == .phone })
        #expect(expected.count > 30)
    }
}
