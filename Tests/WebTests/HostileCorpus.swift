import Classification
import Foundation

/// The seeded generator of the hostile corpus: the sampled part is the same on every run, so a
/// failure can be replayed.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A seed from a text (a route and an identity), stable across runs and platforms.
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}

/// A JSON value written by hand, so bodies can hold what no encoder writes: numbers such as
/// `1e400`, lone surrogate escapes, thousands of nested brackets.
indirect enum HostileJSON: Sendable {
    case string(String)
    /// A literal written as is (numbers, `NaN`, a string with a lone surrogate escape).
    case raw(String)
    case bool(Bool)
    case null
    case array([HostileJSON])
    case object([(String, HostileJSON)])

    var text: String {
        switch self {
        case .string(let value): return Self.quoted(value)
        case .raw(let literal): return literal
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal; control characters (NUL included) as `\u00XX` escapes.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The paths of every leaf (strings, numbers, booleans) in this object, in order.
    var leafPaths: [[String]] {
        guard case .object(let members) = self else { return [] }
        return members.flatMap { key, value -> [[String]] in
            if case .object = value { return value.leafPaths.map { [key] + $0 } }
            return [[key]]
        }
    }

    /// The paths of string leaves only.
    var stringPaths: [[String]] {
        leafPaths.filter { if case .string? = self.value(at: $0) { return true } else { return false } }
    }

    func value(at path: [String]) -> HostileJSON? {
        guard let key = path.first else { return self }
        guard case .object(let members) = self, let member = members.first(where: { $0.0 == key }) else { return nil }
        return member.1.value(at: Array(path.dropFirst()))
    }

    /// This object with the value at `path` replaced, or removed when `value` is nil.
    func replacing(_ path: [String], with value: HostileJSON?) -> HostileJSON {
        guard let key = path.first, case .object(var members) = self else { return value ?? self }
        guard let index = members.firstIndex(where: { $0.0 == key }) else { return self }
        if path.count == 1 {
            if let value { members[index].1 = value } else { members.remove(at: index) }
        } else {
            members[index].1 = members[index].1.replacing(Array(path.dropFirst()), with: value)
        }
        return .object(members)
    }
}

/// The inputs the hostile test sends, from which each route's requests are built.
enum HostileCorpus {
    /// Strings put into every kind of field: path parameters, query values, JSON and form fields.
    static let strings: [String] = [
        "\u{0}", "a\u{0}b", "../../etc/passwd", "", " \t\r\n", String(repeating: "ก", count: 5_001),
        String(repeating: "A", count: 20_000),
        "\u{202E}เรื่องร้องเรียน\u{202C}", "\u{200F}\u{200E}\u{061C}", "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
        "ก\u{0E48}\u{0E48}\u{0E48}\u{0E48}\u{0E49}\u{0E4A}\u{0E4B}", "👩‍👩‍👧‍👦🏳️‍🌈", "\u{FFFD}\u{FFFF}\u{10FFFF}\u{E000}",
        "\u{1}\u{7}\u{1B}[31m\u{7F}", "๑๒๓๔", "ＳＧ－２０２６", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999", "-1", "1e400", "NaN", "' OR '1'='1", "'; DROP TABLE cases; --", "$(sleep 10)|`id`",
        "{{7*7}}{{{x}}}", "<script>alert(1)</script>", "%00%s%n", "=cmd|' /C calc'!A0", "300000-01-01", "0000-01-01",
        "SG-2026-7K3QX9",
    ]

    /// Words this service knows, put where they do not belong or where they do: actions,
    /// statuses, reasons, kinds, categories, agencies, area codes, a consent version.
    static let domainWords: [String] = [
        "accept", "start", "comment", "resolve", "reject", "transfer", "recategorise", "merge", "place", "triage",
        "not_a_case", "abusive", "complaint", "suggestion", "inquiry", "road", "corruption", "bma-district-1047", "mea",
        "10", "1047", "104701", "2026-01", "true", "on", "5",
    ]

    /// The strings percent-encoded, beside themselves.
    static let encodedStrings = strings.map { ($0, encoded($0)) }

    /// Path segments written into a URL as they are: broken percent-encodings, dot segments,
    /// encoded slashes and NUL, UTF-8 for a lone surrogate, overlong UTF-8. `{code}` is a real code.
    static let rawPathSegments: [String] = [
        "..", ".", "%", "%zz", "%ED%A0%80", "%C0%AF", "%FF%FE", "%E0%B8", "%00", "a%00b", "..%2F..%2Fetc%2Fpasswd",
        "../../etc/passwd", "a/b", "%2e%2e%2f%2e%2e%2f", "{code}%00", "{code}%2F..", "{code}/..", "{lower}",
        "{spaced}", "{zerowidth}", "{code}%E2%80%AE", String(repeating: "%41", count: 3_000),
    ]

    /// Query strings with extreme numbers and dates, broken encodings and repeated parameters.
    static let queries: [String] = [
        "from=300000-1-1", "from=0000-01-01", "to=0000-01-01", "from=0001-01-01&to=0001-01-02", "from=-001-01-01",
        "to=999999-12-31", "from=2026-02-30", "from=2026-13-01", "from=NaN", "from=292277026596-12-04T15:30:07Z",
        "from=%2B275760-09-13", "to=0001-01-01T00:00:00%2B14:00", "from=2026-01-01&to=2025-01-01", "from=2026-01-01%00",
        "cursor=9223372036854775807_1", "cursor=-9223372036854775808_1",
        "cursor=9223372036854775807_9223372036854775807",
        "cursor=0_-9223372036854775808", "cursor=1_2_3", "cursor=%00", "cursor=1e400_1",
        "after=9223372036854775807_1", "after=-9223372036854775808_1",
        "limit=-1", "limit=99999999999999999999", "limit=NaN", "limit=1e400", "limit=1&limit=-1&limit=x",
        "limit=%E0%B9%91",
        "min_cases=-1", "min_cases=99999999999999999999", "group_by=category,agency,month", "group_by=day,day",
        "group_by=" + String(repeating: ",", count: 5_000), "category=" + String(repeating: "road,", count: 3_000),
        "area=10%00", "area=999999", "agency=%27%20OR%201%3D1%20--", "kind=x", "status=open,closed,,,%00",
        "overdue=maybe",
        "level=%00&parent=..%2F..%2F", "reason=" + String(repeating: "x", count: 300), "reason=%00",
        "back=//evil.example", "back=%0d%0aSet-Cookie:%20x=1", "back=/%5Cevil.example", "back=javascript:alert(1)",
        "back=/%09/evil.example", "back=%2F%0A%2Fevil.example",
        "code=" + String(repeating: "S", count: 5_000) + "&done=%00&v=%00&out=1",
        "%zz=%zz&%&&&&==", String(repeating: "a=1&", count: 1_000), "%ED%A0%80=%ED%A0%80&q[]=1&q[x]=2",
        "x=" + String(repeating: "y", count: 60_000),
    ]

    /// Whole JSON bodies: not JSON, the wrong shape, lone surrogates, deep nesting, huge numbers,
    /// too large. Bytes, so invalid UTF-8 can be sent too.
    static let jsonBodies: [(String, [UInt8])] = {
        var bodies: [(String, String)] = [
            ("empty", ""), ("null", "null"), ("array", "[]"), ("string", "\"x\""), ("number", "0"), ("1e400", "1e400"),
            ("open brace", "{"), ("truncated", "{\"text\":"), ("trailing garbage", "{}x"),
            ("lone high surrogate", "{\"text\": \"\\ud800\", \"reason\": \"\\ud800\", \"note\": \"\\ud800\"}"),
            ("reversed surrogates", "{\"text\": \"\\udc00\\ud800\", \"comment\": \"\\udfff\"}"),
            ("duplicate keys", "{\"text\":\"a\",\"text\":\"b\",\"stars\":1,\"stars\":9}"),
            ("BOM", "\u{FEFF}{}"), ("NaN literal", "{\"lat\": NaN, \"lon\": Infinity, \"stars\": NaN}"),
            ("huge numbers", "{\"stars\": 1e400, \"lat\": 1e400, \"lon\": -1e400}"),
            ("int overflow", "{\"stars\": 9223372036854775808, \"lat\": -9223372036854775809}"),
            ("fraction for int", "{\"stars\": 4.5}"), ("string for int", "{\"stars\": \"4\", \"anonymous\": \"yes\"}"),
            ("comments", "/* x */ {\"text\": \"a\"} // y"),
            ("deep arrays", String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)),
            ("deep unclosed arrays", String(repeating: "[", count: 60_000)),
            ("deep objects", String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)),
            (
                "deep value in field",
                "{\"text\": \"a\", \"area\": " + String(repeating: "[", count: 20_000)
                    + String(repeating: "]", count: 20_000) + "}"
            ),
            ("too large", "{\"text\": \"" + String(repeating: "a", count: 70_000) + "\"}"),
            ("just under the limit", "{\"text\": \"" + String(repeating: "a", count: 65_000) + "\"}"),
        ]
        // Long Thai: a real sentence many times over, and one letter with no break at all, each
        // just under the body limit (word segmentation and classification must stay fast).
        let sentence = "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่มาก รถมอไซค์ล้ม "
        bodies.append(
            ("long Thai text", "{\"text\": \"" + String(repeating: sentence, count: 21_000 / sentence.count) + "\"}"))
        bodies.append(("long Thai run", "{\"text\": \"" + String(repeating: "ก", count: 21_000) + "\"}"))
        bodies.append(("long Thai run of words", "{\"text\": \"" + String(repeating: "ถนนหลุม", count: 3_000) + "\"}"))
        bodies.append(("many keys", "{" + (0..<4_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"))
        var result = bodies.map { ($0.0, Array($0.1.utf8)) }
        result.append(
            (
                "invalid UTF-8",
                [0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC0, 0xAF, 0x22, 0x7D]
            ))
        result.append(("UTF-16", Array("{\"text\": \"ถนน\"}".data(using: .utf16LittleEndian)!)))
        return result
    }()

    /// Whole form bodies: broken encodings, nesting the decoder must not recurse into forever,
    /// repeated fields, too large. `{csrf}` is the valid token.
    static let formBodies: [(String, String)] = [
        ("empty", ""), ("percent", "%"), ("bad escape", "csrf={csrf}&%zz=%zz"), ("separators", "&&&&====&=&"),
        ("repeated fields", "csrf={csrf}&csrf=x&text=a&text=b&stars=1&stars=9"),
        ("brackets", "csrf={csrf}&a[b][c][d]=1&text[]=1&text[x]=2"), ("array", "csrf={csrf}&a[]=1&a[]=2"),
        ("deep brackets", "csrf={csrf}&a" + String(repeating: "[a]", count: 5_000) + "=1"),
        ("deep empty brackets", "csrf={csrf}&a" + String(repeating: "[]", count: 5_000) + "=1"),
        ("unclosed bracket", "csrf={csrf}&a[[[[=1&]]]]=2"),
        ("invalid UTF-8", "csrf={csrf}&text=%FF%FE%C0%AF&email=%ED%A0%80"), ("plus", "+++=+++"),
        ("many fields", "csrf={csrf}&" + String(repeating: "x=1&", count: 10_000)),
        ("too large", "csrf={csrf}&text=" + String(repeating: "a", count: 70_000)),
        ("JSON instead", "{\"text\": \"ถนน\"}"),
    ]

    /// Values that are the wrong type for a JSON field.
    static let wrongTypes: [HostileJSON] = [
        .null, .bool(true), .raw("1e400"), .raw("-1"), .raw("9223372036854775808"), .raw("-0.0"), .array([]),
        .object([]), .string("4"), .raw("\"\\ud800\""),
        .raw(String(repeating: "[", count: 3_000) + String(repeating: "]", count: 3_000)),
    ]

    /// The percent-encoding of `text` for a path segment or a query value (only unreserved characters left as is).
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
