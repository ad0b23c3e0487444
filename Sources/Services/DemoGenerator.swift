public import Domain
public import Foundation
import Statistics
public import Store
import ThaiText
import JSONBytes

/// Makes realistic synthetic cases for demos and benchmarks: categories, areas and agencies
/// with a realistic skew, and lifecycles with acknowledgements, transfers, results, overdue
/// cases, ratings and appeals, over the last `days` days.
///
/// Deterministic for a given seed. Texts are the seed corpus's, in the case's category.
public struct DemoGenerator: Sendable {
    let reference: Reference
    let texts: [String: [(text: String, publicText: String)]]
    let days: Int
    let now: Date
    let rules: LifecycleRules
    let privateCategories: Set<String>

    /// Bangkok complaint services see mostly street problems; the weights are rough shares.
    static let categoryWeights: [String: Double] = [
        "road": 14, "sidewalk": 10, "traffic": 10, "cleanliness": 8, "lighting": 7, "drainage": 6, "flooding": 6,
        "obstruction": 5, "street_vendors": 5, "noise": 5, "damaged_facilities": 4, "safety": 4, "trees": 3,
        "air_pollution": 3, "electricity": 3, "cables": 2, "stray_animals": 2, "canal": 1.5, "public_transport": 1.5,
        "water_supply": 1.5, "homeless": 1, "signage": 1, "bridge": 1, "public_toilets": 0.5, "corruption": 1,
        "consumer": 0.8, "online_fraud": 0.8, "entertainment_venues": 0.5, "land": 0.4, "debt": 0.3, "labour": 0.5,
        "welfare": 0.6, "health_service": 0.6, "education": 0.5, "other": 3,
    ]

    public init(reference: Reference, corpus: [(text: String, category: String)], days: Int, now: Date, rules: ServiceRules) {
        var texts: [String: [(String, String)]] = [:]
        for example in corpus {
            texts[example.category, default: []].append((example.text, PersonalData.redact(example.text)))
        }
        self.reference = reference
        self.texts = texts
        self.days = max(1, days)
        self.now = now
        self.rules = rules.lifecycle
        self.privateCategories = rules.privateCategories
    }

    /// A stream of cases: call `next(count:)` until it returns an empty array.
    public final class Stream: @unchecked Sendable {
        let generator: DemoGenerator
        var random: DemoRandom
        var remaining: Int
        var sequence: UInt64 = 0
        let taken: Set<String>
        let seed: UInt64
        /// With segments, each segment's cases come from a generator seeded for that segment, so a
        /// load can start at any segment and make the same cases as a load that went through.
        let segmentSize: Int?
        /// Cases made so far (from the start of the whole stream).
        var produced = 0
        let categories: [(String, Double)]
        let provinces: [String]
        let bangkokDistricts: [String]
        let bangkokSubdistricts: [String: [String]]

        init(generator: DemoGenerator, count: Int, seed: UInt64, taken: Set<String>, segmentSize: Int? = nil) {
            self.generator = generator
            self.random = DemoRandom(seed: seed)
            self.remaining = count
            self.taken = taken
            self.seed = seed
            self.segmentSize = segmentSize
            let total = DemoGenerator.categoryWeights.values.reduce(0, +)
            var cumulative = 0.0
            categories = DemoGenerator.categoryWeights.sorted { $0.key < $1.key }.compactMap { code, weight in
                guard generator.reference.categories[code] != nil else { return nil }
                cumulative += weight / total
                return (code, cumulative)
            }
            let areas = generator.reference.data.areas
            provinces = areas.filter { $0.level == .province && $0.code != "10" }.map(\.code)
            bangkokDistricts = areas.filter { $0.level == .district && $0.parentCode == "10" }.map(\.code)
            var subdistricts: [String: [String]] = [:]
            for area in areas where area.level == .subdistrict { subdistricts[area.parentCode ?? "", default: []].append(area.code) }
            bangkokSubdistricts = subdistricts
        }

        /// Up to `count` more cases.
        public func next(count: Int) -> [BulkCase] {
            let size = min(count, remaining)
            remaining -= size
            var cases: [BulkCase] = []
            cases.reserveCapacity(size)
            for _ in 0..<size {
                if let segmentSize, produced % segmentSize == 0 {
                    random = DemoRandom(seed: Self.segmentSeed(seed, segment: produced / segmentSize))
                }
                cases.append(makeCase())
                produced += 1
            }
            return cases
        }

        /// Moves to case `index` (a segment's first): only in a segmented stream without codes taken
        /// beforehand, where case `n`'s code is the `n + 1`th of the counter.
        func start(at index: Int) {
            // A load interrupted after its last segment (while its indexes were built) starts at the end.
            precondition(
                segmentSize.map { index % $0 == 0 } ?? (index == 0) || index == produced + remaining,
                "a stream starts at a segment, or at its end")
            precondition(taken.isEmpty, "codes already taken would shift the counter")
            remaining -= index - produced
            produced = index
            sequence = UInt64(index)
        }

