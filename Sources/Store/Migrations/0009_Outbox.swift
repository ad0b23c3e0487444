extension SiangMigrations {
    static let outbox = """
        -- Where a citizen asked to be told of progress. The address is personal data: kept apart
        -- from the case like contact details, and erased with them.
        CREATE TABLE case_subscriptions (
            case_id bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            channel text NOT NULL CHECK (channel IN ('email', 'sms', 'line')),
            address text NOT NULL,
            language text NOT NULL DEFAULT 'th' CHECK (language IN ('th', 'en')),
            PRIMARY KEY (case_id, channel)
        );

        -- Where an agency wants to hear of every change to its cases, signed with its own secret.
        CREATE TABLE agency_webhooks (
            id bigserial PRIMARY KEY,
            agency_code text NOT NULL REFERENCES agencies(code),
            url text NOT NULL,
            secret text NOT NULL,
            active boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX agency_webhooks_agency ON agency_webhooks (agency_code) WHERE active;

        -- The transactional outbox: each change writes its messages here in its own transaction, and
        -- the delivery service sends them after it committed, with retries. `recipient` is the address
        -- (personal data, blanked when the contact is erased) or the webhook's id.
        CREATE TABLE outbox (
            id bigserial PRIMARY KEY,
            created_at timestamptz NOT NULL,
            event text NOT NULL,
            channel text NOT NULL CHECK (channel IN ('email', 'sms', 'line', 'webhook')),
            recipient text NOT NULL,
            case_id bigint REFERENCES cases(id) ON DELETE SET NULL,
            agency_code text,
            subject text,
            body text NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'cancelled')),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            -- Retries stop a while after this: the creation, or the moment staff asked for a retry.
            retry_window_from timestamptz NOT NULL,
            claimed_until timestamptz,
            sent_at timestamptz,
            last_error text
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
        CREATE INDEX outbox_case ON outbox (case_id);
        CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead';

        -- Every attempt, for staff to see why a message did not arrive.
        CREATE TABLE outbox_attempts (
            outbox_id bigint NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
            at timestamptz NOT NULL,
            ok boolean NOT NULL,
            error text
        );
        CREATE INDEX outbox_attempts_message ON outbox_attempts (outbox_id);
        """
}
