public import Domain
public import Postgres

/// Every SQL statement about reference data: categories, areas, agencies, routing rules and deadlines.
public struct ReferenceStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Whether reference data was ever loaded (a first start seeds it).
    public func isSeeded() async throws -> Bool {
        try await pool.withConnection(idempotent: true) { connection in
            try connection.query("SELECT EXISTS (SELECT 1 FROM categories)").first?.bool(0) ?? false
        }
    }

    /// Loads `data` idempotently in one transaction: rows are inserted or updated by code, never
    /// deleted (cases refer to them); routing rules and deadlines are replaced by the given ones.
    public func seed(_ data: ReferenceData) async throws {
        try await pool.transaction { connection in
            try connection.query(
                """
                INSERT INTO categories (code, position, name_th, name_en, description_th, description_en)
                SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
                ON CONFLICT (code) DO UPDATE SET position = excluded.position, name_th = excluded.name_th,
                    name_en = excluded.name_en, description_th = excluded.description_th,
                    description_en = excluded.description_en
                """,
                [
                    data.categories.map(\.code), Array(data.categories.indices), data.categories.map(\.nameTH),
                    data.categories.map(\.nameEN), data.categories.map(\.descriptionTH), data.categories.map(\.descriptionEN),
                ])
            let areas = data.areas.sorted { $0.level < $1.level }
            try connection.query(
                """
                INSERT INTO areas (code, level, parent_code, name_th, name_en, alt_names, postcode)
                SELECT code, level, parent, name_th, name_en,
                       coalesce(string_to_array(nullif(alt, ''), ';'), '{}'), postcode
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                     AS a (code, level, parent, name_th, name_en, alt, postcode)
                ON CONFLICT (code) DO UPDATE SET level = excluded.level, parent_code = excluded.parent_code,
                    name_th = excluded.name_th, name_en = excluded.name_en, alt_names = excluded.alt_names,
                    postcode = excluded.postcode
                """,
                [
                    areas.map(\.code), areas.map(\.level.rawValue), areas.map(\.parentCode), areas.map(\.nameTH),
                    areas.map(\.nameEN), areas.map { $0.altNames.joined(separator: ";") },
                    areas.map { $0.postcodes.isEmpty ? nil : $0.postcodes.joined(separator: ";") },
                ])
            let agencies = data.agencies
            try connection.query(
                """
                INSERT INTO agencies (code, name_th, name_en, kind, parent_code, province_code, district_code)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                ON CONFLICT (code) DO UPDATE SET name_th = excluded.name_th, name_en = excluded.name_en,
                    kind = excluded.kind, parent_code = excluded.parent_code, province_code = excluded.province_code,
                    district_code = excluded.district_code
                """,
                [
                    agencies.map(\.code), agencies.map(\.nameTH), agencies.map(\.nameEN), agencies.map(\.kind),
                    agencies.map(\.parentCode), agencies.map(\.provinceCode), agencies.map(\.districtCode),
                ])
            try connection.execute("DELETE FROM routing_rules")
            let rules = data.routingRules
            try connection.query(
                """
                INSERT INTO routing_rules (category_code, area_code, agency)
                SELECT c, a, g FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS r (c, a, g, n)
                ORDER BY n
                """,
                [rules.map(\.categoryCode), rules.map(\.areaCode), rules.map(\.agency)])
            try connection.execute("DELETE FROM deadline_policies")
            let deadlines = data.deadlines
            try connection.query(
                """
                INSERT INTO deadline_policies (category_code, agency_code, acknowledge_hours, first_answer_days, resolution_days)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
                """,
                [
                    deadlines.map(\.categoryCode), deadlines.map(\.agencyCode), deadlines.map(\.policy.acknowledgeHours),
                    deadlines.map(\.policy.firstAnswerDays), deadlines.map(\.policy.resolutionDays),
                ])
            try connection.query(
                """
                INSERT INTO settings (key, value) VALUES ('taxonomy_version', $1)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, [data.taxonomyVersion])
        }
    }

    /// Everything, read back from the database.
    public func load() async throws -> ReferenceData {
        try await pool.withConnection(idempotent: true) { connection in
            let version =
                try connection.query("SELECT value FROM settings WHERE key = 'taxonomy_version'").first?.string(0) ?? ""
            let categories = try connection.query(
                "SELECT code, name_th, name_en, description_th, description_en FROM categories ORDER BY position, code"
            ).rows.map { row in
                Category(
                    code: try row.string(0), nameTH: try row.string(1), nameEN: try row.string(2),
                    descriptionTH: try row.string(3), descriptionEN: try row.string(4))
            }
            let areas = try connection.query(
                "SELECT code, level, parent_code, name_th, name_en, alt_names, postcode FROM areas ORDER BY code"
            ).rows.map { row in
                Area(
                    code: try row.string(0), level: AreaLevel(rawValue: try row.string(1)) ?? .province,
                    parentCode: row.optionalString(2), nameTH: try row.string(3), nameEN: try row.string(4),
                    altNames: try row.stringArray(5),
                    postcodes: (row.optionalString(6) ?? "").split(separator: ";").map(String.init))
            }
            let agencies = try connection.query(
                """
                SELECT code, name_th, name_en, kind, parent_code, province_code, district_code
                FROM agencies WHERE active ORDER BY code
                """
            ).rows.map { row in
                Agency(
                    code: try row.string(0), nameTH: try row.string(1), nameEN: try row.string(2), kind: try row.string(3),
                    parentCode: row.optionalString(4), provinceCode: row.optionalString(5),
                    districtCode: row.optionalString(6))
            }
            var rules = try connection.query("SELECT category_code, area_code, agency FROM routing_rules ORDER BY id")
                .rows.map { row in
                    RoutingRule(categoryCode: row.optionalString(0), areaCode: row.optionalString(1), agency: try row.string(2))
                }
            // Local governments imported (`siang agencies import`): the most specific rules there are.
            let coverage = try connection.query(
                """
                SELECT l.agency_code, l.subdistrict_code, l.categories
                FROM local_government_areas l JOIN agencies a ON a.code = l.agency_code AND a.active
                ORDER BY l.agency_code, l.subdistrict_code
                """
            ).rows.map { row in (agency: try row.string(0), subdistrict: try row.string(1), categories: try row.stringArray(2)) }
            rules += LocalGovernment.routingRules(coverage: coverage)
            let deadlines = try connection.query(
                """
                SELECT category_code, agency_code, acknowledge_hours, first_answer_days, resolution_days
                FROM deadline_policies
                """
            ).rows.map { row in
                DeadlineRule(
                    categoryCode: row.optionalString(0), agencyCode: row.optionalString(1),
                    policy: DeadlinePolicy(
                        acknowledgeHours: try row.int(2), firstAnswerDays: try row.int(3), resolutionDays: try row.int(4)))
            }
            return ReferenceData(
                taxonomyVersion: version, categories: categories, areas: areas, agencies: agencies, routingRules: rules,
                deadlines: deadlines)
        }
    }
}
