import Domain
import Foundation
import Postgres

/// Writes open-data rows, read from a binary COPY, as CSV or JSON Lines.
///
/// PostgreSQL sends the values as they are stored; turning them into text here (timestamps in
/// Bangkok time above all) costs a fraction of what `to_char` and `json_build_object` cost it,
/// and leaves the database's one core per export to reading rows. Category and agency names are
/// looked up here too (`names`), which spares it two joins per row.
///
/// Each row reserves room for its longest possible text once and is then written through a pointer:
/// appending to an array byte by byte checked its uniqueness and capacity for every byte, which was
/// most of the server's share of an export.
struct OpenDataRows: ~Copyable {
    let columns: [StatisticsStore.OpenDataColumn]
    let format: OpenDataFormat
    /// Names by code, one table per `OpenDataColumn.Value.name` column, as the export's snapshot has them.
    let names: [CodeNames]
    private var sink: ByteSink
    /// Reads the overdue flag from a row's other fields.
    private let overdue: OverdueRule
    /// `daySlots` days and their "YYYY-MM-" and "-DDT" (see `time`).
    private var days = [Int64](repeating: .min, count: OpenDataRows.daySlots)
    private var dates = [(UInt64, UInt32)](repeating: (0, 0), count: OpenDataRows.daySlots)
    /// `"name":` of each column, one after another, for JSON Lines.
    private let jsonKeys: [UInt8]
    private let jsonKeyEnds: [Int]
    /// The most any row adds besides the lengths of its values (names, separators, quotes, times).
    private let overhead: Int

    init(
        columns: [StatisticsStore.OpenDataColumn], format: OpenDataFormat, names: [CodeNames] = [], now: Date, capacity: Int
    ) {
        self.columns = columns
        self.format = format
        self.names = names
        overdue = OverdueRule(columns: columns, now: now)
        sink = ByteSink(capacity: capacity)
        let keys = columns.map { Array("\"\($0.name)\":".utf8) }
        jsonKeys = keys.flatMap { $0 }
        jsonKeyEnds = keys.reduce(into: []) { ends, key in ends.append((ends.last ?? 0) + key.count) }
        let longestName = names.map(\.longest).max() ?? 0
        overhead = columns.reduce(16) { $0 + $1.name.utf8.count + 40 + 6 * longestName }
    }

    /// How many bytes are written and not yet taken.
    var count: Int { sink.count }

    /// The bytes written so far, leaving none.
    mutating func take() -> [UInt8] { sink.take() }

    /// The CSV header line.
    mutating func header() {
        sink.reserve(overhead)
        for (index, column) in columns.enumerated() {
            if index > 0 { sink.put(UInt8(ascii: ",")) }
            sink.put(column.name.utf8)
        }
        sink.put(0x0A)
    }

    mutating func write(_ row: BinaryCopyRow) {
        // A value's bytes at most sextuple (a control character in JSON is \u00XX); the rest is bounded.
        sink.reserve(6 * row.size + overhead)
        switch format {
        case .csv: writeCSV(row)
        case .jsonLines: writeJSON(row)
        }
    }

    private mutating func writeCSV(_ row: BinaryCopyRow) {
        for (index, column) in columns.enumerated() {
            if index > 0 { sink.put(UInt8(ascii: ",")) }
            if case .overdue = column.value { sink.put(overdue.isOverdue(row) ? Self.trueText : Self.falseText) }
            if row.isNull(index) { continue }
            switch column.value {
            case .text: csvText(row.bytes(index), formulaSafe: false)
            case .formulaSafeText: csvText(row.bytes(index), formulaSafe: true)
            case .name(let table): name(row.bytes(index), in: table)?.withUnsafeBytes { csvText($0, formulaSafe: false) }
            case .time: time(row.unixSeconds(index)!)
            case .integer: integer(row.integer(index)!)
            case .boolean: sink.put(row.bool(index)! ? Self.trueText : Self.falseText)
            case .overdue: break
            }
        }
        sink.put(0x0A)
    }

