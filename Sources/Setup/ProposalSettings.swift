import Configuration
import Domain
import Foundation
public import Services

extension ProposalRules {
    /// The proposal rules of `proposals.*` in `Config/siang.json` (and `SIANG_PROPOSALS_*`).
    static func read(_ config: ConfigReader) -> ProposalRules {
        let key = config.string(forKey: "proposals.supporter_key", default: "")
        return ProposalRules(
            thresholds: ProposalThresholds(
                district: max(1, config.int(forKey: "proposals.threshold_district", default: 300)),
                province: max(1, config.int(forKey: "proposals.threshold_province", default: 1000)),
                national: max(1, config.int(forKey: "proposals.threshold_national", default: 10_000)),
                supportDays: max(1, config.int(forKey: "proposals.support_days", default: 90)),
                answerDays: max(1, config.int(forKey: "proposals.answer_days", default: 15))),
            maximumTitleLength: config.int(forKey: "proposals.max_title_length", default: 120),
            burstLimit: max(0, config.int(forKey: "proposals.burst_supports", default: 20)),
            burstWindow: config.double(forKey: "proposals.burst_minutes", default: 10) * 60,
            supporterTokenLifetime: config.double(forKey: "proposals.supporter_token_minutes", default: 120) * 60,
            supporterKey: key.isEmpty ? nil : Array(key.utf8))
    }
}
