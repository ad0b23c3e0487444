/// What kind of personal data a span holds.
///
/// The raw values are the stable names used in logs, JSON and statistics; the labels may change, they may not.
public enum PersonalDataKind: String, Sendable, Hashable, CaseIterable {
    /// A Thai mobile or landline number (เบอร์โทร), or a foreign number written with `+`.
    case phone
    /// A 13-digit Thai national ID number (เลขประจำตัวประชาชน) whose check digit is valid.
    case nationalID = "national_id"
    /// An e-mail address (อีเมล), also when its "@" or dots are spelt out: "name at gmail dot com".
    case email
    /// A LINE ID (ไลน์ไอดี), recognised only after a LINE cue such as "ไลน์" or "Line:".
    case lineID = "line_id"

    /// The Thai label shown in place of the data in public views, e.g. "[เบอร์โทร]".
    public var thaiLabel: String {
        switch self {
        case .phone: "[เบอร์โทร]"
        case .nationalID: "[เลขบัตรประชาชน]"
        case .email: "[อีเมล]"
        case .lineID: "[ไลน์ไอดี]"
        }
    }

    /// The label shown in place of the data in English views and exports, e.g. "[phone]".
    public var englishLabel: String {
        switch self {
        case .phone: "[phone]"
        case .nationalID: "[national ID]"
        case .email: "[e-mail]"
        case .lineID: "[LINE ID]"
        }
    }
}

/// A stretch of text holding personal data.
public struct PersonalDataSpan: Sendable, Hashable {
    /// What the stretch holds.
    public var kind: PersonalDataKind
    /// Where the data is in the text that was searched; always on Character boundaries, so `text[range]` is the data.
    public var range: Range<String.Index>

    /// A span of `kind` over `range`.
    public init(kind: PersonalDataKind, range: Range<String.Index>) {
        self.kind = kind
        self.range = range
    }
}

/// Finds and hides the personal data citizens type into the free text of their complaints.
///
/// Every public view, statistic and open-data export shows complaint text only through ``redact(_:label:)``.
/// The rules lean towards redacting: a number that is phone-shaped is hidden even when it might be an order
/// number, while prices, dates, times, house and road numbers, hotlines and other near-misses are left alone.
/// A run of digits glued to letters or other digits is judged as a whole and never cut in two.
public enum PersonalData {
    /// Every personal-data span in `text`, sorted by position, never overlapping.
    ///
    /// When two kinds claim the same characters the first wins, in this order: e-mail, LINE ID, then phone
    /// numbers and national IDs (so "0812345678@gmail.com" is one e-mail and "ไลน์ 0812345678" a LINE ID).
    /// Runs in time linear in the length of `text`.
    public static func spans(in text: String) -> [PersonalDataSpan] {
        PersonalDataScanner(text).spans()
    }

    /// `text` with each span replaced by its kind's label (Thai labels by default).
    public static func redact(_ text: String, label: (PersonalDataKind) -> String = { $0.thaiLabel }) -> String {
        let found = spans(in: text)
        guard !found.isEmpty else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = text.startIndex
        for span in found {
            result += text[rest..<span.range.lowerBound]
            result += label(span.kind)
            rest = span.range.upperBound
        }
        result += text[rest...]
        return result
    }
}

/// The hand-written scanner behind ``PersonalData``: one linear pass per kind over the text's Unicode scalars.
///
/// It reads scalars rather than Characters because digits, "@" and LINE cues are defined scalar by scalar and
/// Thai grapheme clustering would only slow it down; spans are widened to Character boundaries at the end.
/// Every look-behind and look-ahead is bounded and every number phrase is read once, so the scan stays linear.
struct PersonalDataScanner {
    private let text: String
    private let scalars: [Unicode.Scalar]
    /// `positions[i]` is where `scalars[i]` starts in `text`; the extra last entry is `text.endIndex`.
    private let positions: [String.Index]

    init(_ text: String) {
        let view = text.unicodeScalars
        var scalars: [Unicode.Scalar] = []
        var positions: [String.Index] = []
        scalars.reserveCapacity(text.utf8.count / 2)
        positions.reserveCapacity(text.utf8.count / 2 + 1)
        var index = view.startIndex
        while index < view.endIndex {
            scalars.append(view[index])
            positions.append(index)
            view.formIndex(after: &index)
        }
        positions.append(view.endIndex)
        self.text = text
        self.scalars = scalars
        self.positions = positions
    }

    /// The spans of all kinds, highest-priority kind first when they compete for the same scalars.
    func spans() -> [PersonalDataSpan] {
        guard !scalars.isEmpty else { return [] }
        var claimed = [Bool](repeating: false, count: scalars.count)
        var found: [(kind: PersonalDataKind, range: Range<Int>)] = []
        func claim(_ kind: PersonalDataKind, _ range: Range<Int>) {
            guard !claimed[range].contains(true) else { return }
            for offset in range { claimed[offset] = true }
            found.append((kind, range))
        }
        for range in emailRanges() { claim(.email, range) }
        for range in spelledOutEmailRanges() { claim(.email, range) }
        for range in lineIDRanges() { claim(.lineID, range) }
        for (kind, range) in numberRanges() { claim(kind, range) }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        return characterAligned(found)
    }

