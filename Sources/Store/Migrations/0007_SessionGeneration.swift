extension SiangMigrations {
    static let sessionGeneration = """
        -- A web session remembers the generation of its account's sessions when it began; changing the
        -- password or deactivating the account moves the generation on, which ends every other session
        -- at its next request (sessions are rows keyed by a hash, with no index by account to delete by).
        ALTER TABLE staff ADD COLUMN session_generation integer NOT NULL DEFAULT 0;
        """
}
