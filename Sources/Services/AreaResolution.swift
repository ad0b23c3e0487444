public import Domain
import ThaiText

/// Where a case is: from what the citizen gave (codes or names), else from places its text names.
enum AreaResolution {
    /// The area and where it came from.
    /// - Throws: `unknown_area` for a name or code that matches nothing, `area_mismatch` when
    ///   the given district is not in the given province (and so on).
    static func resolve(
        _ input: FilingRequest.AreaInput, mentions: [PlaceMention], reference: Reference
    ) throws(DomainError) -> (CaseArea, AreaSource) {
        if !input.isEmpty { return (try resolveGiven(input, reference: reference), .given) }
        let fromText = resolveMentions(mentions)
        return (fromText, fromText.isUnknown ? .none : .text)
    }

    static func resolveGiven(_ input: FilingRequest.AreaInput, reference: Reference) throws(DomainError) -> CaseArea {
        var area = CaseArea()
        if let province = input.province?.nonEmpty {
            area.provinceCode = try one(reference.areas(matching: province, level: .province), field: "province", value: province)
        }
        if let district = input.district?.nonEmpty {
            let code = try one(
                reference.areas(matching: district, level: .district, within: area.provinceCode), field: "district",
                value: district)
            try requireWithin(code, area.provinceCode, field: "district")
            area.districtCode = code
            area.provinceCode = String(code.prefix(2))
        }
        if let subdistrict = input.subdistrict?.nonEmpty {
            let code = try one(
                reference.areas(matching: subdistrict, level: .subdistrict, within: area.districtCode ?? area.provinceCode),
                field: "subdistrict", value: subdistrict)
            try requireWithin(code, area.districtCode ?? area.provinceCode, field: "subdistrict")
            area.subdistrictCode = code
            area.districtCode = String(code.prefix(4))
            area.provinceCode = String(code.prefix(2))
        }
        return area
    }

    static func one(_ matches: [Area], field: String, value: String) throws(DomainError) -> String {
        guard let first = matches.first else {
            throw .invalid(
                "unknown_area", th: "ไม่พบพื้นที่ \"\(value)\" (\(field))",
                en: "No \(field) matches \"\(value)\" (give a DOPA code or the Thai name).")
        }
        guard matches.count == 1 else {
            throw .invalid(
                "ambiguous_area", th: "มีพื้นที่ชื่อ \"\(value)\" มากกว่าหนึ่งแห่ง กรุณาระบุพื้นที่ที่ใหญ่กว่าหรือรหัส",
                en: "More than one \(field) is called \"\(value)\"; give the enclosing area or the code.")
        }
        return first.code
    }

    static func requireWithin(_ code: String, _ parent: String?, field: String) throws(DomainError) {
        guard let parent, !code.hasPrefix(parent) else { return }
        throw .invalid(
            "area_mismatch", th: "พื้นที่ที่ระบุไม่อยู่ในพื้นที่ที่ใหญ่กว่าที่ระบุ",
            en: "The \(field) \(code) is not within \(parent).")
    }

    /// The most specific place the text names, with the areas above it.
    static func resolveMentions(_ mentions: [PlaceMention]) -> CaseArea {
        let best =
            mentions.first { $0.level == .subdistrict } ?? mentions.first { $0.level == .district }
            ?? mentions.first { $0.level == .province }
        guard let best else { return .unknown }
        let code = best.code
        return CaseArea(
            provinceCode: String(code.prefix(2)), districtCode: code.count >= 4 ? String(code.prefix(4)) : nil,
            subdistrictCode: code.count == 6 ? code : nil)
    }
}

extension Reference {
    /// The area a citizen names (codes or Thai names), checked for consistency.
    /// - Throws: `DomainError` `unknown_area`, `ambiguous_area` or `area_mismatch`.
    public func area(for input: FilingRequest.AreaInput) throws(DomainError) -> CaseArea {
        try AreaResolution.resolveGiven(input, reference: self)
    }
}
