public import Foundation

/// The rows of a statement's result, copied out of libpq (text format).
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// Rows affected, for INSERT/UPDATE/DELETE.
    public let affectedRows: Int

    public var first: Row? { rows.first }
}

/// One result row: values by column index, as PostgreSQL's text, `nil` for NULL.
public struct Row: Sendable {
    public let values: [String?]

    public init(values: [String?]) { self.values = values }

    /// A column that is NULL or not of the type asked for.
    public struct DecodingError: Error, CustomStringConvertible {
        public let column: Int
        public let expected: String
        public let text: String?

        public init(column: Int, expected: String, text: String?) {
            self.column = column
            self.expected = expected
            self.text = text
        }

        public var description: String {
            "column \(column): expected \(expected), found \(text.map { "\"\($0)\"" } ?? "NULL")"
        }
    }

    @inline(__always)
    func raw(_ column: Int) -> String? {
        column < values.count ? values[column] : nil
    }

    public func isNull(_ column: Int) -> Bool { raw(column) == nil }

    public func string(_ column: Int) throws -> String {
        guard let text = raw(column) else { throw DecodingError(column: column, expected: "text", text: nil) }
        return text
    }

    public func optionalString(_ column: Int) -> String? { raw(column) }

    public func int(_ column: Int) throws -> Int {
        guard let text = raw(column), let value = Int(text) else {
            throw DecodingError(column: column, expected: "integer", text: raw(column))
        }
        return value
    }

    public func optionalInt(_ column: Int) throws -> Int? {
        guard raw(column) != nil else { return nil }
        return try int(column)
    }

    public func double(_ column: Int) throws -> Double {
        guard let text = raw(column), let value = Double(text) else {
            throw DecodingError(column: column, expected: "number", text: raw(column))
        }
        return value
    }

    public func optionalDouble(_ column: Int) throws -> Double? {
        guard raw(column) != nil else { return nil }
        return try double(column)
    }

    public func bool(_ column: Int) throws -> Bool {
        switch raw(column) {
        case "t": return true
        case "f": return false
        default: throw DecodingError(column: column, expected: "boolean", text: raw(column))
        }
    }

    public func date(_ column: Int) throws -> Date {
        guard let text = raw(column), let value = PostgresTimestamp.parse(text) else {
            throw DecodingError(column: column, expected: "timestamptz", text: raw(column))
        }
        return value
    }

    public func optionalDate(_ column: Int) throws -> Date? {
        guard raw(column) != nil else { return nil }
        return try date(column)
    }

    public func uuid(_ column: Int) throws -> UUID {
        guard let text = raw(column), let value = UUID(uuidString: text) else {
            throw DecodingError(column: column, expected: "uuid", text: raw(column))
        }
        return value
    }

    /// A `bytea` column (hex output, "\\x…").
    public func bytes(_ column: Int) throws -> [UInt8] {
        guard let text = raw(column), text.hasPrefix("\\x"), text.utf8.count % 2 == 0 else {
            throw DecodingError(column: column, expected: "bytea", text: raw(column))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2 - 1)
        var high: UInt8?
        for character in text.utf8.dropFirst(2) {
            let value: UInt8
            switch character {
            case 48...57: value = character - 48
            case 97...102: value = character - 87
            case 65...70: value = character - 55
            default: throw DecodingError(column: column, expected: "bytea", text: text)
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// A one-dimensional text array ("{a,\"b c\",NULL}"), NULL elements dropped.
    public func stringArray(_ column: Int) throws -> [String] {
        guard let text = raw(column) else { throw DecodingError(column: column, expected: "array", text: nil) }
        guard let values = Self.parseArray(text) else {
            throw DecodingError(column: column, expected: "array", text: text)
        }
        return values.compactMap { $0 }
    }

    /// A one-dimensional array with its NULL elements kept as nil.
    public func arrayWithNulls(_ column: Int) throws -> [String?] {
        guard let text = raw(column) else { throw DecodingError(column: column, expected: "array", text: nil) }
        guard let values = Self.parseArray(text) else {
            throw DecodingError(column: column, expected: "array", text: text)
        }
        return values
    }

    static func parseArray(_ text: String) -> [String?]? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        var values: [String?] = []
        var index = 1
        let end = scalars.count - 1
        if index == end { return [] }
        while index < end {
            var value = ""
            if scalars[index] == "\"" {
                index += 1
                while index < end, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    guard index < end else { return nil }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                index += 1
                values.append(value)
            } else {
                while index < end, scalars[index] != "," {
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                values.append(value == "NULL" ? nil : value)
            }
            guard index == end || scalars[index] == "," else { return nil }
            index += 1
        }
        return values
    }
}