        static func segmentSeed(_ seed: UInt64, segment: Int) -> UInt64 {
            var mixed = (seed ^ 0x5E61_E17_5EED) &+ UInt64(segment) &* 0x9E37_79B9_7F4A_7C15
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }

        func makeCase() -> BulkCase {
            let g = generator
            let reference = g.reference
            // Filing time: more recent days busier (growth), weekdays busier, office hours busier.
            let dayBack = Int(Double(g.days) * pow(random.uniform(), 1.3))
            var hour = random.uniform() < 0.75 ? 7 + random.int(13) : random.int(24)
            if random.uniform() < 0.1 { hour = 20 + random.int(4) }
            let filedAt = g.now.addingTimeInterval(-Double(dayBack) * 86_400 - Double(random.int(86_400)))
                .addingTimeInterval(Double(hour - 12) * 60)
            let category = pickCategory()
            var area = CaseArea()
            if random.uniform() < 0.62 {
                let district = bangkokDistricts[random.int(bangkokDistricts.count)]
                area = CaseArea(provinceCode: "10", districtCode: district)
                if random.uniform() < 0.3, let subs = bangkokSubdistricts[district], !subs.isEmpty {
                    area.subdistrictCode = subs[random.int(subs.count)]
                }
            } else if random.uniform() < 0.95 {
                area = CaseArea(provinceCode: provinces[random.int(provinces.count)])
            }
            var agency = reference.router.route(category: category, area: area).agencyCode
            let due = reference.deadlines.dueDates(filedAt: filedAt, category: category, agency: agency)
            let pool = g.texts[category] ?? g.texts.values.first!
            let text = pool[random.int(pool.count)]
            let confidence = 0.35 + 0.65 * random.uniform()
            var events = [BulkCase.Event(at: filedAt, kind: .filed, actor: .citizen, fromStatus: nil, toStatus: agency == nil ? .triage : .assigned, agencyCode: agency, note: nil)]
            var state = CaseState(status: agency == nil ? .triage : .assigned, agencyCode: agency, categoryCode: category)
            // Each agency has its own pace (0.5 to 2.5 times the usual), so the league table shows a spread.
            let pace = agency.map { 0.5 + Double(Self.stableHash($0) % 2000) / 1000 } ?? 1
            var clock = filedAt

            func at(_ delay: Double) -> Date? {
                let time = clock.addingTimeInterval(delay)
                return time <= g.now ? time : nil
            }
            func event(_ kind: TimelineKind, _ time: Date, to status: CaseStatus?, actor: ActorKind = .staff, agency code: String? = nil, note: String? = nil) {
                events.append(BulkCase.Event(at: time, kind: kind, actor: actor, fromStatus: state.status, toStatus: status, agencyCode: code, note: note))
                if let status { state.status = status }
                clock = time
            }

            if agency == nil, let placedAt = at(3600 * (2 + 20 * random.uniform())) {
                let target = reference.router.route(category: category, area: area).agencyCode ?? "damrongdhama-\(area.provinceCode ?? "10")"
                agency = reference.agencies[target] != nil ? target : "opm-1111"
                state.agencyCode = agency
                event(.placed, placedAt, to: .assigned, agency: agency)
            }
            guard agency != nil else { return finish() }
            if random.uniform() < 0.02, let time = at(3600 * 24 * random.uniform()) {
                state.closedAt = time
                event(.withdrawn, time, to: .withdrawn, actor: .citizen)
                return finish()
            }
            // Acknowledgement: usually hours, sometimes never (an overdue case).
            guard random.uniform() > 0.05 * pace, let acknowledged = at(pace * 3600 * random.logNormal(median: 10, spread: 1.0)) else {
                return finish()
            }
            state.acknowledgedAt = acknowledged
            event(.accepted, acknowledged, to: .accepted)
            if random.uniform() < 0.08, let time = at(pace * 86_400 * random.logNormal(median: 1, spread: 0.8)) {
                let target = reference.data.agencies[random.int(reference.data.agencies.count)].code
                if target != agency {
                    state.previousAgencies.append(agency!)
                    state.transferCount += 1
                    agency = target
                    state.agencyCode = target
                    event(.transferred, time, to: .assigned, agency: target, note: "ไม่อยู่ในความรับผิดชอบ")
                    guard let again = at(pace * 3600 * random.logNormal(median: 8, spread: 1)) else { return finish() }
                    event(.accepted, again, to: .accepted)
                }
            }
            if random.uniform() < 0.06, let time = at(pace * 86_400 * random.logNormal(median: 3, spread: 0.7)) {
                state.rejectionReason = [.insufficientInformation, .outOfArea, .notACase, .notGovernment][random.int(4)]
                state.firstAnsweredAt = time
                state.closedAt = time
                event(.rejected, time, to: .rejected, note: state.rejectionReason?.nameTH)
                return finish()
            }
            if random.uniform() < 0.02, let time = at(86_400 * random.uniform()) {
                state.closedAt = time
                state.mergedInto = nil
                event(.merged, time, to: .merged)
                return finish()
            }
            guard let started = at(pace * 86_400 * random.logNormal(median: 2.5, spread: 0.9)) else { return finish() }
            state.firstAnsweredAt = started
            event(.started, started, to: .inProgress)
            var appeals = 0
            while true {
                let typical = category == "corruption" || category == "land" ? 30.0 : 7.0
                guard let resolved = at(pace * 86_400 * random.logNormal(median: typical, spread: 0.9)) else { return finish() }
                state.resolvedAt = resolved
                state.resolution = "ดำเนินการแก้ไขเรียบร้อยแล้ว"
                event(.resolved, resolved, to: .resolved, note: state.resolution)
                let slow = resolved.timeIntervalSince(filedAt) > due.resolution.timeIntervalSince(filedAt)
                if random.uniform() < 0.35, let rated = at(86_400 * random.logNormal(median: 1, spread: 1)) {
                    let stars = max(1, min(5, Int((slow ? 2.6 : 4.1) + random.normal() * 1.1)))
                    state.rating = stars
                    state.ratedAt = rated
                    event(.feedback, rated, to: nil, actor: .citizen, note: "\(stars)/5")
                }
                if appeals < 2, random.uniform() < (slow ? 0.09 : 0.04), let appealed = at(86_400 * 3 * random.uniform()) {
                    appeals += 1
                    state.reopenCount += 1
                    state.resolvedAt = nil
                    event(.reopened, appealed, to: .inProgress, actor: .citizen, note: "ยังไม่ได้รับการแก้ไข")
                    continue
                }
                if let closed = at(g.rules.reopenWindow + 60) {
                    state.closedAt = closed
                    event(.closed, closed, to: .closed, actor: .system)
                }
                return finish()
            }

            func finish() -> BulkCase {
                // Demo citizens all ask for publication; what they are told depends on the category.
                let visible = CaseVisibility.isPublic(
                    publicAgreed: true, category: category, privateCategories: g.privateCategories)
                return BulkCase(
                    code: nextCode(year: BangkokYear.of(filedAt)), secretHash: random.bytes(32),
                    kind: random.uniform() < 0.85 ? .complaint : (random.uniform() < 0.7 ? .suggestion : .inquiry),
                    channel: ["web", "line", "api", "phone", "web", "line"][random.int(6)], text: text.text,
                    publicText: text.publicText,
                    isPublic: visible, publicRequested: visible,
                    area: area, categoryCode: category, confidence: confidence.rounded(toPlaces: 3), filedAt: filedAt,
                    due: reference.deadlines.dueDates(filedAt: filedAt, category: category, agency: state.agencyCode),
                    state: state, events: events)
            }
        }

