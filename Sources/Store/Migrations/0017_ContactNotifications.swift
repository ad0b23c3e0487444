extension SiangMigrations {
    /// E-mail and SMS notifications go to the contact's own address, so they are a column of the
    /// contact row instead of rows of their own: a filing that asks for them writes one row fewer (with
    /// its index and foreign-key check), which `bench/load.sh` showed to be a measurable part of what
    /// notifications cost. LINE keeps its subscription rows: a case filed on LINE has no contact row.
    static let contactNotifications = """
        ALTER TABLE case_contacts
            ADD COLUMN notify text[] NOT NULL DEFAULT '{}' CHECK (notify <@ ARRAY['email', 'sms']),
            ADD COLUMN language text NOT NULL DEFAULT 'th' CHECK (language IN ('th', 'en'));

        UPDATE case_contacts k SET notify = s.channels, language = s.language
        FROM (
            SELECT case_id, array_agg(channel ORDER BY channel) AS channels, min(language) AS language
            FROM case_subscriptions WHERE channel IN ('email', 'sms') GROUP BY case_id
        ) s
        WHERE k.case_id = s.case_id;

        DELETE FROM case_subscriptions s
        WHERE s.channel IN ('email', 'sms') AND EXISTS (SELECT 1 FROM case_contacts k WHERE k.case_id = s.case_id);

        ALTER TABLE case_subscriptions DROP CONSTRAINT case_subscriptions_channel_check,
            ADD CONSTRAINT case_subscriptions_channel_check CHECK (channel = 'line');
        """
}
