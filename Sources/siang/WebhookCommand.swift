import ArgumentParser
import Domain
import Foundation
import Postgres
import Services
import Setup
import Store

/// `siang webhook …`: the URLs an agency's systems receive case events at.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Register, list and remove agencies' webhooks.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a webhook and print its signing secret (shown once).",
            discussion: "Each change to the agency's cases is POSTed to the URL as JSON, signed (see the README).")

        @Option(help: "The agency's code, e.g. bma-district-1047.")
        var agency: String

        @Option(help: "An http or https URL.")
        var url: String

        func run() async throws {
            try await withDatabase { database, _, logger in
                try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
                do {
                    let added = try await AgencyService.registerWebhook(
                        url: url, agencyCode: agency, outbox: OutboxStore(pool: database.pool), at: Date())
                    print("webhook \(added.webhook.id) for \(agency): \(url)")
                    print(added.secret)
                } catch let error as DomainError {
                    throw ValidationError(error.messageEN)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the webhooks (of one agency, or all).")

        @Option(help: "Only this agency's.")
        var agency: String?

        func run() async throws {
            try await withDatabase { database, _, _ in
                for hook in try await OutboxStore(pool: database.pool).webhooks(agencyCode: agency) {
                    print("\(hook.id)\t\(hook.agencyCode)\t\(hook.active ? "active" : "removed")\t\(hook.url)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sending to a webhook.")

        @Argument(help: "The webhook's id.")
        var id: Int64

        func run() async throws {
            try await withDatabase { database, _, _ in
                guard try await OutboxStore(pool: database.pool).deactivateWebhook(id: id, agencyCode: nil) else {
                    throw ValidationError("no webhook \(id)")
                }
                print("webhook \(id) removed")
            }
        }
    }
}
