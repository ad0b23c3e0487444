import Foundation
import Statistics

/// The calendar year in Bangkok of a time: the year in a tracking code (filing and demo cases alike).
enum BangkokYear {
    static func of(_ date: Date) -> Int {
        let day = BangkokCalendar.day(Int64(date.timeIntervalSince1970.rounded(.down)))
        return BangkokCalendar.civil(Int64(day)).year
    }
}
