public import Domain
public import Store

/// Importing local governments (`siang agencies import`): checked against the reference data
/// first, then written in one transaction. The routing they bring applies from the next start.
public enum LocalGovernments {
    /// Checks every row, then imports them all, or none.
    /// - Throws: `DomainError` `invalid_local_government` naming the first row at fault.
    public static func importing(
        _ governments: [LocalGovernment], reference: Reference, store: LocalGovernmentStore
    ) async throws -> LocalGovernmentImport {
        try validate(governments, reference: reference)
        return try await store.importing(governments)
    }

    /// - Throws: `invalid_local_government` for a malformed code, an unknown kind, subdistrict or
    ///   category, a subdistrict outside the row's province or district, a Bangkok subdistrict (Bangkok
    ///   has no local governments below the BMA), a code given twice or one another kind of agency has.
    public static func validate(_ governments: [LocalGovernment], reference: Reference) throws(DomainError) {
        var seen = Set<String>()
        for government in governments {
            let agency = government.agency
            func refuse(_ th: String, _ en: String) -> DomainError {
                .invalid("invalid_local_government", th: "\(agency.code): \(th)", en: "\(agency.code): \(en)")
            }
            guard agency.code.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil else {
                throw refuse("รหัสต้องเป็น a-z 0-9 และ -", "the code must be lower-case letters, digits and hyphens")
            }
            guard seen.insert(agency.code).inserted else { throw refuse("รหัสซ้ำในไฟล์", "the code appears twice") }
            guard LocalGovernment.kinds.contains(agency.kind) else {
                throw refuse("ประเภทต้องเป็น municipality, sao หรือ city", "the kind must be municipality, sao or city")
            }
            if let existing = reference.agencies[agency.code], !LocalGovernment.kinds.contains(existing.kind) {
                throw refuse("รหัสนี้เป็นของหน่วยงานอื่นแล้ว", "the code belongs to another kind of agency")
            }
            guard !agency.nameTH.isEmpty, !agency.nameEN.isEmpty else { throw refuse("ไม่มีชื่อ", "no name") }
            let within = agency.districtCode ?? agency.provinceCode
            for code in [agency.provinceCode, agency.districtCode].compactMap({ $0 }) where reference.areas[code] == nil {
                throw refuse("ไม่พบพื้นที่ \(code)", "no area \(code)")
            }
            for code in government.subdistricts {
                guard reference.areas[code]?.level == .subdistrict else {
                    throw refuse("ไม่พบตำบล \(code)", "no subdistrict \(code)")
                }
                guard !code.hasPrefix("10") else {
                    throw refuse("กรุงเทพมหานครไม่มีองค์กรปกครองส่วนท้องถิ่นย่อย", "Bangkok has no local governments to import")
                }
                if let within, !code.hasPrefix(within) {
                    throw refuse("ตำบล \(code) ไม่อยู่ใน \(within)", "subdistrict \(code) is not within \(within)")
                }
            }
            for category in government.categories where reference.categories[category] == nil {
                throw refuse("ไม่พบหมวดหมู่ \(category)", "no category \(category)")
            }
        }
    }
}
