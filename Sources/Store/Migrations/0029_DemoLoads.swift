extension SiangMigrations {
    /// `siang demo` loads millions of cases in committed segments and records here how far it got, so
    /// a load that was interrupted continues where it stopped when the same command runs again. One
    /// row: the load under way or the last one.
    static let demoLoads = """
        CREATE TABLE IF NOT EXISTS demo_loads (
            id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            total bigint NOT NULL,
            seed numeric(20, 0) NOT NULL,
            days integer NOT NULL,
            generated_at timestamptz NOT NULL,
            segment_size integer NOT NULL,
            first_id bigint NOT NULL,
            loaded bigint NOT NULL DEFAULT 0,
            finished boolean NOT NULL DEFAULT false
        );
        """
}
