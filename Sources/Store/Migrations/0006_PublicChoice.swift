extension SiangMigrations {
    static let publicChoice = """
        -- Whether a case is public follows its category at every change (CaseVisibility), so what the
        -- citizen agreed to at filing is kept apart from the result: a case moved out of a private category
        -- becomes public only if it was public when filed (the citizen asked for it and was told so).
        -- For cases filed before this column, that is exactly is_public as it stands.
        -- Adding the column with a constant default rewrites nothing; only the few private cases are
        -- updated, and new rows must say what the citizen agreed to (the default then becomes false).
        ALTER TABLE cases ADD COLUMN public_requested boolean NOT NULL DEFAULT true;
        UPDATE cases SET public_requested = false WHERE NOT is_public;
        ALTER TABLE cases ALTER COLUMN public_requested SET DEFAULT false;
        """
}
