public import Foundation

/// Dates, numbers and durations as the pages show them, in Thai or English.
///
/// Month names are written out here and the calendar is Gregorian in Bangkok time, rather than
/// taken from Foundation's locale data, which differs between macOS and Linux (and between ICU
/// versions): a page and its tests then read the same everywhere. Thai dates count years in the
/// Buddhist era (พ.ศ. = ค.ศ. + 543), as Thai government pages do. Missing figures show as "–".
public struct DisplayFormat: Sendable {
    public let language: Language
    let calendar: Calendar

    public init(language: Language) {
        self.language = language
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.bangkok
        self.calendar = calendar
    }

    /// Bangkok's zone, or a fixed UTC+7 where the system has no zone data: Thailand has kept UTC+7,
    /// without daylight saving, since 1920, so both give the same dates.
    static let bangkok = TimeZone(identifier: "Asia/Bangkok") ?? TimeZone(secondsFromGMT: 7 * 3600)!

    /// ม.ค. … ธ.ค., as Thai official documents abbreviate months.
    static let thaiMonths = [
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    ]
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// What shows in place of a figure that does not exist (no cases, no answers yet).
    static let missing = "–"

    /// The day in Bangkok: "21 พ.ย. 2569" or "21 Nov 2026".
    public func date(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return day(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The day and minute in Bangkok: "21 พ.ย. 2569 14:05 น." or "21 Nov 2026, 14:05".
    ///
    /// Seconds are dropped, not rounded, so a time never shows a minute that has not yet begun.
    public func dateTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = day(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)
        let time = "\(Self.twoDigits(parts.hour ?? 0)):\(Self.twoDigits(parts.minute ?? 0))"
        switch language {
        case .thai: return "\(day) \(time) น."
        case .english: return "\(day), \(time)"
        }
    }

    /// A month as a chart label: "พ.ย. 69" (two-digit Buddhist-era year) or "Nov 2026".
    ///
    /// A month outside 1…12 is written as the statistics key ("2026-13"), so a bad value shows up
    /// instead of crashing the page.
    public func month(year: Int, month: Int) -> String {
        guard (1...12).contains(month) else { return "\(year)-\(Self.twoDigits(month))" }
        switch language {
        case .thai: return "\(Self.thaiMonths[month - 1]) \(Self.twoDigits(((year + 543) % 100 + 100) % 100))"
        case .english: return "\(Self.englishMonths[month - 1]) \(year)"
        }
    }

    /// A month group key of the statistics engine ("2026-11") as a chart label; any other text unchanged.
    public func month(key: String) -> String {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month)
        else { return key }
        return self.month(year: year, month: month)
    }

    /// A whole number with thousands separators: "1,234,567".
    public func number(_ value: Int) -> String {
        (value < 0 ? "-" : "") + Self.grouped(String(value.magnitude))
    }

    /// A number with thousands separators and exactly `fractionDigits` decimals (0…6), rounded
    /// half away from zero: "1,234.6". Never "-0.0": a value that rounds to zero has no sign.
    public func number(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return Self.missing }
        let digits = min(max(fractionDigits, 0), 6)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        var whole: String
        var fraction: String
        if scaled < 9e15 {
            // Exact in integers below 2^53, where Double still holds every whole number.
            let units = UInt64(scaled), divisor = UInt64(scale)
            whole = String(units / divisor)
            let remainder = String(units % divisor)
            fraction = digits > 0 ? String(repeating: "0", count: digits - remainder.count) + remainder : ""
        } else {
            let text = String(format: "%.\(digits)f", abs(value))
            let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
            whole = String(pieces[0])
            fraction = pieces.count > 1 ? String(pieces[1]) : ""
        }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return sign + Self.grouped(whole) + (digits > 0 ? "." + fraction : "")
    }

    /// A share (0…1) as a percentage with one decimal: "87.5%"; nil is "–".
    ///
    /// Always one decimal ("100.0%"), so figures line up in a column of a table.
    public func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return Self.missing }
        return number(share * 100, fractionDigits: 1) + "%"
    }

    /// A duration given in seconds, in days with one decimal: "3.5 วัน" or "3.5 days"; nil is "–".
    ///
    /// Under a day it is in whole hours ("5 ชม.", "5 h"), and under half an hour "< 1 ชม." rather
    /// than a 0 that would read as instant. Negative durations count as 0.
    public func days(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return Self.missing }
        let duration = max(seconds, 0)
        let hours = (duration / 3600).rounded()
        let hourUnit = language == .thai ? "ชม." : "h"
        if hours < 24 {
            if duration > 0 && hours < 1 { return "< 1 \(hourUnit)" }
            return "\(number(Int(hours))) \(hourUnit)"
        }
        let days = number(duration / 86400, fractionDigits: 1)
        return language == .thai ? "\(days) วัน" : "\(days) days"
    }

    /// "21 พ.ย. 2569" or "21 Nov 2026" from calendar fields.
    func day(year: Int, month: Int, day: Int) -> String {
        let index = min(max(month, 1), 12) - 1
        switch language {
        case .thai: return "\(day) \(Self.thaiMonths[index]) \(year + 543)"
        case .english: return "\(day) \(Self.englishMonths[index]) \(year)"
        }
    }

    static func twoDigits(_ value: Int) -> String {
        value >= 0 && value < 10 ? "0\(value)" : "\(value)"
    }

    /// Decimal digits with a comma before every group of three from the right.
    static func grouped(_ digits: String) -> String {
        var result = ""
        let count = digits.count
        for (index, digit) in digits.enumerated() {
            if index > 0 && (count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