    /// Widens each range to Character boundaries (a digit may carry a combining mark) and converts it to
    /// String indices; ranges that touch after widening are merged so the result never overlaps.
    private func characterAligned(_ found: [(kind: PersonalDataKind, range: Range<Int>)]) -> [PersonalDataSpan] {
        var merged: [(kind: PersonalDataKind, range: Range<Int>)] = []
        for (kind, range) in found {
            var lower = range.lowerBound
            var upper = range.upperBound
            while lower > 0, String.Index(positions[lower], within: text) == nil { lower -= 1 }
            while upper < scalars.count, String.Index(positions[upper], within: text) == nil { upper += 1 }
            if let last = merged.last, lower < last.range.upperBound {
                merged[merged.count - 1].range = last.range.lowerBound..<max(upper, last.range.upperBound)
            } else {
                merged.append((kind, lower..<upper))
            }
        }
        return merged.map {
            PersonalDataSpan(kind: $0.kind, range: positions[$0.range.lowerBound]..<positions[$0.range.upperBound])
        }
    }

    // MARK: E-mail addresses

    /// Addresses found around each "@": the local part back to the first scalar that can't be in one (Thai text,
    /// a space, a colon), the domain forward to the last label, which must be a top-level domain of letters.
    private func emailRanges() -> [Range<Int>] {
        var result: [Range<Int>] = []
        for at in scalars.indices where scalars[at] == "@" {
            var start = at
            while start > 0, Self.isEmailLocal(scalars[start - 1]) { start -= 1 }
            while start < at, scalars[start] == "." { start += 1 }
            guard start < at, let end = emailDomainEnd(after: at) else { continue }
            result.append(start..<end)
        }
        return result
    }

    /// Where the domain after the "@" at `at` ends, or nil when there is no valid domain with a dot in it.
    private func emailDomainEnd(after at: Int) -> Int? {
        var end = at + 1
        while end < scalars.count, Self.isASCIIAlphanumeric(scalars[end]) || scalars[end] == "-" || scalars[end] == "."
        {
            end += 1
        }
        // A full stop or dash after the address ends the sentence, not the domain.
        while end > at + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
        var labels = 0
        var labelStart = at + 1
        var lastLabel = labelStart..<labelStart
        for offset in (at + 1)...end where offset == end || scalars[offset] == "." {
            let label = labelStart..<offset
            guard !label.isEmpty, scalars[label.lowerBound] != "-", scalars[offset - 1] != "-" else { return nil }
            labels += 1
            lastLabel = label
            labelStart = offset + 1
        }
        guard labels >= 2, lastLabel.count >= 2, scalars[lastLabel].allSatisfy(Self.isASCIILetter) else { return nil }
        return end
    }

    // MARK: E-mail addresses spelt out

    /// The two marks of an address that people spell out so that filters miss it.
    private enum AddressMark { case at, dot }

    /// How a mark is written: as the symbol ("@", "."), as a word ("at", "ดอท"), or either in brackets ("[at]", "(.)").
    private enum MarkSpelling { case symbol, word, bracketed }

    private static let asciiAt = Array("at".unicodeScalars)
    private static let asciiDot = Array("dot".unicodeScalars)
    /// "at" in Thai letters.
    private static let thaiAts = ["แอท", "แอ็ท"].map { Array($0.unicodeScalars) }
    /// "dot" in Thai letters, and the Thai word for a dot.
    private static let thaiDots = ["ดอท", "ด็อท", "จุด"].map { Array($0.unicodeScalars) }
    /// Domain labels spelt in Thai letters (longer spellings first, as each is tried as a prefix): the common mail
    /// providers, then the top-level domains.
    private static let thaiProviders = ["จีเมล์", "จีเมล", "ฮอตเมล์", "ฮอตเมล", "ฮอทเมล์", "ฮอทเมล", "ยาฮู"].map {
        Array($0.unicodeScalars)
    }
    private static let thaiTopLevelDomains = ["คอม", "เน็ต", "เน็ท"].map { Array($0.unicodeScalars) }
    private static let thaiDomainLabels = thaiProviders + thaiTopLevelDomains

    /// Addresses with the "@" or a dot spelt out or set apart: "name at gmail dot com", "name [at] gmail [dot] com",
    /// "name(at)hotmail(dot)co(dot)th", "name แอท gmail ดอท คอม", "name @ gmail.com".
    ///
    /// Plain addresses are left to ``emailRanges()``; a spelt-out one needs at least one mark that is a word, in
    /// brackets, or an "@" followed by a space, so "@somchai99" and "somchai@localhost" stay what they are.
    private func spelledOutEmailRanges() -> [Range<Int>] {
        var result: [Range<Int>] = []
        var offset = 0
        while offset < scalars.count {
            if mayStartAtMark(offset), let address = spelledOutEmail(atMark: offset) {
                result.append(address)
                offset = address.upperBound
            } else {
                offset += 1
            }
        }
        return result
    }

