import CVips

/// Where a photo says it was taken (its EXIF GPS position), in decimal degrees. Offered to the citizen
/// as the case's location when they gave none; never stored unless they accept it, never served.
public struct PhotoLocation: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The position in the file at `path`, or nil when it has none or an impossible one.
    static func read(path: String) -> PhotoLocation? {
        var latitude: UnsafeMutablePointer<CChar>?, latitudeRef: UnsafeMutablePointer<CChar>?
        var longitude: UnsafeMutablePointer<CChar>?, longitudeRef: UnsafeMutablePointer<CChar>?
        guard siang_vips_gps(path, &latitude, &latitudeRef, &longitude, &longitudeRef) == 0 else { return nil }
        let texts = [latitude, latitudeRef, longitude, longitudeRef].map { field -> String in
            defer { siang_vips_free(field) }
            return field.map { String(cString: $0) } ?? ""
        }
        return parse(latitude: texts[0], latitudeRef: texts[1], longitude: texts[2], longitudeRef: texts[3])
    }

    /// From libvips's renderings of the four EXIF fields: "13/1 44/1 617/50 (13, 44, 12.34, Rational, …)"
    /// (degrees, minutes, seconds as rationals) and "N (N, ASCII, …)".
    static func parse(latitude: String, latitudeRef: String, longitude: String, longitudeRef: String) -> PhotoLocation? {
        guard let north = degrees(latitude), let east = degrees(longitude), let latitudeSign = sign(latitudeRef, "N", "S"),
            let longitudeSign = sign(longitudeRef, "E", "W")
        else { return nil }
        let location = PhotoLocation(latitude: latitudeSign * north, longitude: longitudeSign * east)
        // 0,0 is what cameras without a fix often write; it is in the sea off Africa, never a Thai street.
        guard abs(location.latitude) <= 90, abs(location.longitude) <= 180, location.latitude != 0 || location.longitude != 0
        else { return nil }
        return location
    }

    private static func degrees(_ text: String) -> Double? {
        let rationals = text.split(separator: "(", maxSplits: 1).first?.split(separator: " ") ?? []
        guard rationals.count == 3 else { return nil }
        var parts: [Double] = []
        for rational in rationals {
            let pieces = rational.split(separator: "/")
            guard pieces.count == 2, let numerator = Double(pieces[0]), let denominator = Double(pieces[1]), denominator != 0
            else { return nil }
            parts.append(numerator / denominator)
        }
        guard parts.allSatisfy({ $0 >= 0 && $0.isFinite }), parts[1] < 60, parts[2] < 60 else { return nil }
        return parts[0] + parts[1] / 60 + parts[2] / 3600
    }

    private static func sign(_ text: String, _ positive: Character, _ negative: Character) -> Double? {
        switch text.first {
        case positive: 1
        case negative: -1
        default: nil
        }
    }
}
