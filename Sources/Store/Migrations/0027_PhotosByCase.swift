extension SiangMigrations {
    /// A case's photos were found by scanning every photo (there was no index on `case_id`): cheap
    /// while photos are few, a scan per case page and per open-data row once a country's are there.
    static let photosByCase = """
        CREATE INDEX IF NOT EXISTS case_photos_case ON case_photos (case_id, id);
        """
}
