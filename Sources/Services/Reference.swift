public import Domain
import Foundation

/// Reference data indexed for the service: lookups by code and by name, the router and the
/// deadline book. Built once at start (and again when reference data changes).
public struct Reference: Sendable {
    public let data: ReferenceData
    public let categories: [String: Domain.Category]
    public let agencies: [String: Agency]
    public let areas: [String: Area]
    public let router: RoutingTable
    public let deadlines: DeadlineBook
    /// Normalised Thai or English name (or alternative name) → codes of areas with that name.
    private let areasByName: [String: [String]]
    /// Abolished areas' codes → their successors' codes.
    public let successors: [String: [String]]

    public init(_ data: ReferenceData) {
        self.data = data
        categories = Dictionary(uniqueKeysWithValues: data.categories.map { ($0.code, $0) })
        agencies = Dictionary(uniqueKeysWithValues: data.agencies.map { ($0.code, $0) })
        areas = Dictionary(uniqueKeysWithValues: data.areas.map { ($0.code, $0) })
        router = RoutingTable(rules: data.routingRules, agencies: Set(data.agencies.map(\.code)))
        deadlines = data.deadlineBook
        var byName: [String: [String]] = [:]
        for area in data.areas {
            for name in [area.nameTH, area.nameEN] + area.altNames {
                byName[Self.key(name), default: []].append(area.code)
            }
        }
        areasByName = byName
        successors = data.successors
    }

    /// Name lookups ignore case, spaces, a trailing dot and the level prefixes people write
    /// (จังหวัด, จ., เขต, อำเภอ, อ., แขวง, ตำบล, ต.).
    static func key(_ name: String) -> String {
        // By scalars and bytes, not characters: every area's names are keyed at start-up (tens of
        // thousands), and grapheme breaking made this a tenth of `siang classify`'s start.
        var scalars = String.UnicodeScalarView()
        for scalar in name.lowercased().unicodeScalars where !scalar.properties.isWhitespace { scalars.append(scalar) }
        var text = String(scalars)
        for prefix in levelPrefixes where text.utf8.starts(with: prefix.utf8) {
            text = String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
            break
        }
        if text.utf8.last == UInt8(ascii: ".") { text = String(decoding: text.utf8.dropLast(), as: UTF8.self) }
        return text
    }

    static let levelPrefixes = ["จังหวัด", "จ.", "เขต", "อำเภอ", "อ.", "แขวง", "ตำบล", "ต."]

    /// Areas of `level` that `input` names, by DOPA code or by name, optionally within `parent`.
    public func areas(matching input: String, level: AreaLevel, within parent: String? = nil) -> [Area] {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        if let area = areas[trimmed] {
            return area.level == level ? [area] : []
        }
        // An abolished code from an old record stands for what replaced it (several: ambiguous).
        if let codes = successors[trimmed] {
            return codes.compactMap { areas[$0] }.filter { $0.level == level && (parent == nil || $0.code.hasPrefix(parent!)) }
        }
        return (areasByName[Self.key(trimmed)] ?? [])
            .compactMap { areas[$0] }
            .filter { $0.level == level && (parent == nil || $0.code.hasPrefix(parent!)) }
    }
}
