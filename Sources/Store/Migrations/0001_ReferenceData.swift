extension SiangMigrations {
    static let referenceData = """
        CREATE TABLE categories (
            code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
            position integer NOT NULL,
            name_th text NOT NULL,
            name_en text NOT NULL,
            description_th text NOT NULL DEFAULT '',
            description_en text NOT NULL DEFAULT ''
        );

        -- DOPA geocodes: 2-digit provinces, 4-digit districts, 6-digit subdistricts.
        CREATE TABLE areas (
            code text PRIMARY KEY CHECK (code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
            level text NOT NULL CHECK (level IN ('province', 'district', 'subdistrict')),
            parent_code text REFERENCES areas (code),
            name_th text NOT NULL,
            name_en text NOT NULL,
            alt_names text[] NOT NULL DEFAULT '{}',
            postcode text,
            CHECK ((level = 'province') = (parent_code IS NULL)),
            CHECK (parent_code IS NULL OR starts_with(code, parent_code))
        );
        CREATE INDEX areas_parent ON areas (parent_code);

        CREATE TABLE agencies (
            code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]*$'),
            name_th text NOT NULL,
            name_en text NOT NULL,
            kind text NOT NULL,
            parent_code text REFERENCES agencies (code),
            province_code text REFERENCES areas (code),
            district_code text REFERENCES areas (code),
            active boolean NOT NULL DEFAULT true
        );

        -- Reference rows are updated by seeding, never deleted: cases refer to them by code.
        CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'rows of % are never deleted (cases refer to them)', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END;
        $$;
        CREATE TRIGGER categories_kept BEFORE DELETE ON categories FOR EACH ROW EXECUTE FUNCTION refuse_delete();
        CREATE TRIGGER areas_kept BEFORE DELETE ON areas FOR EACH ROW EXECUTE FUNCTION refuse_delete();
        CREATE TRIGGER agencies_kept BEFORE DELETE ON agencies FOR EACH ROW EXECUTE FUNCTION refuse_delete();

        -- Small facts about the loaded data, such as the taxonomy's version.
        CREATE TABLE settings (
            key text PRIMARY KEY,
            value text NOT NULL
        );

        -- (category, area) → agency. NULL category or area means any; the agency may be a
        -- template such as 'bma-district-{district}', filled from the case's area.
        CREATE TABLE routing_rules (
            id bigserial PRIMARY KEY,
            category_code text REFERENCES categories (code),
            area_code text REFERENCES areas (code),
            agency text NOT NULL,
            UNIQUE NULLS NOT DISTINCT (category_code, area_code)
        );

        -- Deadlines per category, optionally overridden per agency (NULL agency = default).
        CREATE TABLE deadline_policies (
            category_code text NOT NULL REFERENCES categories (code),
            agency_code text REFERENCES agencies (code),
            acknowledge_hours integer NOT NULL CHECK (acknowledge_hours > 0),
            first_answer_days integer NOT NULL CHECK (first_answer_days > 0),
            resolution_days integer NOT NULL CHECK (resolution_days > 0),
            UNIQUE NULLS NOT DISTINCT (category_code, agency_code)
        );
        """
}
