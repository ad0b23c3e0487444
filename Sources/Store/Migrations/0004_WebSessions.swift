extension SiangMigrations {
    static let webSessions = """
        -- Server-side sessions of staff signed in to the web pages, keyed by the SHA-256 of the
        -- session key (the cookie's value): a stolen table yields no usable session cookie.
        -- The value is the session's JSON; expires_at NULL means the session never expires.
        CREATE TABLE web_sessions (
            key_hash bytea PRIMARY KEY CHECK (length(key_hash) = 32),
            value bytea NOT NULL,
            expires_at timestamptz
        );
        -- Expired sessions are purged by expiry.
        CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);
        """
}
