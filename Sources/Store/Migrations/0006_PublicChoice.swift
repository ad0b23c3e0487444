extension SiangMigrations {
    static let publicChoice = """
        -- Whether a case is public follows its category at every change (CaseVisibility), so what the
        -- citizen agreed to at filing is kept apart from the result: a case moved out of a private category
        -- becomes public only if it was public when filed (the citizen asked for it and was told so).
        -- For cases filed before this column, that is exactly is_public as it stands.
        ALTER TABLE cases ADD COLUMN public_requested boolean NOT NULL DEFAULT false;
        UPDATE cases SET public_requested = is_public WHERE is_public;
        """
}
