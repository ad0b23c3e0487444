public import Foundation

/// Dates as ISO 8601 in Bangkok time ("2026-11-21T19:33:00+07:00"), as every date leaves Siang.
public enum BangkokTime {
    public static let offset: TimeInterval = 7 * 3600

    public static func format(_ date: Date) -> String {
        let local = date.timeIntervalSince1970 + offset
        let days = Int((local / 86_400).rounded(.down))
        var seconds = Int(local.rounded(.down)) - days * 86_400
        let (year, month, day) = BangkokCalendar.civil(Int64(days))
        let hour = seconds / 3600
        seconds %= 3600
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(seconds / 60)):\(two(seconds % 60))+07:00"
    }

    /// Parses "YYYY-MM-DD" (midnight in Bangkok) or a full ISO 8601 date-time, in the years
    /// `BangkokCalendar.acceptedYears` allows; `nil` for anything else, so a client's date can never
    /// reach formatting or PostgreSQL out of range.
    public static func parse(_ text: String) -> Date? {
        if text.utf8.count == 10 {
            guard let day = BangkokCalendar.parseDay(text) else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(BangkokCalendar.startOf(day: day)))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? plainDateTime(text) else { return nil }
        return isAccepted(date) ? date : nil
    }

    private static func plainDateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Whether a moment lies in the years a client may name (checked on its Bangkok date).
    public static func isAccepted(_ date: Date) -> Bool {
        let local = date.timeIntervalSince1970 + offset
        guard local.isFinite, abs(local) < 1e12 else { return false }
        let year = BangkokCalendar.civil(Int64((local / 86_400).rounded(.down))).year
        return BangkokCalendar.acceptedYears.contains(year)
    }
}
