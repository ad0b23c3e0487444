import ArgumentParser
import AsyncHTTPClient
import Channels
import Domain
import Foundation
import Hummingbird
import Logging
import Postgres
import Services
import Setup
import Store

/// `siang bench outbox`: how fast the delivery service drains the outbox to a local webhook
/// receiver (an HTTP server in this process that answers 200), on the database of the settings
/// (`DATABASE_URL`, else the private cluster under `.siang/`), durable as in production.
struct OutboxBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Messages per second the outbox drains to a local webhook receiver."
    )

    @Option(help: "How many messages to queue and deliver.")
    var messages = 20_000

    @Option(help: "How many delivery services run at once (as several processes would).")
    var deliverers = 4

    @Option(help: "Messages each delivery service claims at a time.")
    var batch = 200

    func validate() throws {
        guard (1...1_000_000).contains(messages) else { throw ValidationError("--messages must be from 1 to 1,000,000") }
        guard (1...32).contains(deliverers), (1...5000).contains(batch) else {
            throw ValidationError("--deliverers must be 1 to 32 and --batch 1 to 5,000")
        }
    }

    func run() async throws {
        let received = ReceivedCounter()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            received.add()
            return Response(status: .ok)
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withDatabase { database, _, logger in
            try await Migrator.migrate(pool: database.pool, migrations: SiangMigrations.all, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                var ports = portStream.makeAsyncIterator()
                guard let port = await ports.next(), port > 0 else { throw CommandFailure("the receiver did not start") }
                let outbox = OutboxStore(pool: database.pool)
                let agency = try await database.pool.withConnection {
                    try $0.query("SELECT code FROM agencies ORDER BY code LIMIT 1").first.map { try $0.string(0) }
                }
                guard let agency else { throw CommandFailure("no agencies: run `siang seed` first") }
                let hook = try await AgencyService.registerWebhook(
                    url: "http://127.0.0.1:\(port)/hook", agencyCode: agency, outbox: outbox, at: Date())
                let payload = #"{"case":{"code":"SG-2026-BENCH0"},"change":{"kind":"filed"}}"#
                try await database.pool.withConnection { connection in
                    try connection.query(
                        """
                        INSERT INTO outbox (created_at, event, channel, recipient, agency_code, body, next_attempt_at,
                                            retry_window_from)
                        SELECT now(), 'case.filed', 'webhook', $1, $2, $3, now(), now() FROM generate_series(1, $4)
                        """, [String(hook.webhook.id), agency, payload, messages])
                }
                let delivery = NotificationDelivery(
                    outbox: outbox, senders: [.webhook: WebhookSender(client: ProviderClient.shared)], batch: batch)
                let started = ContinuousClock.now
                let sent = try await withThrowingTaskGroup(of: Int.self) { deliveries in
                    for _ in 0..<deliverers { deliveries.addTask { try await delivery.deliverDue().sent } }
                    return try await deliveries.reduce(0, +)
                }
                let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                    + Double((ContinuousClock.now - started).components.seconds)
                try await database.pool.withConnection { try $0.execute("DELETE FROM outbox WHERE recipient = '\(hook.webhook.id)'") }
                _ = try await outbox.deactivateWebhook(id: hook.webhook.id, agencyCode: nil)
                print(
                    "RESULT outbox: \(sent) of \(messages) messages delivered in \(String(format: "%.2f", seconds)) s = "
                        + "\(Int(Double(sent) / seconds)) messages/s (\(deliverers) deliverers, batches of \(batch)); "
                        + "the receiver got \(received.count)")
                group.cancelAll()
            }
        }
    }
}

final class ReceivedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
