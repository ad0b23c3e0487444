extension SiangMigrations {
    static let oneTimeCodes = """
        -- Codes sent to prove an address (supporting a proposal, taking part in a consultation). Only the
        -- code's SHA-256 is kept; the address is personal data, deleted with the code once it is old.
        CREATE TABLE one_time_codes (
            id bigserial PRIMARY KEY,
            purpose text NOT NULL,
            channel text NOT NULL CHECK (channel IN ('email', 'sms')),
            address text NOT NULL,
            code_hash bytea NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            verified_at timestamptz
        );
        CREATE INDEX one_time_codes_address ON one_time_codes (address, created_at);
        """
}
