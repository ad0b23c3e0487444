import Foundation

/// An agency that can receive cases.
public struct Agency: Sendable, Hashable, Codable {
    public var code: String
    public var nameTH: String
    public var nameEN: String
    public var kind: String
    public var parentCode: String?
    public var provinceCode: String?
    public var districtCode: String?

    public init(
        code: String, nameTH: String, nameEN: String, kind: String, parentCode: String? = nil, provinceCode: String? = nil,
        districtCode: String? = nil
    ) {
        self.code = code
        self.nameTH = nameTH
        self.nameEN = nameEN
        self.kind = kind
        self.parentCode = parentCode
        self.provinceCode = provinceCode
        self.districtCode = districtCode
    }
}

/// Where a case is: any of province, district and subdistrict, each a DOPA code.
/// Where a case's area came from: what the citizen gave, the places its text names, or nowhere.
public enum AreaSource: String, Sendable, Hashable, Codable, CaseIterable {
    case given, text, none
}

public struct CaseArea: Sendable, Hashable, Codable {
    public var provinceCode: String?
    public var districtCode: String?
    public var subdistrictCode: String?

    public init(provinceCode: String? = nil, districtCode: String? = nil, subdistrictCode: String? = nil) {
        self.provinceCode = provinceCode
        self.districtCode = districtCode
        self.subdistrictCode = subdistrictCode
    }

    public static let unknown = CaseArea()

    public var isUnknown: Bool { provinceCode == nil && districtCode == nil && subdistrictCode == nil }

    /// The codes of the area from most to least specific.
    public var lineage: [String] {
        [subdistrictCode, districtCode, provinceCode].compactMap { $0 }
    }
}

/// One routing rule: cases of `categoryCode` (any when nil) in `areaCode` (anywhere when nil)
/// go to `agency`, which may be a template: `{province}`, `{district}` and `{subdistrict}` are
/// replaced by the case's codes ("bma-district-{district}" → "bma-district-1047").
public struct RoutingRule: Sendable, Hashable, Codable {
    public var categoryCode: String?
    public var areaCode: String?
    public var agency: String

    public init(categoryCode: String?, areaCode: String?, agency: String) {
        self.categoryCode = categoryCode
        self.areaCode = areaCode
        self.agency = agency
    }
}

/// Where the routing rules send a case.
public enum RoutingOutcome: Sendable, Equatable {
    /// The agency with this code is responsible.
    case agency(String)
    /// A rule sends such cases to the triage desk.
    case triageDesk
    /// No rule covers the category in this area (the case goes to the triage desk too).
    case noRule

    /// The responsible agency's code; nil when the case goes to the triage desk.
    public var agencyCode: String? {
        if case .agency(let code) = self { return code }
        return nil
    }
}

/// Chooses the responsible agency for a category in an area.
///
/// Of the rules that match, a rule naming the category beats a catch-all rule; among
/// those, the rule for the most specific area wins (subdistrict, district, province,
/// anywhere). A rule whose template cannot be filled (the case has no district) or names an
/// unknown agency is skipped, so the next rule applies. No match means triage.
public struct RoutingTable: Sendable {
    public let rules: [RoutingRule]
    public let agencies: Set<String>

    /// The agency name a rule uses to send cases to the triage desk instead of an agency; it
    /// never leaves this type (`RoutingOutcome.triageDesk`).
    static let triageMarker = "triage"

    public init(rules: [RoutingRule], agencies: Set<String>) {
        // Order once: category-specific first, then by area specificity; ties keep file order.
        self.rules = rules.enumerated().sorted { lhs, rhs in
            let left = Self.rank(lhs.element)
            let right = Self.rank(rhs.element)
            return left != right ? left > right : lhs.offset < rhs.offset
        }.map(\.element)
        self.agencies = agencies
    }

    static func rank(_ rule: RoutingRule) -> Int {
        (rule.categoryCode == nil ? 0 : 10) + (rule.areaCode.map { $0.utf8.count / 2 } ?? 0)
    }

    /// The agency for `category` in `area`, or why there is none.
    public func route(category: String, area: CaseArea) -> RoutingOutcome {
        let lineage = Set(area.lineage)
        for rule in rules {
            if let ruleCategory = rule.categoryCode, ruleCategory != category { continue }
            if let ruleArea = rule.areaCode, !lineage.contains(ruleArea) { continue }
            guard let agency = Self.fill(rule.agency, area: area) else { continue }
            if agency == Self.triageMarker { return .triageDesk }
            if agencies.contains(agency) { return .agency(agency) }
        }
        return .noRule
    }

    static func fill(_ template: String, area: CaseArea) -> String? {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let value: String?
            switch rest[rest.index(after: open)..<close] {
            case "province": value = area.provinceCode
            case "district": value = area.districtCode
            case "subdistrict": value = area.subdistrictCode
            default: return nil
            }
            guard let value else { return nil }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
