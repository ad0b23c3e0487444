extension SiangMigrations {
    static let lineConversations = """
        -- A complaint a citizen is writing in a LINE chat, one per LINE user, from their first message
        -- to their confirmation. The LINE user id and the text are personal data: the row is deleted
        -- when the case is filed or the citizen cancels or blocks the account, and by the maintenance
        -- service once left unfinished for a day (line.draft_hours).
        CREATE TABLE line_drafts (
            line_user_id text PRIMARY KEY,
            step text NOT NULL CHECK (step IN ('location', 'confirmation', 'filing')),
            text text NOT NULL,
            language text NOT NULL CHECK (language IN ('th', 'en')),
            latitude float8,
            longitude float8,
            address text,
            -- The idempotency key of the filing, once the citizen confirmed.
            filing_key text,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX line_drafts_updated ON line_drafts (updated_at);

        -- LINE's webhook events already acted on, by their webhookEventId, so that an event LINE
        -- delivers again is not acted on twice. No personal data; kept a week.
        CREATE TABLE line_events (
            event_id text PRIMARY KEY,
            handled_at timestamptz NOT NULL
        );
        CREATE INDEX line_events_handled ON line_events (handled_at);

        -- A LINE user's cases are those subscribed to their LINE user id ("สถานะ" lists them).
        CREATE INDEX case_subscriptions_line ON case_subscriptions (address) WHERE channel = 'line';
        """
}