    /// Whether an "at" mark may begin at `offset`: a cheap test on one or two scalars, so that the loop over the
    /// whole text passes almost every scalar ("แ" is common in Thai) without a closer look.
    @inline(__always)
    private func mayStartAtMark(_ offset: Int) -> Bool {
        let scalar = scalars[offset]
        // Most of the text is Thai letters and marks; of these only "แ" may begin a mark.
        if (0x0E01...0x0E7F).contains(scalar.value) && scalar != "แ" { return false }
        switch scalar {
        case "@", "＠": return true
        case "a", "A", "แ":
            guard offset + 1 < scalars.count else { return false }
            let next = scalars[offset + 1]
            return next == "t" || next == "T" || next == "อ"
        default: return Self.isOpeningBracket(scalar)
        }
    }

    /// The address around an "at" mark starting at `markStart`: a local part of ASCII before it, a domain of two or
    /// more labels joined by dot marks after it, ending in a top-level domain of letters.
    private func spelledOutEmail(atMark markStart: Int) -> Range<Int>? {
        guard let (markEnd, atSpelling) = mark(.at, at: markStart) else { return nil }
        var localEnd = markStart
        while localEnd > 0, markStart - localEnd < 3, Self.isInlineSpace(scalars[localEnd - 1]) { localEnd -= 1 }
        var localStart = localEnd
        while localStart > 0, localEnd - localStart < 64, Self.isEmailLocal(scalars[localStart - 1]) { localStart -= 1 }
        guard localStart == 0 || !Self.isEmailLocal(scalars[localStart - 1]) else { return nil }
        while localStart < localEnd, scalars[localStart] == "." { localStart += 1 }
        guard localStart < localEnd, Self.isASCIIAlphanumeric(scalars[localEnd - 1]) || scalars[localEnd - 1] == "_"
        else { return nil }

        var isSpeltOut = atSpelling != .symbol || (markEnd < scalars.count && Self.isInlineSpace(scalars[markEnd]))
        var labelStart = skippingSpaces(from: markEnd)
        guard var label = domainLabel(at: labelStart) else { return nil }
        isSpeltOut = isSpeltOut || label.isThai
        var labels = 1
        var end: Int?
        while labels < 8 {
            let dotStart = skippingSpaces(from: label.end)
            guard let (dotEnd, dotSpelling) = mark(.dot, at: dotStart) else { break }
            labelStart = skippingSpaces(from: dotEnd)
            // A full stop with a space on either side ends a sentence: "I live at home. Next…"
            if dotSpelling == .symbol, dotStart != label.end || labelStart != dotEnd { break }
            guard let next = domainLabel(at: labelStart) else { break }
            isSpeltOut = isSpeltOut || dotSpelling != .symbol || next.isThai
            labels += 1
            label = next
            if isSpeltOut, isTopLevelDomain(labelStart..<label.end) { end = label.end }
        }
        return end.map { localStart..<$0 }
    }

    /// `offset` moved past up to three spaces.
    private func skippingSpaces(from offset: Int) -> Int {
        var end = offset
        while end < scalars.count, end - offset < 3, Self.isInlineSpace(scalars[end]) { end += 1 }
        return end
    }

    /// The end of an "at" or "dot" mark starting at `offset`, alone or in brackets with up to two spaces inside.
    private func mark(_ mark: AddressMark, at offset: Int) -> (end: Int, spelling: MarkSpelling)? {
        guard offset < scalars.count else { return nil }
        guard let close = Self.closingBracket(of: scalars[offset]) else { return bareMark(mark, at: offset) }
        let innerStart = skippingSpaces(from: offset + 1)
        guard innerStart - offset <= 3, let (innerEnd, _) = bareMark(mark, at: innerStart) else { return nil }
        let closeAt = skippingSpaces(from: innerEnd)
        guard closeAt - innerEnd <= 2, closeAt < scalars.count, scalars[closeAt] == close else { return nil }
        return (closeAt + 1, .bracketed)
    }

    /// An "at" or "dot" mark without brackets; a Latin word must stand apart ("name at gmail", "[at]"), a Thai
    /// word may be glued to the Latin around it ("nameแอทgmail").
    private func bareMark(_ mark: AddressMark, at offset: Int) -> (end: Int, spelling: MarkSpelling)? {
        guard offset < scalars.count else { return nil }
        let scalar = scalars[offset]
        switch mark {
        case .at where scalar == "@" || scalar == "＠", .dot where scalar == ".": return (offset + 1, .symbol)
        default: break
        }
        let latin = mark == .at ? Self.asciiAt : Self.asciiDot
        if matches(latin, at: offset, ignoringASCIICase: true) {
            let end = offset + latin.count
            let apartBefore =
                offset > 0 && (Self.isInlineSpace(scalars[offset - 1]) || Self.isOpeningBracket(scalars[offset - 1]))
            let apartAfter =
                end < scalars.count && (Self.isInlineSpace(scalars[end]) || Self.isClosingBracket(scalars[end]))
            return apartBefore && apartAfter ? (end, .word) : nil
        }
        for word in mark == .at ? Self.thaiAts : Self.thaiDots where matches(word, at: offset) {
            return (offset + word.count, .word)
        }
        return nil
    }

