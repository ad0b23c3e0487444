import Domain
import Hummingbird
import Services

/// Public reference data: categories, areas and agencies, with Thai and English names.
struct ReferenceController {
    let reference: Reference

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.get("categories", use: categories)
        group.get("areas", use: areas)
        group.get("agencies", use: agencies)
    }

    struct CategoryJSON: Encodable {
        var code: String
        var name_th: String
        var name_en: String
        var description_th: String
        var description_en: String
    }

    @Sendable func categories(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let list = reference.data.categories.map {
            CategoryJSON(code: $0.code, name_th: $0.nameTH, name_en: $0.nameEN, description_th: $0.descriptionTH, description_en: $0.descriptionEN)
        }
        return try JSONResponse.make(["categories": list], headers: [.cacheControl: "public, max-age=300"])
    }

    struct AreaJSON: Encodable {
        var code: String
        var level: String
        var parent: String?
        var name_th: String
        var name_en: String
        var alt_names: [String]
        var postcode: String?
    }

    /// `GET /api/v1/areas[?level=province|district|subdistrict][&parent=CODE]`.
    @Sendable func areas(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var selected = reference.data.areas
        if let level = request.uri.queryParameters.get("level"), !level.isEmpty {
            guard let value = AreaLevel(rawValue: level) else {
                throw APIError.badRequest(
                    "invalid_level", th: "level ต้องเป็น province, district หรือ subdistrict",
                    en: "\"level\" must be province, district or subdistrict.")
            }
            selected = selected.filter { $0.level == value }
        }
        if let parent = request.uri.queryParameters.get("parent"), !parent.isEmpty {
            selected = selected.filter { $0.parentCode == parent }
        }
        let list = selected.map {
            AreaJSON(
                code: $0.code, level: $0.level.rawValue, parent: $0.parentCode, name_th: $0.nameTH, name_en: $0.nameEN,
                alt_names: $0.altNames, postcode: $0.postcode)
        }
        return try JSONResponse.make(["areas": list], headers: [.cacheControl: "public, max-age=300"])
    }

    struct AgencyJSON: Encodable {
        var code: String
        var name_th: String
        var name_en: String
        var kind: String
        var parent: String?
        var province: String?
        var district: String?
    }

    @Sendable func agencies(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let list = reference.data.agencies.map {
            AgencyJSON(
                code: $0.code, name_th: $0.nameTH, name_en: $0.nameEN, kind: $0.kind, parent: $0.parentCode,
                province: $0.provinceCode, district: $0.districtCode)
        }
        return try JSONResponse.make(["agencies": list], headers: [.cacheControl: "public, max-age=300"])
    }
}
