extension SiangMigrations {
    static let cases = """
        -- Codes of areas, categories and agencies are checked by the service against the reference
        -- data it loaded from these very tables, and reference rows are never deleted (0001), so
        -- cases carry no foreign keys to them: the seven RI checks per insert cost two thirds of
        -- the time of filing (measured with pgbench: 4,700 against 14,200 inserts a second).
        CREATE TABLE cases (
            id bigserial PRIMARY KEY,
            code text NOT NULL UNIQUE,
            secret_hash bytea NOT NULL,
            kind text NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'inquiry')),
            channel text NOT NULL,
            title text,
            text text NOT NULL,
            -- The text (and title) with personal data replaced by labels; NULL when redaction found
            -- nothing to replace, so the text itself is what the public sees (most cases: half the storage).
            public_text text,
            public_title text,
            is_public boolean NOT NULL,
            anonymous boolean NOT NULL DEFAULT false,
            status text NOT NULL CHECK (status IN (
                'received', 'triage', 'assigned', 'accepted', 'in_progress', 'resolved', 'closed',
                'rejected', 'merged', 'withdrawn')),
            province_code text,
            district_code text,
            subdistrict_code text,
            area_source text NOT NULL CHECK (area_source IN ('given', 'text', 'none')),
            latitude double precision CHECK (latitude BETWEEN -90 AND 90),
            longitude double precision CHECK (longitude BETWEEN -180 AND 180),
            address text,
            predicted_category text,
            predicted_confidence double precision,
            category_code text NOT NULL,
            agency_code text,
            filed_at timestamptz NOT NULL,
            acknowledged_at timestamptz,
            first_answered_at timestamptz,
            resolved_at timestamptz,
            closed_at timestamptz,
            acknowledge_due timestamptz NOT NULL,
            first_answer_due timestamptz NOT NULL,
            resolution_due timestamptz NOT NULL,
            transfer_count integer NOT NULL DEFAULT 0,
            previous_agencies text[] NOT NULL DEFAULT '{}',
            reopen_count integer NOT NULL DEFAULT 0,
            merged_into text REFERENCES cases (code),
            rejection_reason text,
            resolution text,
            rating smallint CHECK (rating BETWEEN 1 AND 5),
            rating_comment text,
            rated_at timestamptz,
            updated_at timestamptz NOT NULL,
            CHECK ((status = 'triage') OR agency_code IS NOT NULL OR status IN ('rejected', 'merged', 'withdrawn'))
        );
        -- An agency's inbox: its cases by status, newest first, with keyset pagination on (filed_at, id).
        CREATE INDEX cases_agency_inbox ON cases (agency_code, filed_at DESC, id DESC);
        CREATE INDEX cases_triage_queue ON cases (filed_at, id) WHERE status = 'triage';
        CREATE INDEX cases_filed_at ON cases (filed_at, id);

        -- Contact details live apart from the case and are never public (PDPA minimisation).
        CREATE TABLE case_contacts (
            case_id bigint PRIMARY KEY REFERENCES cases (id),
            name text,
            phone text,
            email text,
            consent_version text NOT NULL,
            consent_at timestamptz NOT NULL
        );

        -- The append-only timeline of every case.
        CREATE TABLE case_events (
            id bigserial PRIMARY KEY,
            case_id bigint NOT NULL REFERENCES cases (id),
            at timestamptz NOT NULL,
            kind text NOT NULL,
            actor_kind text NOT NULL CHECK (actor_kind IN ('citizen', 'staff', 'system')),
            actor_id bigint,
            actor_agency text,
            from_status text,
            to_status text,
            agency_code text,
            category_code text,
            note text,
            is_internal boolean NOT NULL DEFAULT false
        );
        CREATE INDEX case_events_case ON case_events (case_id, id);

        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END;
        $$;
        CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
            FOR EACH ROW EXECUTE FUNCTION refuse_change();

        -- A retried POST with the same Idempotency-Key returns the case it created.
        CREATE TABLE idempotency_keys (
            key text PRIMARY KEY,
            request_hash bytea NOT NULL,
            case_id bigint NOT NULL REFERENCES cases (id),
            response_secret text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        """
}
