import Foundation
import Statistics

/// Dates as ISO 8601 in Bangkok time ("2026-11-21T19:33:00+07:00"), as every date leaves Siang.
enum BangkokTime {
    static let offset: TimeInterval = 7 * 3600

    static func format(_ date: Date) -> String {
        let local = date.timeIntervalSince1970 + offset
        let days = Int((local / 86_400).rounded(.down))
        var seconds = Int(local.rounded(.down)) - days * 86_400
        let (year, month, day) = BangkokCalendar.civil(Int64(days))
        let hour = seconds / 3600
        seconds %= 3600
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(seconds / 60)):\(two(seconds % 60))+07:00"
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
