extension SiangMigrations {
    /// A filing that asks to be told of progress writes two outbox rows (the citizen's message and the
    /// agency's webhook event), and the foreign key made each one a referential-integrity query
    /// against `cases`: about a tenth of what notifications added to a filing in PostgreSQL. The
    /// check guards nothing here: outbox rows are written only in the statement or transaction of
    /// their case's change, and cases are never deleted (only emptied whole, outbox with them, by
    /// `siang demo`), as 0002 says of the cases' own codes.
    static let outboxWithoutCaseCheck = """
        ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_case_id_fkey;
        """
}