    private mutating func writeJSON(_ row: BinaryCopyRow) {
        sink.put(UInt8(ascii: "{"))
        let keys = jsonKeys
        for (index, column) in columns.enumerated() {
            if index > 0 { sink.put(UInt8(ascii: ",")) }
            keys.withUnsafeBytes { keys in
                sink.put(UnsafeRawBufferPointer(rebasing: keys[(index == 0 ? 0 : jsonKeyEnds[index - 1])..<jsonKeyEnds[index]]))
            }
            if case .overdue = column.value {
                sink.put(overdue.isOverdue(row) ? Self.trueText : Self.falseText)
                continue
            }
            if row.isNull(index) {
                sink.put(Self.nullText)
                continue
            }
            switch column.value {
            case .text, .formulaSafeText: jsonString(row.bytes(index))
            case .name(let table):
                if let name = name(row.bytes(index), in: table) {
                    name.withUnsafeBytes { jsonString($0) }
                } else {
                    sink.put(Self.nullText)
                }
            case .time:
                sink.put(UInt8(ascii: "\""))
                time(row.unixSeconds(index)!)
                sink.put(UInt8(ascii: "\""))
            case .integer: integer(row.integer(index)!)
            case .boolean: sink.put(row.bool(index)! ? Self.trueText : Self.falseText)
            case .overdue: break
            }
        }
        sink.put(UInt8(ascii: "}"))
        sink.put(0x0A)
    }

    static let trueText: StaticString = "true"
    static let falseText: StaticString = "false"
    static let nullText: StaticString = "null"

    /// The name of the code in `bytes` from `names[table]`; nil for a code the table does not hold (the
    /// cases table has no foreign key to it), written as a missing value, as the join it replaced did.
    private func name(_ bytes: UnsafeRawBufferPointer, in table: Int) -> [UInt8]? {
        names[table].name(of: bytes)
    }

    /// A CSV field as PostgreSQL's CSV output writes it: quoted when it holds a comma, a quote or a
    /// line break, or is empty (an empty text is not a missing one); quotes doubled. A cell a
    /// spreadsheet would run as a formula gets a leading apostrophe.
    private mutating func csvText(_ text: UnsafeRawBufferPointer, formulaSafe: Bool) {
        let defused = formulaSafe && text.first.map(Self.isFormulaStart) == true
        let quoted = (text.isEmpty && !defused) || Self.firstCSVSpecial(in: text, from: 0) != nil
        if quoted { sink.put(0x22) }
        if defused { sink.put(UInt8(ascii: "'")) }
        if quoted {
            // Copy runs between quotes, each quote doubled.
            var from = 0
            while let at = Self.firstByte(0x22, in: text, from: from) {
                sink.put(UnsafeRawBufferPointer(rebasing: text[from...at]))
                sink.put(0x22)
                from = at + 1
            }
            sink.put(UnsafeRawBufferPointer(rebasing: text[from...]))
            sink.put(0x22)
        } else {
            sink.put(text)
        }
    }

