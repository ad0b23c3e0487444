extension SiangMigrations {
    static let consultations = """
        -- Consultations (การรับฟังความคิดเห็น): an agency asks a question, or puts a draft in numbered
        -- sections (`sections`, in order), to the public between two dates.
        CREATE TABLE consultations (
            id bigserial PRIMARY KEY,
            agency_code text NOT NULL REFERENCES agencies (code),
            title text NOT NULL,
            question text NOT NULL,
            sections text[] NOT NULL DEFAULT '{}',
            area_code text REFERENCES areas (code),
            opens_at timestamptz NOT NULL,
            closes_at timestamptz NOT NULL,
            allows_anonymous boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            created_by bigint REFERENCES staff (id),
            -- Set once, when the opinions were grouped into the themes staff edit (after closing).
            grouped_at timestamptz,
            published_at timestamptz,
            CHECK (closes_at > opens_at)
        );
        CREATE INDEX consultations_agency ON consultations (agency_code, id);

        -- A theme of a consultation's opinions, with the agency's response ("you said, we will").
        CREATE TABLE consultation_themes (
            id bigserial PRIMARY KEY,
            consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
            label text NOT NULL,
            words text[] NOT NULL DEFAULT '{}',
            quote_ids bigint[] NOT NULL DEFAULT '{}',
            is_other boolean NOT NULL DEFAULT false,
            response text,
            responded_at timestamptz,
            responded_by bigint REFERENCES staff (id)
        );
        CREATE INDEX consultation_themes_consultation ON consultation_themes (consultation_id, id);

        -- Opinions. `participant` is the keyed hash of a verified person's address (as proposal
        -- supports keep it), NULL for an anonymous opinion; the address itself is never stored.
        -- `public_text` is the text with personal data replaced by labels: all the public reads.
        -- `words` are the segmented content words grouping compares, kept so closing does not segment again.
        CREATE TABLE consultation_opinions (
            id bigserial PRIMARY KEY,
            consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
            section integer CHECK (section >= 1),
            stance text NOT NULL CHECK (stance IN ('agree', 'disagree', 'neutral')),
            text text NOT NULL,
            public_text text NOT NULL,
            words text[] NOT NULL DEFAULT '{}',
            participant bytea,
            theme_id bigint REFERENCES consultation_themes (id) ON DELETE SET NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX consultation_opinions_consultation ON consultation_opinions (consultation_id, id);
        CREATE INDEX consultation_opinions_theme ON consultation_opinions (theme_id) WHERE theme_id IS NOT NULL;
        """
}
