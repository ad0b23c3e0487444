import ArgumentParser
import Classification
import Foundation
import Logging
import Postgres
import Setup
import Services
import Store
import Web

/// `siang demo`: fills the database with realistic synthetic cases.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the database with realistic synthetic cases (for demos and benchmarks), with COPY.",
        discussion: """
            Cases spread over the last --days days, with realistic categories, areas and agencies, and
            lifecycles: acknowledgements, transfers, results, overdue cases, ratings and appeals. Their
            texts come from the seed corpus. The same --seed gives the same cases. A running server is told
            by the change feed and reloads its statistics (else at its next reload, or restart).

            Into a database without cases, the cases are committed in segments (--segment-size) and the
            progress recorded: if the load is interrupted, the same command continues where it stopped
            (the proposals, loaded before the cases, are not loaded again). Into a database with cases
            they go in one transaction: all or nothing.
            """
    )

    @Option(help: "How many cases.")
    var cases = 0

    @Option(help: "How many proposals (published over --days, some routed and answered, old ones expired).")
    var proposals = 0

    @Option(help: "How many supports, shared very unevenly among the proposals.")
    var supports = 0

    @Option(help: "Over how many days back from now.")
    var days = 365

    @Option(help: "Seed of the generator (the same seed and segment size give the same cases).")
    var seed: UInt64 = 2026

    @Option(help: "Cases committed at a time into an empty database: how much an interruption loses.")
    var segmentSize = 1_000_000

    @Flag(help: "Start over: empty the cases of an unfinished load (its own, in a database that had none) first.")
    var restart = false

    func validate() throws {
        guard cases > 0 || proposals > 0 else { throw ValidationError("give --cases, --proposals or both") }
        guard (0...50_000_000).contains(cases) else { throw ValidationError("--cases must be from 1 to 50,000,000") }
        guard (0...10_000_000).contains(proposals) else { throw ValidationError("--proposals must be up to 10,000,000") }
        guard (0...500_000_000).contains(supports), proposals > 0 || supports == 0 else {
            throw ValidationError("--supports needs --proposals, and must be up to 500,000,000")
        }
        guard days > 0, days <= 3650 else { throw ValidationError("--days must be from 1 to 3,650") }
        guard (1_000...10_000_000).contains(segmentSize) else { throw ValidationError("--segment-size must be from 1,000 to 10,000,000") }
    }

    func run() async throws {
        try await withDatabase { database, home, logger in
            try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
            let referenceStore = ReferenceStore(pool: database.pool)
            if try await !referenceStore.isSeeded() { try await referenceStore.seed(try SeedFiles.referenceData(home: home)) }
            let reference = Reference(try await referenceStore.load())
            let settings = try await SiangSettings.load(home: home)
            let corpus = try SeedFiles.corpus(seeds: home.seeds).map { ($0.text, $0.category) }
            let loader = BulkLoader(pool: database.pool)
            var resuming: SegmentedLoad?
            if cases > 0, let previous = try await loader.segmentedLoad(), !previous.finished {
                if restart {
                    try await loader.discardSegmentedLoad()
                    print("the interrupted load of \(previous.total) cases was emptied; starting over")
                } else if previous.matches(total: cases, seed: seed, days: days) {
                    resuming = previous
                    print("resuming the interrupted load: \(previous.loaded) of \(previous.total) cases were loaded")
                    if previous.segmentSize != segmentSize {
                        print("(in its own segments of \(previous.segmentSize) cases)")
                    }
                    if proposals > 0 { print("the proposals were loaded before its cases: not loaded again") }
                } else {
                    printError(
                        "an interrupted load of \(previous.total) cases (--seed \(previous.seed) --days \(previous.days)) is "
                            + "unfinished: run `siang demo --cases \(previous.total) --seed \(previous.seed) --days \(previous.days)` to "
                            + "continue it, or add --restart to empty its cases and load these instead")
                    throw ExitCode.failure
                }
            }
            if proposals > 0, resuming == nil {
                try await loadProposals(pool: database.pool, reference: reference, corpus: corpus, settings: settings)
            }
            guard cases > 0 else { return }
            let start = ContinuousClock.now
            var loaded: Int
            // Whole seconds, recorded with the load: a resumed load makes the same cases.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let segmented: SegmentedLoad?
            if let resuming {
                segmented = resuming
            } else {
                segmented = try await loader.beginSegmentedLoad(
                    total: cases, seed: seed, days: days, generatedAt: now, segmentSize: segmentSize)
            }
            if let segmented {
                let generator = DemoGenerator(
                    reference: reference, corpus: corpus, days: days, now: segmented.generatedAt, rules: settings.serviceRules)
                let stream = generator.segmentedStream(
                    count: cases, seed: seed, segmentSize: segmented.segmentSize, startingAt: segmented.loaded)
                loaded = try await loader.continueSegmentedLoad(segmented) { stream.next(count: $0) }
            } else {
                let generator = DemoGenerator(
                    reference: reference, corpus: corpus, days: days, now: now, rules: settings.serviceRules)
                let stream = generator.stream(count: cases, seed: seed, taken: try await loader.existingCodes())
                loaded = try await loader.load(count: cases) {
                    let batch = stream.next(count: 10_000)
                    return batch.isEmpty ? nil : batch
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "loaded \(loaded) cases in \(String(format: "%.1f", seconds)) s "
                    + "(\(Int(Double(loaded) / seconds)) cases/s, timelines included)")
        }
    }

    func loadProposals(
        pool: ConnectionPool, reference: Reference, corpus: [(String, String)], settings: SiangSettings
    ) async throws {
        let loader = ProposalBulkLoader(pool: pool)
        let now = Date()
        let generator = ProposalDemoGenerator(
            reference: reference, corpus: corpus.map { (text: $0.0, category: $0.1) },
            thresholds: settings.proposals.thresholds, days: days, now: now)
        let stream = generator.stream(
            count: proposals, supports: supports, seed: seed, offset: try await loader.existingCount())
        let start = ContinuousClock.now
        let random = SeededBytes(seed: seed)
        let loaded = try await loader.load(
            count: proposals, at: now,
            next: {
                let batch = stream.next(count: 5_000)
                return batch.isEmpty ? nil : batch
            },
            random: { random.fill(&$0) })
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "loaded \(loaded.proposals) proposals and \(loaded.supports) supports in \(String(format: "%.1f", seconds)) s")
    }
}

/// Random bytes from a seeded generator, for demo supporters' hashes (which hash nobody).
final class SeededBytes: @unchecked Sendable {
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed ^ 0x5EED)
    }

    func fill(_ bytes: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            var word = generator.next()
            for _ in 0..<8 where index < bytes.count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
}
