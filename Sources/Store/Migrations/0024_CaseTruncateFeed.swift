extension SiangMigrations {
    /// `siang demo` empties `cases` with TRUNCATE, which row and statement triggers on INSERT and
    /// UPDATE never see: listening instances would keep the removed cases until their next reload. A
    /// TRUNCATE says `*`, as a statement that touched more than a thousand cases does.
    static let caseTruncateFeed = """
        CREATE FUNCTION siang_notify_all_cases() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('siang_cases', '*');
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER cases_truncated_notify AFTER TRUNCATE ON cases
            FOR EACH STATEMENT EXECUTE FUNCTION siang_notify_all_cases();
        """
}
