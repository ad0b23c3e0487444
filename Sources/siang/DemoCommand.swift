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
            texts come from the seed corpus. The same --seed gives the same cases. A running server picks
            them up at its next statistics reload (every 10 minutes) or restart.
            """
    )

    @Option(help: "How many cases.")
    var cases: Int

    @Option(help: "Over how many days back from now.")
    var days = 365

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 2026

    func validate() throws {
        guard cases > 0, cases <= 50_000_000 else { throw ValidationError("--cases must be from 1 to 50,000,000") }
        guard days > 0, days <= 3650 else { throw ValidationError("--days must be from 1 to 3,650") }
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
            let taken = try await loader.existingCodes()
            let generator = DemoGenerator(
                reference: reference, corpus: corpus, days: days, now: Date(), rules: settings.serviceRules)
            let stream = generator.stream(count: cases, seed: seed, taken: taken)
            let start = ContinuousClock.now
            let loaded = try await loader.load(count: cases) {
                let batch = stream.next(count: 10_000)
                return batch.isEmpty ? nil : batch
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "loaded \(loaded) cases in \(String(format: "%.1f", seconds)) s "
                    + "(\(Int(Double(loaded) / seconds)) cases/s, timelines included)")
        }
    }
}
