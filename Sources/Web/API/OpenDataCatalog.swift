import Statistics
import Foundation

/// The open-data catalogue in DCAT (JSON-LD), the vocabulary CKAN's DCAT harvester reads.
struct OpenDataCatalog: Encodable {
    struct Context: Encodable {
        var dcat = "http://www.w3.org/ns/dcat#"
        var dct = "http://purl.org/dc/terms/"
        var foaf = "http://xmlns.com/foaf/0.1/"
        var vcard = "http://www.w3.org/2006/vcard/ns#"
        var csvw = "http://www.w3.org/ns/csvw#"
    }

    struct Reference: Encodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "@id" }
    }

    struct Publisher: Encodable {
        var type = "foaf:Organization"
        var name: String
        enum CodingKeys: String, CodingKey {
            case type = "@type"
            case name = "foaf:name"
        }
    }

    struct Column: Encodable {
        var name: String
        var datatype: String
        var titles: [String: String]
        enum CodingKeys: String, CodingKey {
            case name = "csvw:name"
            case datatype = "csvw:datatype"
            case titles = "csvw:titles"
        }
    }

    struct Distribution: Encodable {
        var type = "dcat:Distribution"
        var title: String
        var accessURL: Reference
        var downloadURL: Reference
        var mediaType: String
        var format: String
        var license: Reference
        enum CodingKeys: String, CodingKey {
            case type = "@type"
            case title = "dct:title"
            case accessURL = "dcat:accessURL"
            case downloadURL = "dcat:downloadURL"
            case mediaType = "dcat:mediaType"
            case format = "dct:format"
            case license = "dct:license"
        }
    }

    struct Dataset: Encodable {
        var id: String
        var type = "dcat:Dataset"
        var identifier: String
        var title: [String: String]
        var description: [String: String]
        var keyword: [String]
        var theme: [String]
        var language = ["th", "en"]
        var license: Reference
        var publisher: Publisher
        var accrualPeriodicity: Reference
        var modified: String
        var spatial = "Thailand"
        var columns: [Column]?
        var distribution: [Distribution]
        /// Where the data come from, and the credit their licence asks for.
        var source: Reference?
        var rights: String?
        enum CodingKeys: String, CodingKey {
            case id = "@id"
            case type = "@type"
            case identifier = "dct:identifier"
            case title = "dct:title"
            case description = "dct:description"
            case keyword = "dcat:keyword"
            case theme = "dcat:theme"
            case language = "dct:language"
            case license = "dct:license"
            case publisher = "dct:publisher"
            case accrualPeriodicity = "dct:accrualPeriodicity"
            case modified = "dct:modified"
            case spatial = "dct:spatial"
            case columns = "csvw:tableSchema"
            case distribution = "dcat:distribution"
            case source = "dct:source"
            case rights = "dct:rights"
        }
    }

    var context = Context()
    var id: String
    var type = "dcat:Catalog"
    var title: [String: String]
    var description: [String: String]
    var homepage: Reference
    var publisher: Publisher
    var license: Reference
    var dataset: [Dataset]

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id = "@id"
        case type = "@type"
        case title = "dct:title"
        case description = "dct:description"
        case homepage = "foaf:homepage"
        case publisher = "dct:publisher"
        case license = "dct:license"
        case dataset = "dcat:dataset"
    }

    static func make(base: String, fields: [(name: String, type: String, th: String, en: String)], modified: Date) -> OpenDataCatalog {
        let license = Reference(id: "https://opendefinition.org/licenses/cc-by/")
        let publisher = Publisher(name: "Siang (เสียง)")
        let daily = Reference(id: "http://purl.org/cld/freq/daily")
        let when = BangkokTime.format(modified)
        let columns = fields.map { Column(name: $0.name, datatype: $0.type, titles: ["th": $0.th, "en": $0.en]) }
        let cases = Dataset(
            id: base + "/api/v1/open-data/catalog.json#cases", identifier: "siang-cases",
            title: ["th": "เรื่องร้องเรียนและข้อเสนอแนะที่เปิดเผยต่อสาธารณะ", "en": "Public complaints and suggestions"],
            description: [
                "th": "เรื่องที่ประชาชนแจ้งผ่านเสียงและเปิดเผยได้ ทีละเรื่อง: หมวดหมู่ หน่วยงาน พื้นที่ สถานะ วันเวลา กำหนดเวลา "
                    + "คะแนนความพึงพอใจ และข้อความที่ปิดข้อมูลส่วนบุคคลแล้ว ไม่มีข้อมูลติดต่อผู้แจ้ง",
                "en": "Every public case filed through Siang: category, agency, area, status, timestamps, deadlines, "
                    + "satisfaction and the text with personal data removed. No contact data, no private cases.",
            ],
            keyword: ["ร้องเรียน", "complaints", "open bureaucracy", "ศูนย์ดำรงธรรม", "Traffy", "public participation"],
            theme: ["GOVE"], license: license, publisher: publisher, accrualPeriodicity: daily, modified: when, columns: columns,
            distribution: [
                Distribution(
                    title: "CSV (UTF-8)", accessURL: Reference(id: base + "/api/v1/open-data/cases.csv"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/cases.csv"), mediaType: "text/csv", format: "CSV",
                    license: license),
                Distribution(
                    title: "JSON Lines", accessURL: Reference(id: base + "/api/v1/open-data/cases.json"),
                    downloadURL: Reference(id: base + "/api/v1/open-data/cases.json"), mediaType: "application/x-ndjson",
                    format: "JSON", license: license),
            ])
        let statistics = Dataset(
            id: base + "/api/v1/open-data/catalog.json#statistics", identifier: "siang-statistics",
            title: ["th": "สถิติการจัดการเรื่องร้องเรียนและการอุทธรณ์", "en": "Statistics of complaints, appeals and their handling"],
            description: [
                "th": "จำนวนเรื่อง เวลารับเรื่อง ตอบ และแก้ไข สัดส่วนที่ตอบภายใน 15 วัน การอุทธรณ์ และความพึงพอใจ "
                    + "จำแนกตามหมวดหมู่ หน่วยงาน พื้นที่ และเดือน (ตัวกรองและการจัดกลุ่มอยู่ในพารามิเตอร์ของ URL)",
                "en": "Volumes, times to acknowledgement, first answer and resolution, share answered within 15 days, "
                    + "appeals and satisfaction, per category, agency, area and month (filters and grouping in the URL).",
            ],
            keyword: ["statistics", "สถิติ", "open data"], theme: ["GOVE"], license: license, publisher: publisher,
            accrualPeriodicity: daily, modified: when, columns: nil,
            distribution: [
                Distribution(
                    title: "JSON", accessURL: Reference(id: base + "/api/v1/stats"),
                    downloadURL: Reference(id: base + "/api/v1/stats?group_by=category,month"), mediaType: "application/json",
                    format: "JSON", license: license),
                Distribution(
                    title: "Agency league table (JSON)", accessURL: Reference(id: base + "/api/v1/stats/agencies"),
                    downloadURL: Reference(id: base + "/api/v1/stats/agencies"), mediaType: "application/json", format: "JSON",
                    license: license),
                Distribution(
                    title: "Classifier accuracy by model version (JSON)", accessURL: Reference(id: base + "/api/v1/stats/classifier"),
                    downloadURL: Reference(id: base + "/api/v1/stats/classifier"), mediaType: "application/json",
                    format: "JSON", license: license),
            ])
        return OpenDataCatalog(
            id: base + "/api/v1/open-data/catalog.json",
            title: ["th": "ข้อมูลเปิดของระบบรับเรื่องร้องเรียนเสียง", "en": "Siang open data"],
            description: [
                "th": "ข้อมูลเรื่องร้องเรียน ข้อเสนอแนะ และสถิติการจัดการ เผยแพร่โดยไม่ต้องร้องขอ",
                "en": "Complaints, suggestions and statistics of their handling, published without being asked.",
            ], homepage: Reference(id: base + "/"), publisher: publisher, license: license,
            dataset: [
                cases, statistics,
                proposalsDataset(base: base, license: license, publisher: publisher, periodicity: daily, modified: when),
                budgetResults(base: base, license: license, publisher: publisher, modified: when),
            ] + consultationDatasets(base: base, license: license, publisher: publisher, modified: when) + [
                areas(base: base, publisher: publisher, modified: when)
            ])
    }
}