    /// A domain label starting at `offset`: ASCII letters, digits and inner dashes, or a Thai spelling of a provider
    /// or top-level domain.
    private func domainLabel(at offset: Int) -> (end: Int, isThai: Bool)? {
        guard offset < scalars.count else { return nil }
        if Self.isASCIIAlphanumeric(scalars[offset]) {
            var end = offset
            while end < scalars.count, end - offset < 63, Self.isASCIIAlphanumeric(scalars[end]) || scalars[end] == "-"
            {
                end += 1
            }
            while scalars[end - 1] == "-" { end -= 1 }
            return (end, false)
        }
        for word in Self.thaiDomainLabels where matches(word, at: offset) {
            return (offset + word.count, true)
        }
        return nil
    }

    private func isTopLevelDomain(_ label: Range<Int>) -> Bool {
        if label.count >= 2, scalars[label].allSatisfy(Self.isASCIILetter) { return true }
        return Self.thaiTopLevelDomains.contains { $0.count == label.count && matches($0, at: label.lowerBound) }
    }

    // MARK: LINE IDs

    private static let asciiLine = Array("line".unicodeScalars)
    private static let asciiID = Array("id".unicodeScalars)
    private static let thaiLine = Array("ไลน".unicodeScalars)
    private static let thaiID = Array("ไอดี".unicodeScalars)
    /// "ออนไลน์" (online) and "ออฟไลน์" (offline) contain "ไลน์" but are no LINE cue.
    private static let thaiOnlineOffline = [Array("ออน".unicodeScalars), Array("ออฟ".unicodeScalars)]
    private static let thanthakhat: Unicode.Scalar = "\u{0E4C}"

    /// Words that follow a LINE cue without being an ID: "ไลน์ ok", "LINE Pay", "LINE OA", "the line is busy".
    /// Only IDs of two or three characters are checked against them; longer ones were never this ambiguous.
    private static let shortNonIDs: Set<String> = [
        "ok", "id", "oa", "app", "pay", "man", "tv", "is", "was", "has", "had", "are", "be", "the", "and", "or",
        "of", "to", "in", "on", "at", "by", "for", "up", "no", "yes", "me", "my", "we", "us", "it",
    ]
    private static let thaiNamely = Array("คือ".unicodeScalars)

    /// LINE IDs after a LINE cue; the span covers the ID (with its "@" for official accounts), never the cue.
    private func lineIDRanges() -> [Range<Int>] {
        var result: [Range<Int>] = []
        var offset = 0
        while offset < scalars.count {
            // Every cue begins with one of these; the test is most of the time this loop takes on a long text.
            let scalar = scalars[offset]
            if scalar == "l" || scalar == "L" || scalar == "ไ", let cueEnd = lineCueEnd(at: offset),
                let id = lineID(after: cueEnd, cueStart: offset)
            {
                result.append(id)
                offset = id.upperBound
            } else {
                offset += 1
            }
        }
        return result
    }

    /// The end of a LINE cue ("line" in any case, "ไลน์", "ไลน") starting at `offset`, if there is one.
    private func lineCueEnd(at offset: Int) -> Int? {
        if matches(Self.asciiLine, at: offset, ignoringASCIICase: true) {
            // "online", "deadline", "hotline" are not cues, but "IDline" is.
            if offset > 0, Self.isASCIILetter(scalars[offset - 1]) {
                guard offset >= 2, matches(Self.asciiID, at: offset - 2, ignoringASCIICase: true),
                    offset == 2 || !Self.isASCIILetter(scalars[offset - 3])
                else { return nil }
            }
            return offset + Self.asciiLine.count
        }
        if matches(Self.thaiLine, at: offset) {
            let isOnlineOrOffline = Self.thaiOnlineOffline.contains {
                offset >= $0.count && matches($0, at: offset - $0.count)
            }
            guard !isOnlineOrOffline else { return nil }
            let end = offset + Self.thaiLine.count
            return end < scalars.count && scalars[end] == Self.thanthakhat ? end + 1 : end
        }
        return nil
    }

