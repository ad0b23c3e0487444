public import Domain
import ThaiText

/// Where a case is: from what the citizen gave (codes or names), else from places its text names.
enum AreaResolution {
    /// The area and where it came from: the area given (made more specific by a place the text
    /// names inside it, outside Bangkok), else the places the text names.
    static func resolve(given: CaseArea?, mentions: [PlaceMention]) -> (CaseArea, AreaSource) {
        guard let given else {
            let fromText = resolveMentions(mentions)
            return (fromText, fromText.isUnknown ? .none : .text)
        }
        // Bangkok's placement stays as it was: a given Bangkok area is taken as given.
        guard given.subdistrictCode == nil, let provinceCode = given.provinceCode, provinceCode != bangkok,
            let most = given.lineage.first
        else { return (given, .given) }
        let inside = mentions.filter { $0.code.hasPrefix(most) && $0.code.count > most.count }
        let refined = resolveMentions(inside)
        return (refined.isUnknown ? given : refined, .given)
    }

    static let bangkok = "10"

    static func resolveGiven(_ input: FilingRequest.AreaInput, reference: Reference) throws(DomainError) -> CaseArea {
        var area = CaseArea()
        if let province = input.province?.nonEmpty {
            area.provinceCode = try one(
                reference.areas(matching: province, level: .province), field: "province", value: province,
                suggest: { reference.suggestions(for: province, level: .province) }, reference: reference)
        }
        if let district = input.district?.nonEmpty {
            let code = try one(
                reference.areas(matching: district, level: .district, within: area.provinceCode), field: "district",
                value: district, suggest: { [province = area.provinceCode] in reference.suggestions(for: district, level: .district, within: province) },
                reference: reference)
            try requireWithin(code, area.provinceCode, field: "district")
            area.districtCode = code
            area.provinceCode = String(code.prefix(2))
        }
        if let subdistrict = input.subdistrict?.nonEmpty {
            let code = try one(
                reference.areas(matching: subdistrict, level: .subdistrict, within: area.districtCode ?? area.provinceCode),
                field: "subdistrict", value: subdistrict,
                suggest: { [parent = area.districtCode ?? area.provinceCode] in
                    reference.suggestions(for: subdistrict, level: .subdistrict, within: parent)
                }, reference: reference)
            try requireWithin(code, area.districtCode ?? area.provinceCode, field: "subdistrict")
            area.subdistrictCode = code
            area.districtCode = String(code.prefix(4))
            area.provinceCode = String(code.prefix(2))
        }
        return area
    }

    /// The one area `matches` holds; else `unknown_area` naming the field with the closest names
    /// (`suggest`), or `ambiguous_area` listing the candidates.
    static func one(
        _ matches: [Area], field: String, value: String, suggest: () -> [Area], reference: Reference
    ) throws(DomainError) -> String {
        guard let first = matches.first else {
            let suggestions = suggest().map(reference.suggestionLabel)
            let hintTH = suggestions.isEmpty ? "" : " หรือหมายถึง: " + suggestions.joined(separator: ", ")
            let hintEN = suggestions.isEmpty ? "" : " Did you mean: " + suggestions.joined(separator: ", ") + "?"
            var error = DomainError.invalid(
                "unknown_area", th: "ไม่พบพื้นที่ \"\(value)\" (\(field))\(hintTH)",
                en: "No \(field) matches \"\(value)\" (give a DOPA code or the Thai name).\(hintEN)")
            error.field = "area.\(field)"
            error.suggestions = suggestions
            throw error
        }
        guard matches.count == 1 else {
            var error = DomainError.invalid(
                "ambiguous_area", th: "มีพื้นที่ชื่อ \"\(value)\" มากกว่าหนึ่งแห่ง กรุณาระบุพื้นที่ที่ใหญ่กว่าหรือรหัส",
                en: "More than one \(field) is called \"\(value)\"; give the enclosing area or the code.")
            error.field = "area.\(field)"
            error.suggestions = matches.prefix(10).map(reference.suggestionLabel)
            throw error
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
