extension Double {
    /// The value rounded to `places` decimal places (half away from zero), as figures are published:
    /// shares and scores to four places, confidences and coordinates to three, money to two.
    public func rounded(toPlaces places: Int) -> Double {
        let scale = Self.powersOfTen[places]
        return (self * scale).rounded() / scale
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
}
