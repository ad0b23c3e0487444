import Domain
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import HummingbirdTesting
import Testing

@Suite("Citizens rating, appealing and withdrawing")
struct CitizenActionTests {
    let secretHeader = HTTPField.Name("X-Tracking-Secret")!

    func resolvedCase(_ client: any TestClientProtocol, app: TestApp) async throws -> (code: String, secret: String) {
        let token = try await app.token(agency: "bma-district-1047")
        let (code, secret, _) = try await client.file(bangNaPothole)
        _ = try await client.act(code, token: token, ["action": "accept"])
        _ = try await client.act(code, token: token, ["action": "resolve", "result": "ซ่อมแล้ว"])
        return (code, secret)
    }

    @Test("feedback is accepted after resolution, once per result, with the secret")
    func feedback() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (open, openSecret, _) = try await client.file(bangNaPothole)
            let early = try await client.send(.post, "/api/v1/cases/\(open)/feedback", json: ["stars": 5], headers: [secretHeader: openSecret])
            #expect(early.status == .conflict)

            let (code, secret) = try await resolvedCase(client, app: app)
            let noSecret = try await client.send(.post, "/api/v1/cases/\(code)/feedback", json: ["stars": 5])
            #expect(noSecret.status == .unauthorized)
            let badStars = try await client.send(.post, "/api/v1/cases/\(code)/feedback", json: ["stars": 9], headers: [secretHeader: secret])
            #expect(badStars.status == .unprocessableContent)
            let rated = try await client.send(.post, "/api/v1/cases/\(code)/feedback", json: ["stars": 4, "comment": "เร็วดี"], headers: [secretHeader: secret])
            #expect(rated.status == .ok)
            #expect(rated.int("rating.stars") == 4)
            #expect(rated.bool("can_rate") == false)
            let twice = try await client.send(.post, "/api/v1/cases/\(code)/feedback", json: ["stars": 1], headers: [secretHeader: secret])
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "already_rated")
        }
    }

    @Test("an appeal within the window reopens the case; after the window it is refused")
    func reopenWindow() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret) = try await resolvedCase(client, app: app)
            app.clock.advance(days: 10)
            let reopened = try await client.send(
                .post, "/api/v1/cases/\(code)/reopen", json: ["reason": "ยังเป็นหลุมอยู่เลย"], headers: [secretHeader: secret])
            #expect(reopened.status == .ok)
            #expect(reopened.string("status.code") == "in_progress")
            #expect(reopened.int("reopen_count") == 1)
            let missingReason = try await client.send(.post, "/api/v1/cases/\(code)/reopen", json: [:], headers: [secretHeader: secret])
            #expect(missingReason.status == .conflict || missingReason.status == .unprocessableContent)

            let (late, lateSecret) = try await resolvedCase(client, app: app)
            app.clock.advance(days: 31)
            let refused = try await client.send(
                .post, "/api/v1/cases/\(late)/reopen", json: ["reason": "ยังไม่ซ่อม"], headers: [secretHeader: lateSecret])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "reopen_window_closed")
            let wrongSecret = try await client.send(
                .post, "/api/v1/cases/\(late)/reopen", json: ["reason": "x"], headers: [secretHeader: "nope"])
            #expect(wrongSecret.status == .forbidden)
        }
    }

    @Test("a citizen may withdraw an open case")
    func withdraw() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let (code, secret, _) = try await client.file(bangNaPothole)
            let withdrawn = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", json: ["reason": "แก้เองแล้ว"], headers: [secretHeader: secret])
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.string("status.code") == "withdrawn")
            let again = try await client.send(.post, "/api/v1/cases/\(code)/withdraw", json: [:], headers: [secretHeader: secret])
            #expect(again.status == .conflict)
        }
    }
}
