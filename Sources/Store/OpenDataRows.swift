import Domain
import Postgres

/// Writes open-data rows, read from a binary COPY, as CSV or JSON Lines.
///
/// PostgreSQL sends the values as they are stored; turning them into text here (timestamps in
/// Bangkok time above all) costs a fraction of what `to_char` and `json_build_object` cost it,
/// and leaves the database's one core per export to reading rows.
struct OpenDataRows {
    let columns: [StatisticsStore.OpenDataColumn]
    let format: OpenDataFormat
    private(set) var bytes: [UInt8] = []
    /// The last Bangkok day written and its text, since consecutive rows mostly share it.
    private var lastDay: Int64 = .min
    private var lastDate: [UInt8] = []

    init(columns: [StatisticsStore.OpenDataColumn], format: OpenDataFormat, capacity: Int) {
        self.columns = columns
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far, leaving none.
    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// The CSV header line.
    mutating func header() {
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: column.name.utf8)
        }
        bytes.append(0x0A)
    }

    mutating func write(_ row: BinaryCopyRow) {
        switch format {
        case .csv: writeCSV(row)
        case .jsonLines: writeJSON(row)
        }
    }

    private mutating func writeCSV(_ row: BinaryCopyRow) {
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if row.isNull(index) { continue }
            switch column.value {
            case .text: csvText(row.bytes(index), formulaSafe: false)
            case .formulaSafeText: csvText(row.bytes(index), formulaSafe: true)
            case .time: time(row.unixSeconds(index)!)
            case .integer: integer(row.integer(index)!)
            case .boolean: bytes.append(contentsOf: row.bool(index)! ? Self.trueText : Self.falseText)
            }
        }
        bytes.append(0x0A)
    }

    private mutating func writeJSON(_ row: BinaryCopyRow) {
        bytes.append(UInt8(ascii: "{"))
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: column.name.utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            if row.isNull(index) {
                bytes.append(contentsOf: Self.nullText)
                continue
            }
            switch column.value {
            case .text, .formulaSafeText: jsonString(row.bytes(index))
            case .time:
                bytes.append(UInt8(ascii: "\""))
                time(row.unixSeconds(index)!)
                bytes.append(UInt8(ascii: "\""))
            case .integer: integer(row.integer(index)!)
            case .boolean: bytes.append(contentsOf: row.bool(index)! ? Self.trueText : Self.falseText)
            }
        }
        bytes.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
    }

    static let trueText = Array("true".utf8)
    static let falseText = Array("false".utf8)
    static let nullText = Array("null".utf8)

    /// A CSV field as PostgreSQL's CSV output writes it: quoted when it holds a comma, a quote or a
    /// line break, or is empty (an empty text is not a missing one); quotes doubled. A cell a
    /// spreadsheet would run as a formula gets a leading apostrophe.
    private mutating func csvText(_ text: UnsafeRawBufferPointer, formulaSafe: Bool) {
        let defused = formulaSafe && text.first.map(Self.formulaStarts.contains) == true
        var quoted = text.isEmpty && !defused
        if !quoted {
            for byte in text where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                quoted = true
                break
            }
        }
        if quoted { bytes.append(0x22) }
        if defused { bytes.append(UInt8(ascii: "'")) }
        if quoted {
            for byte in text {
                if byte == 0x22 { bytes.append(0x22) }
                bytes.append(byte)
            }
            bytes.append(0x22)
        } else {
            bytes.append(contentsOf: text)
        }
    }

    /// = + - @ tab and carriage return.
    static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// A JSON string: quote, backslash and control characters escaped, the rest (UTF-8) as it is.
    private mutating func jsonString(_ text: UnsafeRawBufferPointer) {
        bytes.append(0x22)
        var plainFrom = 0
        for (index, byte) in text.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[plainFrom..<index]))
            plainFrom = index + 1
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[plainFrom...]))
        bytes.append(0x22)
    }

    /// Unix seconds as "YYYY-MM-DDTHH:MM:SS+07:00", in Bangkok time (which has no daylight saving).
    private mutating func time(_ unix: Int64) {
        let local = unix + 7 * 3600
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        if day != lastDay {
            let (year, month, dayOfMonth) = PostgresTimestamp.civilDate(fromDays: day)
            lastDate.removeAll(keepingCapacity: true)
            Self.digits(year, width: 4, into: &lastDate)
            lastDate.append(UInt8(ascii: "-"))
            Self.digits(month, width: 2, into: &lastDate)
            lastDate.append(UInt8(ascii: "-"))
            Self.digits(dayOfMonth, width: 2, into: &lastDate)
            lastDate.append(UInt8(ascii: "T"))
            lastDay = day
        }
        bytes.append(contentsOf: lastDate)
        let seconds = local - day * 86_400
        Self.digits(seconds / 3600, width: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(seconds / 60 % 60, width: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(seconds % 60, width: 2, into: &bytes)
        bytes.append(contentsOf: Self.bangkokOffset)
    }

    static let bangkokOffset = Array("+07:00".utf8)

    private mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            Self.digits(0 - value, width: 1, into: &bytes)
        } else {
            Self.digits(value, width: 1, into: &bytes)
        }
    }

    /// The decimal digits of a non-negative number, zero-padded to `width`.
    static func digits(_ value: Int64, width: Int, into bytes: inout [UInt8]) {
        var count = 1
        var scale: Int64 = 1
        while scale <= value / 10 {
            scale *= 10
            count += 1
        }
        for _ in count..<max(count, width) { bytes.append(0x30) }
        var rest = value
        while scale > 0 {
            bytes.append(UInt8(48 + rest / scale))
            rest %= scale
            scale /= 10
        }
    }
}
