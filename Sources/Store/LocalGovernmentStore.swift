public import Domain
public import Postgres

/// Every SQL statement about local governments and the subdistricts they cover.
public struct LocalGovernmentStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Imports `governments` in one transaction: agencies inserted or updated by code, each one's
    /// coverage replaced by the given one. Rows that would not change are not written, so a second
    /// import of the same file reports (and changes) nothing.
    public func importing(_ governments: [LocalGovernment]) async throws -> LocalGovernmentImport {
        try await pool.transaction { connection in
            var summary = LocalGovernmentImport()
            let agencies = governments.map(\.agency)
            let written = try connection.query(
                """
                INSERT INTO agencies AS a (code, name_th, name_en, kind, parent_code, province_code, district_code)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                ON CONFLICT (code) DO UPDATE SET name_th = excluded.name_th, name_en = excluded.name_en,
                    kind = excluded.kind, parent_code = excluded.parent_code, province_code = excluded.province_code,
                    district_code = excluded.district_code, active = true
                WHERE (a.name_th, a.name_en, a.kind, a.parent_code, a.province_code, a.district_code, a.active)
                    IS DISTINCT FROM (excluded.name_th, excluded.name_en, excluded.kind, excluded.parent_code,
                                      excluded.province_code, excluded.district_code, true)
                RETURNING xmax = 0
                """,
                [
                    agencies.map(\.code), agencies.map(\.nameTH), agencies.map(\.nameEN), agencies.map(\.kind),
                    agencies.map(\.parentCode), agencies.map(\.provinceCode), agencies.map(\.districtCode),
                ])
            for row in written.rows {
                if try row.bool(0) { summary.agenciesAdded += 1 } else { summary.agenciesUpdated += 1 }
            }
            var codes: [String] = []
            var subdistricts: [String] = []
            var categories: [String] = []
            for government in governments {
                for subdistrict in government.subdistricts {
                    codes.append(government.agency.code)
                    subdistricts.append(subdistrict)
                    categories.append(government.effectiveCategories.joined(separator: ","))
                }
            }
            summary.coverageRemoved = try connection.query(
                """
                DELETE FROM local_government_areas l
                WHERE l.agency_code = ANY($1)
                  AND (l.agency_code, l.subdistrict_code) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))
                """, [agencies.map(\.code), codes, subdistricts]
            ).affectedRows
            let coverage = try connection.query(
                """
                INSERT INTO local_government_areas AS l (agency_code, subdistrict_code, categories)
                SELECT a, s, string_to_array(c, ',') FROM unnest($1::text[], $2::text[], $3::text[]) AS r (a, s, c)
                ON CONFLICT (agency_code, subdistrict_code) DO UPDATE SET categories = excluded.categories
                WHERE l.categories IS DISTINCT FROM excluded.categories
                RETURNING xmax = 0
                """, [codes, subdistricts, categories])
            for row in coverage.rows {
                if try row.bool(0) { summary.coverageAdded += 1 } else { summary.coverageUpdated += 1 }
            }
            return summary
        }
    }
}
