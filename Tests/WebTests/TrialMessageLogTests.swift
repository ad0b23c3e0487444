import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Services
import Store
import Synchronization
import TestSupport
import Testing

@testable import Setup

/// Someone trying Siang on their own machine (`siang serve` on its private database, no mail server)
/// can still support a proposal: the one-time code's message is written to the server's log.
@Suite("Messages of a local trial")
struct TrialMessageLogTests {
    @Test("with no mail server, a one-time code's e-mail is written to the log, and the code read there works")
    func codeReadFromTheLog() async throws {
        let app = try await TestApp.make()
        let lines = LogLines()
        var runtime = app.runtime
        runtime.trialMessageLog = Logger(label: "trial") { _ in LogLines.Handler(lines: lines) }
        #expect(runtime.notifications.smtp == nil, "the test settings name no mail server")
        let delivery = try #require(runtime.notificationDelivery(outbox: OutboxStore(pool: app.database.pool)))
        try await app.run { client in
            let sent = try await client.send(
                .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": "somsri@example.com", "purpose": "support"])
            let id = try #require(sent.int("id"))
            let round = try await delivery.deliverDue()
            #expect(round.sent == 1 && round.retried == 0, "\(round)")
            let logged = try #require(lines.all.first { $0.contains("somsri@example.com") }, "\(lines.all)")
            let code = try #require(
                logged.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).first { $0.count == 6 }.map(String.init), "\(logged)")
            let verified = try await client.send(.post, "/api/v1/one-time-codes/\(id)/verify", json: ["code": code])
            #expect(verified.status == .ok && verified.bool("verified") == true, "\(verified.json)")
        }
    }

    @Test("without the trial log (a production database), a channel with no provider keeps its messages waiting")
    func productionKeepsWaiting() async throws {
        let app = try await TestApp.make()
        let delivery = try #require(app.runtime.notificationDelivery(outbox: OutboxStore(pool: app.database.pool)))
        try await app.run { client in
            _ = try await client.send(
                .post, "/api/v1/one-time-codes", json: ["channel": "email", "address": "somsri@example.com", "purpose": "support"])
            let round = try await delivery.deliverDue()
            #expect(round.sent == 0 && round.retried == 1, "\(round)")
        }
    }
}

/// Log lines kept for a test to read: the message with its metadata.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.lines.withLock { $0.append(([event.message.description] + fields).joined(separator: " ")) }
        }
    }
}