        /// FNV-1a: the same on every run, unlike `hashValue`.
        static func stableHash(_ text: String) -> UInt64 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return hash
        }

        func pickCategory() -> String {
            let draw = random.uniform()
            return categories.first { draw <= $0.1 }?.0 ?? categories.last!.0
        }

        /// Codes from a counter scrambled by an odd multiplier modulo 31⁶: unique, random-looking.
        func nextCode(year: Int) -> String {
            let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
            let space: UInt64 = 887_503_681  // 31^6
            while true {
                sequence += 1
                var value = (sequence &* 486_187_739 &+ 11) % space
                var suffix = [Character](repeating: "2", count: 6)
                for index in (0..<6).reversed() {
                    suffix[index] = alphabet[Int(value % 31)]
                    value /= 31
                }
                let code = "SG-\(year)-" + String(suffix)
                if !taken.contains(code) { return code }
            }
        }
    }

    /// A stream of `count` cases.
    public func stream(count: Int, seed: UInt64 = 2026, taken: Set<String> = []) -> Stream {
        Stream(generator: self, count: count, seed: seed, taken: taken)
    }

    /// A stream of `count` cases in segments of `segmentSize`, starting at case `start` (a segment's
    /// first): the cases of a segmented demo load, the same whether the load went through or resumed.
    public func segmentedStream(count: Int, seed: UInt64, segmentSize: Int, startingAt start: Int) -> Stream {
        let stream = Stream(generator: self, count: count, seed: seed, taken: [], segmentSize: segmentSize)
        stream.start(at: start)
        return stream
    }
}


/// A small fast seeded generator (xorshift*), with the distributions the demo needs.
struct DemoRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func int(_ upper: Int) -> Int { Int(next() % UInt64(upper)) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }

    /// Log-normal with the given median and spread (σ of the logarithm).
    mutating func logNormal(median: Double, spread: Double) -> Double { median * exp(spread * normal()) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var value = next()
            for _ in 0..<8 where result.count < count {
                result.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        return result
    }
}
