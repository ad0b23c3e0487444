import Foundation

/// Dates as ISO 8601 in Bangkok time ("2026-11-21T19:33:00+07:00"), as every date leaves Siang.
enum BangkokTime {
    static let offset: TimeInterval = 7 * 3600

    static func format(_ date: Date) -> String {
        let local = date.timeIntervalSince1970 + offset
        let days = Int((local / 86_400).rounded(.down))
        var seconds = Int(local.rounded(.down)) - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let hour = seconds / 3600
        seconds %= 3600
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(seconds / 60)):\(two(seconds % 60))+07:00"
    }

    /// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses "YYYY-MM-DD" (midnight in Bangkok) or a full ISO 8601 date-time.
    static func parse(_ text: String) -> Date? {
        if text.count == 10 {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Bangkok")!
            return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