    /// The LINE ID after a cue from `cueStart` to `cueEnd`: optional " id"/"-id"/"ไอดี", then optional spaces,
    /// ":", "=" or "คือ", then an optional "@" and 2–20 of `[A-Za-z0-9._-]`, starting with a letter or digit.
    ///
    /// An ID of four characters or more is taken after any cue. A shorter one ("Line: jo") must hold a letter,
    /// must not be a word such as "ok" or "is", and needs a cue that can't be English prose: an "id" or separator,
    /// or else a Thai cue or a bare "line" that no English word stands before ("the line is busy"), followed by
    /// something other than capitals alone.
    private func lineID(after cueEnd: Int, cueStart: Int) -> Range<Int>? {
        let count = scalars.count
        var offset = cueEnd
        var isNamed = false
        while offset < count, Self.isInlineSpace(scalars[offset]) { offset += 1 }
        if offset == cueEnd, offset < count, scalars[offset] == "-" || scalars[offset] == "_",
            matches(Self.asciiID, at: offset + 1, ignoringASCIICase: true)
        {
            offset += 1  // "line-id", "LINE_ID"
        }
        if matches(Self.asciiID, at: offset, ignoringASCIICase: true),
            offset + 2 >= count || !Self.isASCIIAlphanumeric(scalars[offset + 2])
        {
            offset += 2
            isNamed = true
        } else if matches(Self.thaiID, at: offset) {
            offset += Self.thaiID.count
            isNamed = true
        } else if offset == cueEnd, offset < count, Self.isASCIILetter(scalars[offset]),
            Self.isASCIILetter(scalars[cueEnd - 1])
        {
            return nil  // "lines", "linear": an English word, not a cue; "ไลน์somchai" is fine.
        }
        var skipped = 0
        while offset < count, skipped < 6 {
            if Self.isInlineSpace(scalars[offset]) {
                offset += 1
            } else if Self.isLineIDSeparator(scalars[offset]) {
                offset += 1
                isNamed = true
            } else if matches(Self.thaiNamely, at: offset) {
                offset += Self.thaiNamely.count
                isNamed = true
            } else {
                break
            }
            skipped += 1
        }
        let start = offset
        if offset < count, scalars[offset] == "@" || scalars[offset] == "＠" { offset += 1 }
        let idStart = offset
        guard offset < count, Self.isASCIIAlphanumeric(scalars[offset]) else { return nil }
        while offset < count, offset - idStart <= 20, Self.isLineIDCharacter(scalars[offset]) { offset += 1 }
        guard offset - idStart <= 20 else { return nil }
        // Followed by "@" it is an e-mail address; by "://" a URL scheme.
        if offset < count, scalars[offset] == "@" { return nil }
        if offset + 2 < count, scalars[offset] == ":", scalars[offset + 1] == "/", scalars[offset + 2] == "/" {
            return nil
        }
        var end = offset
        while end > idStart, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
        let length = end - idStart
        guard length >= 2 else { return nil }
        if length < 4 {
            let id = scalars[idStart..<end]
            guard id.contains(where: Self.isASCIILetter) else { return nil }
            let word = String(String.UnicodeScalarView(id.map(Self.asciiLowercased)))
            guard !Self.shortNonIDs.contains(word) else { return nil }
            // Capitals alone name an account or a service ("คำร้องจาก Line PSC") unless the cue says an ID follows.
            let isAcronym = id.allSatisfy { (0x41...0x5A).contains($0.value) }
            guard isNamed || !isAcronym && isThaiOrUnprefixedCue(cueStart) else { return nil }
        }
        return start..<end
    }

    /// Whether the cue at `cueStart` is Thai, or an ASCII "line" with no Latin word before it ("ติดต่อ LINE jo",
    /// "ID line jo"), so the word after it is meant as an ID rather than read on as English.
    private func isThaiOrUnprefixedCue(_ cueStart: Int) -> Bool {
        guard Self.isASCIILetter(scalars[cueStart]) else { return true }
        var last = cueStart - 1
        while last >= 0, Self.isInlineSpace(scalars[last]) { last -= 1 }
        guard last >= 0, Self.isASCIILetter(scalars[last]) else { return true }
        // "IDline", "id line"
        return last >= 1 && matches(Self.asciiID, at: last - 1, ignoringASCIICase: true)
            && (last == 1 || !Self.isASCIILetter(scalars[last - 2]))
    }

    // MARK: Phone numbers and national IDs

    /// One run of digits inside a number phrase, with what joins it to the run before it.
    private struct DigitGroup {
        var start: Int
        var end: Int
        var joint: Joint
        var count: Int { end - start }
    }

    /// The few scalars between two digit runs of a phrase, reduced to what decides where a number may end.
    private struct Joint {
        /// May sit inside a phone number or ID: one dash or dot, a few spaces, brackets.
        var canBeInside: Bool
        /// A number may start or end here: the runs are apart (a space) or listed (a comma, slash, semicolon).
        var canSplit: Bool
        /// The scalar when the joint is a lone dash, slash or comma: the marks of the Thai short form
        /// "02-123-4567-8" (…4567 to …4568), whose tail belongs to the number.
        var rangeMark: Unicode.Scalar?
        /// Begins with ")", closing a bracket opened before the previous run: "(02) 123 4567".
        var closesBracket: Bool

        static let phraseStart = Joint(canBeInside: false, canSplit: true, rangeMark: nil, closesBracket: false)
    }

    /// The digits and group lengths of one candidate number, with the marks written before it.
    private struct NumberCandidate {
        var digits: [UInt8] = []
        var lengths: [Int] = []
        var hasPlus = false
        var bracketsFirstGroup = false
    }

