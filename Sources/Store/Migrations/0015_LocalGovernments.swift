extension SiangMigrations {
    static let localGovernments = """
        -- Which subdistricts each local government (an agency of kind municipality, sao or city) covers,
        -- and the categories it takes there. Kept apart from routing_rules, which seeding replaces
        -- whole: an import must survive a re-seed. Rows are replaced by the next import of the same
        -- local government; the agencies themselves are never deleted (cases refer to them).
        CREATE TABLE local_government_areas (
            agency_code text NOT NULL REFERENCES agencies (code),
            subdistrict_code text NOT NULL REFERENCES areas (code),
            categories text[] NOT NULL,
            PRIMARY KEY (agency_code, subdistrict_code)
        );
        CREATE INDEX local_government_areas_subdistrict ON local_government_areas (subdistrict_code);
        """
}
