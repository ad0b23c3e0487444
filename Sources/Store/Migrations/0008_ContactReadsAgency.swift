extension SiangMigrations {
    static let contactReadsAgency = """
        -- The citizen may ask which agency read their contact details (PDPA). The reader's agency
        -- and role are kept as they were at the reading, so moving an officer to another agency
        -- later does not rewrite who read what. Earlier rows keep NULL here (the log is
        -- append-only) and are answered with the reader's current agency and role.
        ALTER TABLE contact_reads ADD COLUMN agency_code text, ADD COLUMN staff_role text;
        """
}
