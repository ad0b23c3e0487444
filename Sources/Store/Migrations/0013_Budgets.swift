extension SiangMigrations {
    static let budgets = """
        -- Participatory budgeting (issue 14 item 5): rounds an agency opens, ideas residents submit,
        -- projects staff cost from them, verified voters and their ballots, and published results.
        CREATE TABLE budget_rounds (
            id bigserial PRIMARY KEY,
            agency_code text NOT NULL REFERENCES agencies (code),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            description text NOT NULL DEFAULT '',
            total_budget bigint NOT NULL CHECK (total_budget > 0),
            ideas_from timestamptz NOT NULL,
            review_from timestamptz NOT NULL,
            vote_from timestamptz NOT NULL,
            vote_until timestamptz NOT NULL,
            CHECK (ideas_from < review_from AND review_from <= vote_from AND vote_from < vote_until),
            -- Province or district codes; checked against the reference data by the service.
            eligible_areas text[] NOT NULL CHECK (cardinality(eligible_areas) > 0),
            rule text NOT NULL CHECK (rule IN ('greedy', 'equal_shares')),
            -- Staff closed the phases before this one early; the later of this and the calendar wins.
            advanced_to text CHECK (advanced_to IN ('ideas', 'review', 'vote', 'results')),
            results_published_at timestamptz,
            created_at timestamptz NOT NULL,
            created_by bigint REFERENCES staff (id)
        );

        CREATE TABLE budget_projects (
            id bigserial PRIMARY KEY,
            round_id bigint NOT NULL REFERENCES budget_rounds (id),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            description text NOT NULL DEFAULT '',
            cost bigint NOT NULL CHECK (cost > 0),
            feasibility text NOT NULL DEFAULT '',
            -- The proposal (issue 14 items 1-4) this project is linked to, once proposals exist.
            proposal_id bigint,
            -- Set for winners when results are published: planned, in_progress, implemented.
            progress text CHECK (progress IN ('planned', 'in_progress', 'implemented')),
            created_at timestamptz NOT NULL
        );
        CREATE INDEX budget_projects_round ON budget_projects (round_id, id);

        CREATE TABLE budget_ideas (
            id bigserial PRIMARY KEY,
            round_id bigint NOT NULL REFERENCES budget_rounds (id),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
            text text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
            status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'declined')),
            decline_reason text,
            CHECK (status <> 'declined' OR decline_reason IS NOT NULL),
            project_id bigint REFERENCES budget_projects (id),
            CHECK (status <> 'accepted' OR project_id IS NOT NULL),
            proposal_id bigint,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX budget_ideas_round ON budget_ideas (round_id, id);

        -- Kept apart from the idea, as a case's contact is: never public, erasable on its own.
        CREATE TABLE budget_idea_contacts (
            idea_id bigint PRIMARY KEY REFERENCES budget_ideas (id) ON DELETE CASCADE,
            name text,
            phone text,
            email text
        );

        CREATE TABLE budget_project_updates (
            id bigserial PRIMARY KEY,
            project_id bigint NOT NULL REFERENCES budget_projects (id),
            progress text NOT NULL CHECK (progress IN ('planned', 'in_progress', 'implemented')),
            note text NOT NULL,
            staff_id bigint REFERENCES staff (id),
            created_at timestamptz NOT NULL
        );
        CREATE INDEX budget_project_updates_project ON budget_project_updates (project_id, id);

        -- A voter proved an address with a one-time code: only an HMAC-SHA256 of the normalised address
        -- is kept, never the address. The token (its SHA-256 here) lets them cast and change a ballot.
        CREATE TABLE budget_voters (
            round_id bigint NOT NULL REFERENCES budget_rounds (id),
            voter_hash bytea NOT NULL,
            area_code text NOT NULL REFERENCES areas (code),
            token_hash bytea NOT NULL UNIQUE,
            verified_at timestamptz NOT NULL,
            PRIMARY KEY (round_id, voter_hash)
        );

        -- One ballot per voter per round, by the primary key; changing it replaces the row.
        CREATE TABLE budget_ballots (
            round_id bigint NOT NULL,
            voter_hash bytea NOT NULL,
            projects bigint[] NOT NULL CHECK (cardinality(projects) > 0),
            total_cost bigint NOT NULL,
            cast_at timestamptz NOT NULL,
            changed_at timestamptz NOT NULL,
            PRIMARY KEY (round_id, voter_hash),
            FOREIGN KEY (round_id, voter_hash) REFERENCES budget_voters (round_id, voter_hash)
        );

        -- The published count under both rules; `binding` marks the round's rule.
        CREATE TABLE budget_results (
            round_id bigint NOT NULL REFERENCES budget_rounds (id),
            rule text NOT NULL CHECK (rule IN ('greedy', 'equal_shares')),
            project_id bigint NOT NULL REFERENCES budget_projects (id),
            votes integer NOT NULL,
            position integer,
            reason text NOT NULL
                CHECK (reason IN ('selected', 'does_not_fit', 'supporters_cannot_afford', 'no_votes')),
            -- Budget left after it (selected) or when its turn came (does_not_fit), in baht.
            remaining bigint,
            -- Equal Shares: what each supporter paid (selected) or what its supporters had left.
            amount double precision,
            voter_share double precision,
            ballots integer NOT NULL,
            PRIMARY KEY (round_id, rule, project_id)
        );

        -- The key of the voters' HMAC when settings give none: made once, strong random, never leaves
        -- the database, so the same address gives the same hash across restarts.
        CREATE TABLE budget_secret (
            only_one boolean PRIMARY KEY DEFAULT true CHECK (only_one),
            secret bytea NOT NULL
        );
        INSERT INTO budget_secret (secret) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
        """
}
