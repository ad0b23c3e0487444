extension SiangMigrations {
    static let proposals = """
        -- Citizens' proposals (ข้อเสนอ): public once a moderator publishes them, supported by verified
        -- people, answered by an agency once the scope's threshold is reached. The redacted title and
        -- text are what the public reads; `words` is the segmented content words, for "similar proposals".
        CREATE TABLE proposals (
            id bigserial PRIMARY KEY,
            code text NOT NULL UNIQUE,
            secret_hash bytea NOT NULL,
            title text NOT NULL,
            text text NOT NULL,
            public_title text NOT NULL,
            public_text text NOT NULL,
            words text[] NOT NULL DEFAULT '{}',
            scope text NOT NULL CHECK (scope IN ('national', 'province', 'district')),
            province_code text REFERENCES areas (code),
            district_code text REFERENCES areas (code),
            category_code text NOT NULL REFERENCES categories (code),
            estimated_cost bigint CHECK (estimated_cost >= 0),
            language text NOT NULL DEFAULT 'th' CHECK (language IN ('th', 'en')),
            status text NOT NULL CHECK (
                status IN ('pending', 'published', 'rejected', 'expired', 'routed', 'answered', 'implemented')),
            created_at timestamptz NOT NULL,
            published_at timestamptz,
            closes_at timestamptz,
            threshold integer CHECK (threshold > 0),
            supports integer NOT NULL DEFAULT 0 CHECK (supports >= 0),
            flagged_supports integer NOT NULL DEFAULT 0 CHECK (flagged_supports >= 0),
            moderated_by bigint REFERENCES staff (id),
            moderated_at timestamptz,
            rejection text CHECK (
                rejection IN ('duplicate', 'personal_attack', 'illegal', 'not_public_matter', 'private_complaint')),
            rejection_note text,
            duplicate_of bigint REFERENCES proposals (id),
            -- No foreign key: `siang demo` empties `cases` with TRUNCATE, which a reference would refuse.
            case_id bigint,
            routed_at timestamptz,
            agency_code text REFERENCES agencies (code),
            answer_due timestamptz,
            answer text CHECK (answer IN ('adopted', 'adopted_in_part', 'under_study', 'declined')),
            answer_text text,
            answered_at timestamptz,
            first_answered_at timestamptz,
            study_until timestamptz,
            implemented_at timestamptz,
            expired_at timestamptz,
            updated_at timestamptz NOT NULL,
            CHECK (scope = 'national' OR province_code IS NOT NULL),
            CHECK (scope <> 'district' OR district_code IS NOT NULL)
        );
        -- The public list's three orders, each an index scan from the top (filters on topic or area
        -- narrow the same scan).
        CREATE INDEX proposals_by_supports ON proposals (supports DESC, id DESC)
            WHERE status IN ('published', 'expired', 'routed', 'answered', 'implemented');
        CREATE INDEX proposals_by_newest ON proposals (published_at DESC, id DESC)
            WHERE status IN ('published', 'expired', 'routed', 'answered', 'implemented');
        CREATE INDEX proposals_by_remaining ON proposals ((threshold - supports), id)
            WHERE status = 'published';
        CREATE INDEX proposals_pending ON proposals (created_at, id) WHERE status = 'pending';
        CREATE INDEX proposals_closing ON proposals (closes_at) WHERE status = 'published';
        CREATE INDEX proposals_agency ON proposals (agency_code, answer_due) WHERE agency_code IS NOT NULL;
        CREATE INDEX proposals_words ON proposals USING gin (words)
            WHERE status IN ('published', 'routed', 'answered', 'implemented');

        -- The proposer's contact details, apart from the proposal and never public (as case_contacts).
        CREATE TABLE proposal_contacts (
            proposal_id bigint PRIMARY KEY REFERENCES proposals (id) ON DELETE CASCADE,
            name text,
            phone text,
            email text,
            consent_version text NOT NULL,
            consent_at timestamptz NOT NULL
        );

        -- Where someone asked to hear of a proposal: the proposer (support_id NULL) or a supporter who
        -- asked for the answer. Personal data: kept only while the proposal can still change
        -- (deleted when it is finished, withdrawn, or the contact erased).
        CREATE TABLE proposal_subscriptions (
            id bigserial PRIMARY KEY,
            proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
            support_id bigint,
            channel text NOT NULL CHECK (channel IN ('email', 'sms')),
            address text NOT NULL,
            language text NOT NULL DEFAULT 'th' CHECK (language IN ('th', 'en')),
            consent_at timestamptz NOT NULL
        );
        CREATE INDEX proposal_subscriptions_proposal ON proposal_subscriptions (proposal_id);
        CREATE UNIQUE INDEX proposal_subscriptions_support ON proposal_subscriptions (support_id)
            WHERE support_id IS NOT NULL;

        -- One support per person per proposal: `supporter` is the HMAC-SHA256 of the normalised address
        -- under the server's key, never the address; `network` the same of the client's network.
        CREATE TABLE proposal_supports (
            id bigserial PRIMARY KEY,
            proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
            supporter bytea NOT NULL,
            network bytea NOT NULL,
            created_at timestamptz NOT NULL,
            state text NOT NULL CHECK (state IN ('counted', 'flagged', 'discounted')),
            UNIQUE (proposal_id, supporter)
        );
        CREATE INDEX proposal_supports_burst ON proposal_supports (proposal_id, network, created_at);
        CREATE INDEX proposal_supports_flagged ON proposal_supports (proposal_id, id) WHERE state = 'flagged';
        CREATE INDEX proposal_supports_month ON proposal_supports (created_at) WHERE state = 'counted';

        -- A proposal's timeline.
        CREATE TABLE proposal_events (
            id bigserial PRIMARY KEY,
            proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
            at timestamptz NOT NULL,
            kind text NOT NULL,
            staff_id bigint REFERENCES staff (id),
            agency_code text,
            note text
        );
        CREATE INDEX proposal_events_proposal ON proposal_events (proposal_id, id);

        -- The key supporters' and networks' hashes are made with when the settings give none, made once.
        CREATE TABLE server_keys (
            name text PRIMARY KEY,
            key bytea NOT NULL
        );

        ALTER TABLE outbox ADD COLUMN proposal_id bigint REFERENCES proposals (id) ON DELETE SET NULL;
        """
}