    /// = + - @ tab and carriage return.
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
    }

    /// A JSON string: quote, backslash and control characters escaped, the rest (UTF-8) as it is.
    private mutating func jsonString(_ text: UnsafeRawBufferPointer) {
        sink.put(0x22)
        var from = 0
        while let at = Self.firstJSONSpecial(in: text, from: from) {
            sink.put(UnsafeRawBufferPointer(rebasing: text[from..<at]))
            from = at + 1
            let byte = text[at]
            sink.put(0x5C)
            switch byte {
            case 0x22, 0x5C: sink.put(byte)
            case 0x0A: sink.put(UInt8(ascii: "n"))
            case 0x0D: sink.put(UInt8(ascii: "r"))
            case 0x09: sink.put(UInt8(ascii: "t"))
            default:
                sink.put(UInt8(ascii: "u"))
                sink.put(0x30)
                sink.put(0x30)
                sink.put(Self.hexDigit(byte >> 4))
                sink.put(Self.hexDigit(byte & 0xF))
            }
        }
        sink.put(UnsafeRawBufferPointer(rebasing: text[from...]))
        sink.put(0x22)
    }

    static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

    // MARK: Finding the bytes that need care, eight at a time

    /// Thai text is almost all bytes ≥ 0x80 and the bytes looked for are a few control characters and
    /// one or two marks, so a word of eight bytes holding none is skipped whole; only a word that may
    /// hold one is looked at byte by byte.
    private static func firstCSVSpecial(in text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        firstByte(in: text, from: start, below: 0x0E, equalTo: (0x2C, 0x22)) { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }

    private static func firstJSONSpecial(in text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        firstByte(in: text, from: start, below: 0x20, equalTo: (0x22, 0x5C)) { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    private static func firstByte(_ wanted: UInt8, in text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        firstByte(in: text, from: start, below: 0, equalTo: (wanted, wanted)) { $0 == wanted }
    }

    /// The index of the first byte from `start` that `matches`, where every matching byte is below
    /// `limit` (at most 0x80) or one of `equalTo`.
    @inline(__always)
    private static func firstByte(
        in text: UnsafeRawBufferPointer, from start: Int, below limit: UInt8, equalTo marks: (UInt8, UInt8),
        matches: (UInt8) -> Bool
    ) -> Int? {
        var index = start
        let count = text.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = ones &* UInt64(limit)
        let first = ones &* UInt64(marks.0)
        let second = ones &* UInt64(marks.1)
        while count - index >= 8 {
            let word = text.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // A byte b < limit sets its high bit in (b - limit) & ~b, and a byte equal to a mark is a zero
            // byte of word ^ mark, found the same way with limit 1. No byte that matches goes unflagged;
            // a borrow can flag one that does not, which the look byte by byte then passes over.
            let same = word ^ first
            let also = word ^ second
            let flagged = ((word &- below) & ~word | (same &- ones) & ~same | (also &- ones) & ~also) & highs
            if flagged != 0 {
                for offset in index..<index + 8 where matches(text[offset]) { return offset }
            }
            index += 8
        }
        while index < count {
            if matches(text[index]) { return index }
            index += 1
        }
        return nil
    }

    // MARK: Numbers and times

    /// Unix seconds as "YYYY-MM-DDTHH:MM:SS+07:00", in Bangkok time (which has no daylight saving),
    /// made in a scratch of four words and copied out once.
    private mutating func time(_ unix: Int64) {
        let local = unix + 7 * 3600
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let slot = Int(UInt64(bitPattern: day) & UInt64(Self.daySlots - 1))
        if days[slot] != day {
            let (year, month, dayOfMonth) = PostgresTimestamp.civilDate(fromDays: day)
            guard year >= 0 && year <= 9999 else { return farTime(local, day: day, year: year, month: month, dayOfMonth: dayOfMonth) }
            var date: UInt64 = 0
            withUnsafeMutableBytes(of: &date) { text in
                Self.put2(year / 100, at: 0, in: text)
                Self.put2(year % 100, at: 2, in: text)
                text[4] = UInt8(ascii: "-")
                Self.put2(month, at: 5, in: text)
                text[7] = UInt8(ascii: "-")
            }
            var rest: UInt32 = 0
            withUnsafeMutableBytes(of: &rest) { text in
                text[0] = UInt8(ascii: "-")
                Self.put2(dayOfMonth, at: 1, in: text)
                text[3] = UInt8(ascii: "T")
            }
            days[slot] = day
            dates[slot] = (date, rest)
        }
        let seconds = local - day * 86_400
        let (date, rest) = dates[slot]
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { text in
            // "YYYY-MM-" then "-DDT" over its last byte, then "HH:MM:SS+07:00".
            text.storeBytes(of: date, toByteOffset: 0, as: UInt64.self)
            text.storeBytes(of: rest, toByteOffset: 7, as: UInt32.self)
            Self.put2(seconds / 3600, at: 11, in: text)
            text[13] = UInt8(ascii: ":")
            Self.put2(seconds / 60 % 60, at: 14, in: text)
            text[16] = UInt8(ascii: ":")
            Self.put2(seconds % 60, at: 17, in: text)
            UnsafeMutableRawBufferPointer(rebasing: text[19..<25]).copyMemory(
                from: UnsafeRawBufferPointer(start: Self.bangkokOffset.utf8Start, count: 6))
            sink.put(UnsafeRawBufferPointer(rebasing: text[0..<25]))
        }
    }

    static let bangkokOffset: StaticString = "+07:00"

    /// Days remembered with their "YYYY-MM-DDT" by the day's low bits: 2,048, so that every day of five
    /// and a half years has its own (rows come in the order cases were filed, but their other times do
    /// not: a cache of the last day written missed nearly always).
    static let daySlots = 2048

    /// A time whose year is not of four digits (never filed, but a value all the same).
    private mutating func farTime(_ local: Int64, day: Int64, year: Int64, month: Int64, dayOfMonth: Int64) {
        var text: [UInt8] = year < 0 ? [UInt8(ascii: "-")] : []
        Self.digits(year.magnitude, width: 4, into: &text)
        for (separator, value) in [("-", month), ("-", dayOfMonth)] {
            text.append(contentsOf: separator.utf8)
            Self.digits(value, width: 2, into: &text)
        }
        text.append(UInt8(ascii: "T"))
        let seconds = local - day * 86_400
        for (index, value) in [seconds / 3600, seconds / 60 % 60, seconds % 60].enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            Self.digits(value, width: 2, into: &text)
        }
        sink.reserve(text.count + Self.bangkokOffset.utf8CodeUnitCount)
        text.withUnsafeBytes { sink.put($0) }
        sink.put(Self.bangkokOffset)
    }

    /// Two decimal digits of `value` (0 to 99) at `offset`.
    @inline(__always)
    static func put2(_ value: Int64, at offset: Int, in text: UnsafeMutableRawBufferPointer) {
        text[offset] = UInt8(truncatingIfNeeded: 48 + value / 10)
        text[offset + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
    }

    private mutating func integer(_ value: Int64) {
        // Ratings and counts: one or two digits nearly always.
        if value >= 0 && value < 10 { return sink.put(UInt8(48 + value)) }
        var text: [UInt8] = []
        if value < 0 { text.append(UInt8(ascii: "-")) }
        Self.digits(value.magnitude, width: 1, into: &text)
        text.withUnsafeBytes { sink.put($0) }
    }

    /// The decimal digits of a non-negative number, zero-padded to `width`.
    static func digits(_ value: some BinaryInteger, width: Int, into bytes: inout [UInt8]) {
        let text = String(value)
        for _ in text.utf8.count..<max(text.utf8.count, width) { bytes.append(0x30) }
        bytes.append(contentsOf: text.utf8)
    }
}

/// The overdue flag of open data from a row's status and times, at the export's time: the Domain's rule
/// (`DueDates.isOverdue`) on the microseconds PostgreSQL sends, instead of the same rule in SQL for every row.
struct OverdueRule {
    /// Field numbers of the status, the acknowledgement and first answer, and the three due times.
    private let fields: (status: Int, acknowledged: Int, firstAnswered: Int, acknowledgeDue: Int, firstAnswerDue: Int, resolutionDue: Int)
    /// The export's time in microseconds since 2000-01-01 UTC, as binary timestamps count.
    private let now: Int64
    private let openStatuses: Set<ShortCode>

    /// - Precondition: the columns include the six the rule reads (a column renamed must not make every
    ///   case quietly "not overdue").
    init(columns: [StatisticsStore.OpenDataColumn], now: Date) {
        func field(_ name: String) -> Int {
            guard let index = columns.firstIndex(where: { $0.name == name }) else {
                preconditionFailure("open data's overdue flag needs the column \(name)")
            }
            return index
        }
        fields = (
            field("status"), field("acknowledged_at"), field("first_answered_at"), field("acknowledge_due"),
            field("first_answer_due"), field("resolution_due")
        )
        self.now = Int64(((now.timeIntervalSince1970 - 946_684_800) * 1_000_000).rounded())
        openStatuses = Set(CaseStatus.allCases.filter(\.isOpen).compactMap { ShortCode($0.rawValue) })
    }

    func isOverdue(_ row: BinaryCopyRow) -> Bool {
        guard let status = ShortCode(row.bytes(fields.status)),
            let acknowledgeDue = row.integer(fields.acknowledgeDue), let firstAnswerDue = row.integer(fields.firstAnswerDue),
            let resolutionDue = row.integer(fields.resolutionDue)
        else { return false }
        return DueDates.isOverdue(
            open: openStatuses.contains(status), acknowledged: !row.isNull(fields.acknowledged),
            firstAnswered: !row.isNull(fields.firstAnswered), now: now, acknowledgeDue: acknowledgeDue,
            firstAnswerDue: firstAnswerDue, resolutionDue: resolutionDue)
    }
}

/// Names by code (a category's, an agency's), found from a code's bytes without making a string of them.
struct CodeNames {
    private var short: [ShortCode: [UInt8]] = [:]
    /// Codes of 32 bytes or more (none so far), by their text.
    private var long: [String: [UInt8]] = [:]
    /// The length of the longest name, in bytes.
    private(set) var longest = 0

    init(_ pairs: [(code: String, name: String)]) {
        for (code, name) in pairs {
            let bytes = Array(name.utf8)
            longest = max(longest, bytes.count)
            if let key = ShortCode(code) {
                short[key] = bytes
            } else {
                long[code] = bytes
            }
        }
    }

    func name(of code: UnsafeRawBufferPointer) -> [UInt8]? {
        if let key = ShortCode(code) { return short[key] }
        return long[String(decoding: code, as: UTF8.self)]
    }
}

/// A growable run of bytes written through a pointer: `reserve` makes room, and `put` then writes
/// without checks. Freed when its owner goes.
struct ByteSink: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 4096)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `bytes` more.
    mutating func reserve(_ bytes: Int) {
        guard count + bytes > capacity else { return }
        let grown = max(2 * capacity, count + bytes)
        let next = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        next.update(from: base, count: count)
        base.deallocate()
        base = next
        capacity = grown
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func put(_ text: String.UTF8View) {
        for byte in text { put(byte) }
    }

    /// The bytes written so far, leaving none.
    mutating func take() -> [UInt8] {
        defer { count = 0 }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }
}
