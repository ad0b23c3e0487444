import Classification
public import Domain
public import Foundation
public import Store
import ThaiText

/// Synthetic proposals for `siang demo --proposals N --supports M`: texts from the seed corpus,
/// scopes mostly Bangkok districts, published over the last `days` days, and `M` supports shared
/// out very unevenly (a few proposals draw most of them, as on every petitions site), so some cross
/// their threshold and are routed and answered, and old ones under it have expired.
public struct ProposalDemoGenerator: Sendable {
    let reference: Reference
    let texts: [(text: String, publicText: String, category: String)]
    let thresholds: ProposalThresholds
    let days: Int
    let now: Date

    public init(
        reference: Reference, corpus: [(text: String, category: String)], thresholds: ProposalThresholds, days: Int,
        now: Date
    ) {
        self.reference = reference
        texts = corpus.map { ($0.text, PersonalData.redact($0.text), $0.category) }
        self.thresholds = thresholds
        self.days = max(1, days)
        self.now = now
    }

    /// A stream of proposals: call `next(count:)` until it returns an empty array.
    public final class Stream: @unchecked Sendable {
        let generator: ProposalDemoGenerator
        var random: SplitMix64
        let total: Int
        let weights: [Double]
        let supportScale: Double
        var made = 0
        let districts: [Area]
        let provinces: [Area]

        let offset: Int

        init(generator: ProposalDemoGenerator, count: Int, supports: Int, seed: UInt64, offset: Int) {
            self.generator = generator
            self.offset = offset
            random = SplitMix64(seed: seed)
            total = count
            // Zipf-like popularity: the k-th most popular draws about 1/k^0.9 of the supports.
            weights = (0..<count).map { 1 / pow(Double($0 + 1), 0.9) }
            supportScale = Double(supports) / max(1, weights.reduce(0, +))
            districts = generator.reference.data.areas.filter { $0.level == .district && $0.code.hasPrefix("10") }
            provinces = generator.reference.data.areas.filter { $0.level == .province }
        }

        public func next(count: Int) -> [BulkProposal] {
            var batch: [BulkProposal] = []
            while batch.count < count, made < total {
                batch.append(make(index: made))
                made += 1
            }
            return batch
        }

        func make(index: Int) -> BulkProposal {
            let g = generator
            // Popularity ranks are shuffled over the proposals so old and new ones alike are popular.
            let rank = Int(UInt64(index) &* 2_654_435_761 % UInt64(total))
            let source: (text: String, publicText: String, category: String) =
                g.texts.isEmpty
                ? (text: "ข้อเสนอ", publicText: "ข้อเสนอ", category: "other") : g.texts[Int(random.next() % UInt64(g.texts.count))]
            let roll = Double(random.next() % 1000) / 1000
            let scope: ProposalScope
            if roll < 0.75, let district = districts.isEmpty ? nil : districts[Int(random.next() % UInt64(districts.count))] {
                scope = ProposalScope(level: .district, provinceCode: "10", districtCode: district.code)
            } else if roll < 0.95, !provinces.isEmpty {
                scope = ProposalScope(level: .province, provinceCode: provinces[Int(random.next() % UInt64(provinces.count))].code)
            } else {
                scope = ProposalScope(level: .national)
            }
            let published = g.now.addingTimeInterval(-Double(random.next() % UInt64(g.days * 86_400)))
            let closes = published.addingTimeInterval(Double(g.thresholds.supportDays) * 86_400)
            let threshold = g.thresholds.threshold(for: scope.level)
            var supports = Int(weights[rank] * supportScale)
            let title = String(source.text.prefix(80))
            var record = ProposalRecord(
                id: 0, code: "PR-\(BangkokYear.of(published))-" + Self.suffix(index + offset), title: title, text: source.text,
                publicTitle: String(source.publicText.prefix(80)), publicText: source.publicText, scope: scope,
                categoryCode: g.reference.categories[source.category] == nil ? Domain.Category.otherCode : source.category,
                estimatedCost: random.next() % 2 == 0 ? Int64(random.next() % 50_000_000) : nil, status: .published,
                createdAt: published.addingTimeInterval(-86_400), publishedAt: published, closesAt: closes,
                threshold: threshold)
            if supports >= threshold {
                // Supports stop counting towards the answer once the threshold is crossed, but go on.
                let crossed = published.addingTimeInterval(min(closes, g.now).timeIntervalSince(published) * 0.6)
                record.status = .routed
                record.routedAt = crossed
                record.agencyCode = g.reference.router.route(category: record.categoryCode, area: scope.area).agencyCode
                record.answerDue = crossed.addingTimeInterval(Double(g.thresholds.answerDays) * 86_400)
                if let due = record.answerDue, due < g.now, random.next() % 10 < 8 {
                    record.status = .answered
                    record.answer = ProposalAnswer.allCases[Int(random.next() % 4)]
                    record.answerText = "หน่วยงานพิจารณาข้อเสนอแล้ว"
                    record.answeredAt = crossed.addingTimeInterval(Double(random.next() % UInt64(20 * 86_400)))
                    if record.answer == .underStudy { record.studyUntil = g.now.addingTimeInterval(90 * 86_400) }
                }
            } else if closes < g.now {
                record.status = .expired
            }
            supports = max(0, supports)
            record.supports = supports
            return BulkProposal(record: record, supportCount: supports)
        }

        /// A code suffix unique per index (demo codes are sequential in disguise, not random).
        static func suffix(_ index: Int) -> String {
            let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
            var value = index
            var characters: [Character] = []
            for _ in 0..<6 {
                characters.append(alphabet[value % alphabet.count])
                value /= alphabet.count
            }
            return String(characters)
        }
    }

    /// `count` proposals sharing `supports` supports; `offset` (the proposals already stored) keeps codes apart.
    public func stream(count: Int, supports: Int, seed: UInt64 = 2026, offset: Int = 0) -> Stream {
        Stream(generator: self, count: count, supports: supports, seed: seed, offset: offset)
    }
}
