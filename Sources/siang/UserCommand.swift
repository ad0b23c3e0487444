import ArgumentParser
import Domain
import Foundation
import Postgres
import Services
import Store
import Setup

/// `siang user …`: staff accounts that sign in to the web pages with e-mail and password.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create staff accounts that sign in to the web pages.",
        subcommands: [Create.self, Disable.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account with an e-mail and password.",
            discussion: """
                Without --password-stdin a one-time password is generated and printed (once) on \
                standard output; only its bcrypt hash is stored, and the person must replace it \
                with their own at first sign-in.
                """)

        @Option(help: "The agency's code (required for officers), e.g. bma-district-1047.")
        var agency: String?

        @Option(help: "officer, triage or admin.")
        var role: String = "officer"

        @Option(help: "The e-mail the person signs in with.")
        var email: String

        @Option(help: "The name shown for the account (default: the e-mail).")
        var name: String?

        @Option(help: "A province's or district's code whose proposals the account also moderates, e.g. 1103.")
        var moderates: String?

        @Flag(help: "Read the password from the first line of standard input instead of generating one.")
        var passwordStdin = false

        func run() async throws {
            guard let role = StaffRole(rawValue: role), role != .partner else {
                throw CommandFailure("--role must be officer, triage or admin (a partner has a token, not a password: siang token create --role partner)")
            }
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true) else {
                    throw CommandFailure("--password-stdin: no password on standard input")
                }
                password = line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            try await withDatabase { database, _, logger in
                try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
                let accounts = StaffAccounts(store: StaffStore(pool: database.pool))
                let created: (staff: StaffMember, password: String)
                do {
                    created = try await accounts.createUser(
                        email: email, name: name, role: role, agencyCode: agency, password: password, moderatesArea: moderates)
                } catch let error as DomainError {
                    throw CommandFailure(error.messageEN)
                }
                if password == nil { print(created.password) }
                printError(
                    "created \(role.rawValue) account \(created.staff.id) for \(StaffStore.normalizedEmail(email))"
                        + (agency.map { " at \($0)" } ?? ""))
            }
        }
    }
}

extension UserCommand {
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a staff account: it cannot sign in, and its sessions and API tokens end at once.")

        @Option(help: "The e-mail the person signs in with.")
        var email: String

        func run() async throws {
            try await withDatabase { database, _, logger in
                try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
                let accounts = StaffAccounts(store: StaffStore(pool: database.pool))
                guard try await accounts.deactivate(email: email) else {
                    throw CommandFailure("no active account for \(StaffStore.normalizedEmail(email))")
                }
                printError("deactivated \(StaffStore.normalizedEmail(email)); its sessions and tokens have ended")
            }
        }
    }
}

/// A failed command, reported as one line ("Error: …") with exit status 1, without the usage text
/// `ValidationError` adds.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}