    /// Phone numbers and national IDs, found phrase by phrase.
    ///
    /// A phrase is a maximal sequence of digit runs joined by short separators; within it a number must begin and
    /// end where the phrase may be split, so "1234-0812345678" and a 16-digit card number stay whole: they are
    /// either one thing or nothing.
    private func numberRanges() -> [(PersonalDataKind, Range<Int>)] {
        var result: [(PersonalDataKind, Range<Int>)] = []
        var groups: [DigitGroup] = []
        var candidate = NumberCandidate()
        var offset = 0
        while offset < scalars.count {
            guard Self.digitValue(scalars[offset]) != nil else {
                offset += 1
                continue
            }
            groups.removeAll(keepingCapacity: true)
            var start = offset
            var joint = Joint.phraseStart
            while true {
                var end = start
                while end < scalars.count, Self.digitValue(scalars[end]) != nil { end += 1 }
                groups.append(DigitGroup(start: start, end: end, joint: joint))
                guard let next = self.joint(after: end) else { break }
                (start, joint) = next
            }
            findNumbers(in: groups, candidate: &candidate, into: &result)
            offset = groups[groups.count - 1].end
        }
        return result
    }

    /// Reads the separator after a digit run ending at `end`; nil when the phrase ends there.
    private func joint(after end: Int) -> (next: Int, joint: Joint)? {
        var offset = end
        var spaces = 0
        var dashes = 0
        var dots = 0
        var lists = 0
        var others = 0
        var opens = 0
        var closes = 0
        while offset < scalars.count, offset - end < 5, Self.digitValue(scalars[offset]) == nil {
            let scalar = scalars[offset]
            if Self.isInlineSpace(scalar) {
                spaces += 1
            } else if Self.isDash(scalar) {
                dashes += 1
            } else if scalar == "." {
                dots += 1
            } else if scalar == "," || scalar == "/" || scalar == ";" {
                lists += 1
            } else if scalar == ":" || scalar == "+" {
                others += 1
            } else if scalar == "(" {
                opens += 1
            } else if scalar == ")" {
                closes += 1
            } else {
                return nil
            }
            offset += 1
        }
        guard offset > end, offset < scalars.count, Self.digitValue(scalars[offset]) != nil else { return nil }
        let marks = dashes + dots + lists + others + opens + closes
        let apart = spaces > 0 || lists > 0
        var joint = Joint(canBeInside: false, canSplit: apart, rangeMark: nil, closesBracket: false)
        // "12+500" and "08:15" bind their runs into something that is not a phone; " +66" starts a new number.
        // Every other mix of marks ("--", ", ", ". ") keeps its runs out of one number too.
        guard others == 0 else { return (offset, joint) }
        if opens + closes > 0 {
            let wellFormed =
                opens <= 1 && closes <= 1 && lists == 0 && dots == 0 && dashes <= 1
                && (closes == 0 || scalars[end] == ")") && (opens == 0 || scalars[offset - 1] == "(")
            joint.canBeInside = wellFormed
            joint.closesBracket = closes == 1 && scalars[end] == ")"
        } else if marks == 0 {
            guard spaces <= 3 else { return nil }
            joint.canBeInside = true
        } else if marks == 1, spaces == 0 {
            let mark = scalars[end]
            joint.canBeInside = dashes == 1 || dots == 1
            if dashes == 1 || mark == "/" || mark == "," { joint.rangeMark = dashes == 1 ? "-" : mark }
        } else if marks == 1, dashes == 1 {
            joint.canBeInside = true  // "081 - 234 - 5678"
        }
        return (offset, joint)
    }

    /// Finds the numbers in one phrase, longest first from each place where a number may start.
    private func findNumbers(
        in groups: [DigitGroup],
        candidate: inout NumberCandidate,
        into result: inout [(PersonalDataKind, Range<Int>)]
    ) {
        let count = groups.count
        let gluedBefore = isGluedBefore(lead(of: groups[0]))
        let gluedAfter = isGluedAfter(groups[count - 1].end)
        func canEnd(at index: Int) -> Bool { index == count ? !gluedAfter : groups[index].joint.canSplit }

        var first = 0
        while first < count {
            guard first == 0 ? !gluedBefore : groups[first].joint.canSplit else {
                first += 1
                continue
            }
            var match: (kind: PersonalDataKind, end: Int)?
            var end = min(count, first + 6)
            while end > first, match == nil {
                defer { end -= 1 }
                guard (first + 1..<end).allSatisfy({ groups[$0].joint.canBeInside }) else { continue }
                guard load(groups[first..<end], into: &candidate), let kind = Self.kind(of: candidate) else { continue }
                if kind == .phone, end < count, hasRangeTail(groups, at: end), canEnd(at: end + 1) {
                    match = (kind, end + 1)
                } else if canEnd(at: end) {
                    match = (kind, end)
                }
            }
            guard let match else {
                first += 1
                continue
            }
            let start = candidate.bracketsFirstGroup ? lead(of: groups[first]) : leadWithoutBracket(of: groups[first])
            result.append((match.kind, start..<groups[match.end - 1].end))
            first = match.end
        }
    }

