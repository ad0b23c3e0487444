import ArgumentParser
import Domain
import Foundation
import Logging
import Postgres
import Setup
import Services
import Store
import Web

/// `siang migrate`: applies pending schema migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    func run() async throws {
        try await withDatabase { database, _, logger in
            let applied = try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
            print(applied.isEmpty ? "schema is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}

/// `siang seed`: loads Seeds/ and Config/ into the database (idempotent).
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load categories, areas, agencies, routing rules and deadlines from Seeds/ and Config/ (idempotent).")

    func run() async throws {
        try await withDatabase { database, home, logger in
            try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
            let data = try SeedFiles.referenceData(home: home)
            try await ReferenceStore(pool: database.pool).seed(data)
            print(
                "seeded \(data.categories.count) categories, \(data.areas.count) areas, \(data.agencies.count) agencies, "
                    + "\(data.routingRules.count) routing rules, \(data.deadlines.count) deadline rules")
        }
    }
}

/// `siang token …`: API tokens for staff.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account with a role and print its API token (shown once).")

        @Option(help: "The agency's code (required for officers), e.g. bma-district-1047.")
        var agency: String?

        @Option(help: "officer, triage, admin, or partner (another organisation's software that may only file, through Open311).")
        var role: String = "officer"

        @Option(help: "A name for the account and token.")
        var name: String?

        @Option(help: "A province's or district's code whose proposals the account also moderates, e.g. 1103.")
        var moderates: String?

        func run() async throws {
            guard let role = StaffRole(rawValue: role) else {
                throw ValidationError("--role must be officer, triage, admin or partner")
            }
            try await withDatabase { database, _, logger in
                try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
                let accounts = StaffAccounts(store: StaffStore(pool: database.pool))
                let label = name ?? "\(role.rawValue) token\(agency.map { " for \($0)" } ?? "")"
                do {
                    let (token, _) = try await accounts.createToken(role: role, agencyCode: agency, name: label, moderatesArea: moderates)
                    print(token)
                } catch let error as DomainError {
                    throw ValidationError(error.messageEN)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API tokens (never the tokens themselves).")

        func run() async throws {
            try await withDatabase { database, _, _ in
                for token in try await StaffStore(pool: database.pool).tokens() {
                    let state = token.revokedAt == nil ? "active" : "revoked"
                    print("\(token.id)\t\(state)\t\(token.role)\t\(token.agency ?? "-")\t\(token.name)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id (see `siang token list`).")

        @Argument(help: "The token's id.")
        var id: Int64

        func run() async throws {
            try await withDatabase { database, _, _ in
                guard try await StaffStore(pool: database.pool).revokeToken(id: id) else {
                    throw ValidationError("no active token with id \(id)")
                }
                print("revoked token \(id)")
            }
        }
    }
}

/// Runs `body` with the configured database open, closing it (and any private cluster) after.
func withDatabase(_ body: (Database, SiangHome, Logger) async throws -> Void) async throws {
    let logger = SiangLogging.makeLogger("siang")
    let home = try SiangHome.locate()
    let settings = try await SiangSettings.load(home: home)
    let database = try Database.open(settings: settings, logger: logger)
    do {
        try await body(database, home, logger)
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}
