extension OpenDataCatalog {
    /// The areas Siang places cases in, credited as CC BY 4.0 asks: the data are GeoThai's, from DOPA.
    static func areas(base: String, publisher: Publisher, modified: String) -> Dataset {
        let license = Reference(id: "https://creativecommons.org/licenses/by/4.0/")
        var dataset = Dataset(
            id: base + "/api/v1/open-data/catalog.json#areas", identifier: "siang-areas",
            title: ["th": "จังหวัด อำเภอ และตำบลทั่วประเทศ", "en": "Provinces, districts and subdistricts of Thailand"],
            description: [
                "th": "77 จังหวัด 928 อำเภอ/เขต และ 7,436 ตำบล/แขวง พร้อมรหัสกรมการปกครอง ชื่อภาษาไทยและอังกฤษ และรหัสไปรษณีย์ "
                    + "ที่ใช้ระบุพื้นที่ของเรื่อง ข้อมูลจาก GeoThai (GeoThai/data, © 2026 Pongsakorn Thipayanate, CC BY 4.0) "
                    + "ซึ่งรวบรวมจากสถิติของกรมการปกครองและไปรษณีย์ไทย",
                "en": "The 77 provinces, 928 districts and 7,436 subdistricts cases are placed in, with DOPA codes, Thai and "
                    + "English names and postcodes. Data: GeoThai (GeoThai/data, © 2026 Pongsakorn Thipayanate, CC BY 4.0), "
                    + "from the Department of Provincial Administration's statistics and Thailand Post.",
            ],
            keyword: ["areas", "พื้นที่", "DOPA", "geocode", "GeoThai"], theme: ["GOVE"], license: license,
            publisher: publisher, accrualPeriodicity: Reference(id: "http://purl.org/cld/freq/irregular"),
            modified: modified, columns: nil,
            distribution: [
                Distribution(
                    title: "JSON", accessURL: Reference(id: base + "/api/v1/areas"),
                    downloadURL: Reference(id: base + "/api/v1/areas"), mediaType: "application/json", format: "JSON",
                    license: license)
            ])
        dataset.source = Reference(id: "https://github.com/GeoThai/data")
        dataset.rights = "GeoThai, CC BY 4.0; source: Department of Provincial Administration (กรมการปกครอง), Thailand Post"
        return dataset
    }
}