    /// Whether the run at `index` is the short tail of "02-123-4567-8" or "081-234-5678/9", no longer than the run
    /// it stands for.
    private func hasRangeTail(_ groups: [DigitGroup], at index: Int) -> Bool {
        let tail = groups[index]
        guard let mark = tail.joint.rangeMark else { return false }
        let longest = mark == "-" ? 2 : 4
        return tail.count <= min(longest, groups[index - 1].count)
    }

    /// Fills `candidate` from `groups`; false when they hold too many digits to be any number we look for.
    private func load(_ groups: ArraySlice<DigitGroup>, into candidate: inout NumberCandidate) -> Bool {
        let total = groups.reduce(0) { $0 + $1.count }
        guard total <= 15, let first = groups.first else { return false }
        candidate.digits.removeAll(keepingCapacity: true)
        candidate.lengths.removeAll(keepingCapacity: true)
        for group in groups {
            for offset in group.start..<group.end { candidate.digits.append(Self.digitValue(scalars[offset]) ?? 0) }
            candidate.lengths.append(group.count)
        }
        candidate.hasPlus = hasPlus(first)
        candidate.bracketsFirstGroup =
            opensBracket(first) && groups.count > 1 && groups[groups.startIndex + 1].joint.closesBracket
        return true
    }

    private func hasPlus(_ group: DigitGroup) -> Bool {
        group.start > 0 && (scalars[group.start - 1] == "+" || scalars[group.start - 1] == "＋")
    }

    private func opensBracket(_ group: DigitGroup) -> Bool {
        let beforePlus = leadWithoutBracket(of: group)
        return beforePlus > 0 && scalars[beforePlus - 1] == "("
    }

    /// Where a number starting with `group` begins, counting a "+" right before it.
    private func leadWithoutBracket(of group: DigitGroup) -> Int {
        hasPlus(group) ? group.start - 1 : group.start
    }

    /// Where a number starting with `group` begins, counting a "+" and a "(" right before it.
    private func lead(of group: DigitGroup) -> Int {
        opensBracket(group) ? leadWithoutBracket(of: group) - 1 : leadWithoutBracket(of: group)
    }

    /// Latin words that may stand right before a number without making it part of a code: "tel0812345678".
    private static let numberCues: Set<String> = [
        "tel", "phone", "mobile", "mob", "call", "fax", "hotline", "contact", "line", "id", "no", "number", "ph",
        "cell", "whatsapp",
    ]

    /// Whether the number starting at `lead` is glued to Latin letters before it ("AB0812345678", "ORD-0812345678"),
    /// making it part of a code rather than a number of its own.
    private func isGluedBefore(_ lead: Int) -> Bool {
        var last = lead - 1
        guard last >= 0 else { return false }
        let scalar = scalars[last]
        if scalar == "." || scalar == "_" || scalar == "#" || Self.isDash(scalar) {
            guard last > 0 else { return false }
            last -= 1
        }
        guard Self.isASCIILetter(scalars[last]) else { return false }
        var first = last
        while first > 0, Self.isASCIILetter(scalars[first - 1]), last - first < 12 { first -= 1 }
        let word = String(String.UnicodeScalarView(scalars[first...last].map(Self.asciiLowercased)))
        return !Self.numberCues.contains(word)
    }

    /// Whether the number ending at `end` runs on into Latin letters ("0812345678AB", "0812345678.jpg");
    /// "x" and "ext" for an extension are allowed.
    private func isGluedAfter(_ end: Int) -> Bool {
        guard end < scalars.count else { return false }
        var first = end
        let scalar = scalars[first]
        if scalar == "." || scalar == "_" || Self.isDash(scalar) {
            guard first + 1 < scalars.count else { return false }
            first += 1
        }
        guard Self.isASCIILetter(scalars[first]) else { return false }
        guard first == end else { return true }
        var last = first
        while last < scalars.count, Self.isASCIILetter(scalars[last]), last - first < 4 { last += 1 }
        let word = String(String.UnicodeScalarView(scalars[first..<last].map(Self.asciiLowercased)))
        return word != "x" && word != "ext"
    }

    /// What the candidate is, if anything: a national ID is tried first, as no phone number has 13 digits.
    private static func kind(of candidate: NumberCandidate) -> PersonalDataKind? {
        if !candidate.hasPlus, !candidate.bracketsFirstGroup, isNationalIDGrouping(candidate.lengths),
            hasValidCheckDigit(candidate.digits)
        {
            return .nationalID
        }
        return isPhone(candidate) ? .phone : nil
    }

    /// The ways a national ID is written: plain, or grouped 1-2345-67890-12-3 or 1-2345-67890-123.
    private static func isNationalIDGrouping(_ lengths: [Int]) -> Bool {
        lengths == [13] || lengths == [1, 4, 5, 2, 1] || lengths == [1, 4, 5, 3]
    }

    /// The national ID check: the first twelve digits weighted 13 down to 2, then (11 − sum mod 11) mod 10
    /// must be the thirteenth digit.
    static func hasValidCheckDigit(_ digits: [UInt8]) -> Bool {
        guard digits.count == 13 else { return false }
        var sum = 0
        for (index, digit) in digits.prefix(12).enumerated() { sum += Int(digit) * (13 - index) }
        return (11 - sum % 11) % 10 == Int(digits[12])
    }

