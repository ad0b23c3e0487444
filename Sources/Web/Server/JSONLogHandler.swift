import Foundation
import Statistics
public import Logging

/// Writes each log event as one JSON object per line on standard error: time (ISO 8601, UTC),
/// level, label, message and the metadata (request id, method, path, status, …), so logs can be
/// searched by field.
///
/// Hand-written rather than through `JSONSerialization`: a line is logged per request, and
/// this is on the request path.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"time\":\"\(Self.timestamp(Date()))\",\"level\":\"\(event.level.rawValue)\",\"label\":"
        Self.appendQuoted(label, to: &line)
        line += ",\"message\":"
        Self.appendQuoted("\(event.message)", to: &line)
        let merged = event.metadata.map { metadata.merging($0, uniquingKeysWith: { $1 }) } ?? metadata
        for key in merged.keys.sorted() {
            line += ","
            Self.appendQuoted(key == "hb.request.id" ? "request_id" : key, to: &line)
            line += ":"
            Self.appendQuoted("\(merged[key]!)", to: &line)
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20: line += String(format: "\\u%04x", scalar.value)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// "2026-11-21T19:33:00.123Z"
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = milliseconds / 86_400_000
        var rest = milliseconds - days * 86_400_000
        let (year, month, day) = BangkokCalendar.civil(Int64(days))
        let hour = rest / 3_600_000
        rest %= 3_600_000
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(rest / 60_000, 2)):"
            + "\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }
}
