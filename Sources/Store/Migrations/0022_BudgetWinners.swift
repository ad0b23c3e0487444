extension SiangMigrations {
    static let budgetWinners = """
        -- A participatory-budgeting winner becomes a proposal, adopted by the round's agency, so it is
        -- followed to implementation where every adopted proposal is. The unique key makes that happen
        -- once per winning project, however often or concurrently results are published.
        ALTER TABLE proposals ADD COLUMN budget_project_id bigint REFERENCES budget_projects (id);
        ALTER TABLE proposals ADD CONSTRAINT proposals_budget_project_key UNIQUE (budget_project_id);
        """
}
