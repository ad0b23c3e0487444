/// What makes a ballot valid (บัตรลงคะแนน): projects of the round, at least one, none twice, and a
/// total cost within the round's budget (a knapsack ballot, as Decidim's budgets).
public enum BudgetBallotRule {
    /// - Returns: the ballot's projects without repeats, in id order, and their total cost.
    /// - Throws: `ballot_empty`, `ballot_unknown_project`, `ballot_over_budget` (all `invalid`).
    @discardableResult
    public static func check(
        _ choice: [Int64], projects: [BudgetCount.Candidate], budget: Int64
    ) throws(DomainError) -> (projects: [Int64], total: Int64) {
        let chosen = Array(Set(choice)).sorted()
        guard !chosen.isEmpty else {
            throw DomainError.invalid(
                "ballot_empty", th: "กรุณาเลือกอย่างน้อยหนึ่งโครงการ", en: "Choose at least one project.")
        }
        let costs = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.cost) })
        var total: Int64 = 0
        for id in chosen {
            guard let cost = costs[id] else {
                throw DomainError.invalid(
                    "ballot_unknown_project", th: "บัตรลงคะแนนมีโครงการที่ไม่อยู่ในรอบนี้ (\(id))",
                    en: "The ballot names a project that is not in this round (\(id)).")
            }
            total += cost
        }
        guard total <= budget else {
            throw DomainError.invalid(
                "ballot_over_budget",
                th: "โครงการที่เลือกรวม \(total) บาท เกินงบประมาณ \(budget) บาท",
                en: "The chosen projects cost \(total) baht in all, more than the budget of \(budget) baht.")
        }
        return (chosen, total)
    }
}
