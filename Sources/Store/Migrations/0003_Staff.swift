extension SiangMigrations {
    static let staff = """
        CREATE TABLE staff (
            id bigserial PRIMARY KEY,
            name text NOT NULL,
            email text UNIQUE,
            role text NOT NULL CHECK (role IN ('officer', 'triage', 'admin')),
            agency_code text REFERENCES agencies (code),
            password_hash text,
            active boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK (role <> 'officer' OR agency_code IS NOT NULL)
        );

        -- API tokens, stored as SHA-256 of the token: a stolen table yields no usable token.
        CREATE TABLE api_tokens (
            id bigserial PRIMARY KEY,
            staff_id bigint NOT NULL REFERENCES staff (id),
            token_hash bytea NOT NULL UNIQUE,
            name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz
        );

        -- Who read a citizen's contact details, when and why (PDPA: the citizen may ask).
        CREATE TABLE contact_reads (
            id bigserial PRIMARY KEY,
            case_id bigint NOT NULL REFERENCES cases (id),
            staff_id bigint NOT NULL REFERENCES staff (id),
            at timestamptz NOT NULL DEFAULT now(),
            reason text NOT NULL
        );
        CREATE INDEX contact_reads_case ON contact_reads (case_id, at);
        CREATE TRIGGER contact_reads_append_only BEFORE UPDATE OR DELETE ON contact_reads
            FOR EACH ROW EXECUTE FUNCTION refuse_change();
        """
}
