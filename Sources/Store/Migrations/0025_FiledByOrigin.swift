extension SiangMigrations {
    /// A notice of new cases names the pool that filed them (`filed_by=ORIGIN,` before the ids, from the
    /// session's `siang.origin`), so the process that filed them, which applied them as they committed,
    /// does not read them back. Changes (UPDATE) carry no origin: upkeep, merges and erasures are applied
    /// through the feed everywhere. Instances that do not know the prefix skip it as an id that does not
    /// parse, and read the ids after it.
    static let filedByOrigin = """
        CREATE OR REPLACE FUNCTION siang_notify_case_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed bigint[];
            origin text := '';
        BEGIN
            SELECT array_agg(id ORDER BY id) INTO changed FROM (SELECT id FROM changed_cases LIMIT 1001) first_ones;
            IF changed IS NULL THEN
                RETURN NULL;
            END IF;
            IF cardinality(changed) > 1000 THEN
                PERFORM pg_notify('siang_cases', '*');
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' AND coalesce(current_setting('siang.origin', true), '') <> '' THEN
                origin := 'filed_by=' || current_setting('siang.origin', true) || ',';
            END IF;
            PERFORM pg_notify('siang_cases', origin || array_to_string(changed[chunk:chunk + 299], ','))
            FROM generate_series(1, cardinality(changed), 300) AS chunk;
            RETURN NULL;
        END
        $$;
        """
}
