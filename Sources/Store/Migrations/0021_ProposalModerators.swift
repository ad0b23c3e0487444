extension SiangMigrations {
    static let proposalModerators = """
        -- Moderators of a scope: a staff account may moderate the proposals of one province or district
        -- (a district office's officer for the district's), besides the triage desk's moderation of all.
        ALTER TABLE staff ADD COLUMN moderates_area text REFERENCES areas (code);
        ALTER TABLE staff ADD CONSTRAINT staff_moderates_area_level CHECK (moderates_area IS NULL OR length(moderates_area) <= 4);
        """
}
