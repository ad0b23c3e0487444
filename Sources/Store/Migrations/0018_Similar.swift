extension SiangMigrations {
    static let similar = """
        -- "Me too": a citizen who finds their problem already reported follows that case instead of filing
        -- it again. The follow has its own tracking code (MT-…) and secret, so the follower can see the
        -- case's progress without the filer's secret, and its own contact for the result if they asked.
        CREATE TABLE case_follows (
            id bigserial PRIMARY KEY,
            case_id bigint NOT NULL REFERENCES cases (id),
            code text NOT NULL UNIQUE,
            secret_hash bytea NOT NULL,
            created_at timestamptz NOT NULL,
            email text,
            phone text,
            consent_version text,
            consent_at timestamptz,
            notify text[] NOT NULL DEFAULT '{}' CHECK (notify <@ ARRAY['email', 'sms']),
            language text NOT NULL DEFAULT 'th' CHECK (language IN ('th', 'en'))
        );
        CREATE INDEX case_follows_case ON case_follows (case_id);

        -- Public on the case, in statistics and in open data; kept on the row so none of them counts follows.
        ALTER TABLE cases ADD COLUMN me_too_count integer NOT NULL DEFAULT 0;

        -- Cases merged into another, by the case they were merged into: the result of the main case is
        -- passed on to each of them (every citizen keeps their own code, rating and appeal).
        CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;
        """
}