    /// Thai numbers with the trunk 0 (0X…), with +66 or (66), or bare 66 before a mobile number or a grouped
    /// landline; other countries' numbers only with "+".
    private static func isPhone(_ candidate: NumberCandidate) -> Bool {
        let digits = candidate.digits
        let lengths = candidate.lengths
        guard digits.count >= 8 else { return false }
        let startsWithThailand = digits[0] == 6 && digits[1] == 6 && lengths[0] >= 2
        let bracketedThailand = candidate.bracketsFirstGroup && lengths[0] == 2
        // Without "+" only a mobile number may follow 66: "6621234567" is as likely an order number. A 66 set
        // apart before a number in groups ("66 2 188 1428", "66-2188-1428") is written the way phones are.
        let bareThaiMobile = digits.count == 11 && [6, 8, 9].contains(digits[2])
        let bareGroupedThailand = lengths[0] == 2 && lengths.count >= 3
        if startsWithThailand, candidate.hasPlus || bracketedThailand || bareThaiMobile || bareGroupedThailand {
            var national = digits.dropFirst(2)
            var nationalLengths = Array(lengths)
            nationalLengths[0] -= 2
            if national.first == 0 {  // "+66 (0)81…", "+66 081…": a trunk 0 that shouldn't be there
                national = national.dropFirst()
                nationalLengths[0] -= 1
                if nationalLengths[0] < 0 {
                    nationalLengths.removeFirst()
                    nationalLengths[0] -= 1
                }
            }
            nationalLengths.removeAll { $0 == 0 }
            return isSubscriberNumber(national) && nationalLengths.count <= 4
                && nationalLengths.dropFirst().allSatisfy { $0 >= 2 }
        }
        if candidate.hasPlus {
            return (9...15).contains(digits.count) && digits[0] != 0 && lengths.count <= 6
        }
        // The older way of writing a landline sets the trunk 0 apart, "0-2188-1428" and "๐ ๕๓๒๑ ๑๒๓๔", so the
        // first run may be that lone 0; any other run of one digit reads as an account number or a list.
        return digits[0] == 0 && isSubscriberNumber(digits.dropFirst()) && lengths.count <= 4
            && lengths.dropFirst().allSatisfy { $0 >= 2 }
    }

    /// A Thai number after the trunk 0: mobile 6/8/9 and eight more digits, landline 2–5/7 and seven more.
    private static func isSubscriberNumber(_ digits: ArraySlice<UInt8>) -> Bool {
        switch digits.first {
        case 6?, 8?, 9?: digits.count == 9
        case 2?, 3?, 4?, 5?, 7?: digits.count == 8
        default: false
        }
    }

    // MARK: Scalars

    private func matches(_ word: [Unicode.Scalar], at offset: Int, ignoringASCIICase: Bool = false) -> Bool {
        guard offset >= 0, offset + word.count <= scalars.count else { return false }
        for (index, expected) in word.enumerated() {
            let scalar = scalars[offset + index]
            guard (ignoringASCIICase ? Self.asciiLowercased(scalar) : scalar) == expected else { return false }
        }
        return true
    }

    /// The value of an ASCII, Thai (๐–๙) or full-width digit.
    private static func digitValue(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: UInt8(scalar.value - 0x30)
        case 0x0E50...0x0E59: UInt8(scalar.value - 0x0E50)
        case 0xFF10...0xFF19: UInt8(scalar.value - 0xFF10)
        default: nil
        }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || (0x30...0x39).contains(scalar.value)
    }

    private static func asciiLowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar
    }

    /// Spaces that may sit between the groups of one number, zero-width space included (Thai text has many).
    private static func isInlineSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0xA0, 0x2000...0x200B, 0x202F, 0x3000: true
        default: false
        }
    }

    /// Hyphen-minus and the dashes that phones and word processors put in its place.
    private static func isDash(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2010...0x2014, 0x2212, 0xFF0D: true
        default: false
        }
    }

    private static func isEmailLocal(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || scalar == "." || scalar == "_" || scalar == "%" || scalar == "+"
            || scalar == "-"
    }

    private static func isLineIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || scalar == "." || scalar == "_" || scalar == "-"
    }

    /// The bracket that closes `scalar`, when `scalar` opens one.
    private static func closingBracket(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "(": ")"
        case "[": "]"
        case "{": "}"
        case "<": ">"
        case "（": "）"
        default: nil
        }
    }

    private static func isOpeningBracket(_ scalar: Unicode.Scalar) -> Bool { closingBracket(of: scalar) != nil }

    private static func isClosingBracket(_ scalar: Unicode.Scalar) -> Bool {
        scalar == ")" || scalar == "]" || scalar == "}" || scalar == ">" || scalar == "）"
    }

    private static func isLineIDSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == ":" || scalar == "=" || scalar == "：" || scalar == "＝"
    }
}
