import Foundation
import Testing

@testable import Postgres

@Suite("Timestamps written for PostgreSQL")
struct PostgresTimestampTests {
    @Test("an ordinary moment is written exactly, with microseconds")
    func ordinary() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_795_000_000.25)) == "2026-11-18T11:06:40.250000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000000Z")
    }

    @Test("formatting never traps: moments beyond years 1 to 9999, infinite or NaN, are written as the range's end",
        arguments: [
            (1e18, "9999-12-31T23:59:59.000000Z"), (-1e18, "0001-01-01T00:00:00.000000Z"),
            (.infinity, "9999-12-31T23:59:59.000000Z"), (-.infinity, "0001-01-01T00:00:00.000000Z"),
            (.nan, "1970-01-01T00:00:00.000000Z"), (9_223_372_036_854.775807, "9999-12-31T23:59:59.000000Z"),
        ] as [(Double, String)])
    func total(seconds: Double, expected: String) {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
