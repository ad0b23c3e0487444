extension SiangMigrations {
    /// Every statement that files or changes cases tells every Siang listening (`CaseChangeFeed`) which
    /// ones, on commit (NOTIFY waits for the commit and is dropped by a rollback). A trigger rather than
    /// a NOTIFY beside each statement: no path that writes cases (filing, staff actions, merges,
    /// erasures, upkeep's closing, bulk loads) can forget it. One notification per statement, its ids
    /// comma-separated in chunks that fit NOTIFY's 8,000-byte payload; a statement that touched more
    /// than a thousand cases says `*` (reload everything), which is cheaper than re-reading each.
    static let caseChangeFeed = """
        CREATE FUNCTION siang_notify_case_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed bigint[];
        BEGIN
            SELECT array_agg(id ORDER BY id) INTO changed FROM (SELECT id FROM changed_cases LIMIT 1001) first_ones;
            IF changed IS NULL THEN
                RETURN NULL;
            END IF;
            IF cardinality(changed) > 1000 THEN
                PERFORM pg_notify('siang_cases', '*');
            ELSE
                PERFORM pg_notify('siang_cases', array_to_string(changed[chunk:chunk + 299], ','))
                FROM generate_series(1, cardinality(changed), 300) AS chunk;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER cases_filed_notify AFTER INSERT ON cases REFERENCING NEW TABLE AS changed_cases
            FOR EACH STATEMENT EXECUTE FUNCTION siang_notify_case_changes();
        CREATE TRIGGER cases_changed_notify AFTER UPDATE ON cases REFERENCING NEW TABLE AS changed_cases
            FOR EACH STATEMENT EXECUTE FUNCTION siang_notify_case_changes();
        """
}
