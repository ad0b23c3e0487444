extension SiangMigrations {
    /// One-time codes are claimed before every other message (`OutboxStore.claim`): a citizen waits on
    /// the screen for one, while progress messages may be late by minutes when a backlog builds (a
    /// provider that was down, or a busy server sending at its reduced rate). Only the codes are in
    /// this index, so a filing's messages cost nothing more to write.
    static let urgentMessages = """
        CREATE INDEX IF NOT EXISTS outbox_urgent_due ON outbox (next_attempt_at, id)
            WHERE status = 'pending' AND event = 'one_time_code';
        """
}
