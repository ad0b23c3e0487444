import CivilCalendar

/// Days, weeks and months as Bangkok counts them (UTC+7, no daylight saving), on integers.
///
/// A case filed at 00:30 on 1 February in Bangkok is still 31 January in UTC, and belongs to
/// February. All grouping by time uses these.
public enum BangkokCalendar {
    static let offset: Int64 = 7 * 3600

    /// Days since 1970-01-01 in Bangkok.
    @inline(__always)
    public static func day(_ unixSeconds: Int64) -> Int32 {
        let local = unixSeconds + offset
        return Int32((local >= 0 ? local : local - 86_399) / 86_400)
    }

    /// Months since January 1970 (0 = January 1970).
    public static func month(ofDay day: Int32) -> Int32 {
        let (year, month, _) = civil(Int64(day))
        return Int32((year - 1970) * 12 + (month - 1))
    }

    /// The Monday starting the week of `day` (1970-01-01 was a Thursday).
    @inline(__always)
    public static func weekStart(ofDay day: Int32) -> Int32 {
        let shifted = Int64(day) + 3
        let week = shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
        return Int32(week * 7 - 3)
    }

    /// The Unix time of midnight starting `day` in Bangkok.
    public static func startOf(day: Int32) -> Int64 {
        Int64(day) * 86_400 - offset
    }

    /// Days since 1970-01-01 of a civil date.
    public static func day(year: Int, month: Int, day: Int) -> Int32 {
        Int32(CivilDate.days(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    public static func civil(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = CivilDate.date(ofDay: days)
        return (Int(year), Int(month), Int(day))
    }

    /// The years a date given by a client may name: wide enough for any real filter, narrow enough that
    /// every day in it is a valid PostgreSQL `timestamptz` and a finite `Int64` of microseconds either side
    /// of Bangkok's offset (year 0 and year 300000 once crashed or broke a download).
    public static let acceptedYears = 1900...9999

    /// Parses a calendar date written exactly "YYYY-MM-DD" (four-digit year in `acceptedYears`, a day
    /// that exists in that month) into days since 1970-01-01; `nil` for anything else.
    public static func parseDay(_ text: some StringProtocol) -> Int32? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let date = number(8..<10),
            acceptedYears.contains(year), (1...12).contains(month), date >= 1, date <= daysIn(month: month, year: year)
        else { return nil }
        return day(year: year, month: month, day: date)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// "2026-11-21"
    public static func dateString(ofDay day: Int32) -> String {
        let (year, month, date) = civil(Int64(day))
        return "\(year)-\(two(month))-\(two(date))"
    }

    /// "2026-11"
    public static func monthString(_ month: Int32) -> String {
        let year = 1970 + Int(month) / 12
        return "\(year)-\(two(Int(month) % 12 + 1))"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
