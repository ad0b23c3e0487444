extension SiangMigrations {
    static let partnerRole = """
        -- Partner tokens: another organisation's software that files through Open311 and may do nothing else.
        ALTER TABLE staff DROP CONSTRAINT staff_role_check;
        ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('officer', 'triage', 'admin', 'partner'));
        """
}
