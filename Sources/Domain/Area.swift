/// A level of Thailand's administrative hierarchy, as coded by DOPA (กรมการปกครอง).
public enum AreaLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// จังหวัด, 2-digit code (10 = Bangkok).
    case province
    /// อำเภอ, or เขต in Bangkok; 4-digit code.
    case district
    /// ตำบล, or แขวง in Bangkok; 6-digit code.
    case subdistrict

    /// The level of a DOPA geocode, judged by its length; `nil` when it is not one.
    public init?(code: String) {
        guard code.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        switch code.utf8.count {
        case 2: self = .province
        case 4: self = .district
        case 6: self = .subdistrict
        default: return nil
        }
    }

    public static func < (lhs: AreaLevel, rhs: AreaLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A province, district or subdistrict.
public struct Area: Sendable, Hashable, Codable {
    /// DOPA geocode: 2, 4 or 6 digits, each level's code starting with its parent's.
    public var code: String
    public var level: AreaLevel
    public var parentCode: String?
    public var nameTH: String
    public var nameEN: String
    /// Other names people type: กทม, โคราช, อยุธยา.
    public var altNames: [String]
    /// The main postcode (a subdistrict's first).
    public var postcode: String? { postcodes.first }
    /// Every postcode serving the area; some subdistricts have several.
    public var postcodes: [String]

    public init(
        code: String, level: AreaLevel, parentCode: String?, nameTH: String, nameEN: String, altNames: [String] = [],
        postcode: String? = nil, postcodes: [String] = []
    ) {
        self.code = code
        self.level = level
        self.parentCode = parentCode
        self.nameTH = nameTH
        self.nameEN = nameEN
        self.altNames = altNames
        // Callers give either the main postcode or all of them.
        self.postcodes = postcodes.isEmpty ? (postcode.map { [$0] } ?? []) : postcodes
    }

    /// The codes of this area and every area above it, most specific first ("100101", "1001", "10").
    public static func lineage(of code: String) -> [String] {
        var codes: [String] = []
        var current = Substring(code)
        while current.count >= 2 {
            codes.append(String(current))
            current = current.dropLast(2)
        }
        return codes
    }
}
