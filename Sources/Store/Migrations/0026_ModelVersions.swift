extension SiangMigrations {
    /// Classifier models trained from staff's settled cases, kept as versions with the report that
    /// compared each with the model live when it was made or promoted. At most one is live; none
    /// means the default model trained from `Seeds/`. A promoted version remembers the one it replaced,
    /// so a rollback knows where to go back to. `cases.model_version` is the version that classified
    /// the case (NULL: the default model), for accuracy by version.
    static let modelVersions = """
        CREATE TABLE model_versions (
            id bigserial PRIMARY KEY,
            created_at timestamptz NOT NULL,
            source text NOT NULL,
            examples integer NOT NULL,
            held_out_from bigint,
            model bytea NOT NULL,
            report jsonb NOT NULL,
            state text NOT NULL CHECK (state IN ('candidate', 'live', 'retired', 'refused', 'rolled_back')),
            promoted_at timestamptz,
            replaced_version bigint REFERENCES model_versions (id)
        );
        CREATE UNIQUE INDEX model_versions_one_live ON model_versions ((true)) WHERE state = 'live';
        ALTER TABLE cases ADD COLUMN model_version bigint;
        """
}
