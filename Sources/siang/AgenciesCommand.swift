import ArgumentParser
import Domain
import Foundation
import Postgres
import Services
import Setup
import Store

/// `siang agencies import FILE.csv`: local governments and the subdistricts they cover.
struct AgenciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agencies", abstract: "Import local governments (เทศบาล, อบต., เมืองพัทยา).",
        subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load local governments from a CSV file; importing the same file again changes nothing.",
            discussion: """
                Columns: code, name_th, name_en, kind (municipality, sao, city), province_code, district_code,
                subdistricts (DOPA codes separated by ;) and optionally categories (separated by ;; empty for the
                local problems: roads, lights, rubbish, drains, stray animals …). Cases of those categories in
                those subdistricts then go to the local government instead of the district office, from the next
                start of `siang serve`. A local government imported again gets the file's subdistricts and
                categories; its cases and history stay. See docs/samples/local-governments-lamphun.sample.csv.
                """)

        @Argument(help: "The CSV file.")
        var file: String

        func run() async throws {
            let governments = try SeedFiles.localGovernments(path: file)
            try await withDatabase { database, home, logger in
                try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
                let referenceStore = ReferenceStore(pool: database.pool)
                if try await !referenceStore.isSeeded() { try await referenceStore.seed(try SeedFiles.referenceData(home: home)) }
                let reference = Reference(try await referenceStore.load())
                do {
                    let summary = try await LocalGovernments.importing(
                        governments, reference: reference, store: LocalGovernmentStore(pool: database.pool))
                    print(
                        summary.changedNothing
                            ? "\(governments.count) local governments: nothing changed"
                            : "\(governments.count) local governments: \(summary.agenciesAdded) added, \(summary.agenciesUpdated) updated; "
                                + "subdistricts covered: \(summary.coverageAdded) added, \(summary.coverageUpdated) changed, "
                                + "\(summary.coverageRemoved) removed (routing applies from the next start)")
                } catch let error as DomainError {
                    throw ValidationError(error.messageEN)
                }
            }
        }
    }
}
