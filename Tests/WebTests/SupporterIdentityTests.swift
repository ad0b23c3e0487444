import Domain
import Foundation
import Services
import Testing

@Suite("Supporter identity")
struct SupporterIdentityTests {
    let identity = SupporterIdentity(key: Array("a server secret for the tests".utf8))
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(
        "spellings of one address hash alike; other addresses, channels and keys do not",
        arguments: [
            ("Somsri@Example.com ", "somsri@example.com", NotificationChannel.email),
            ("+66 81-234-5678", "0812345678", NotificationChannel.sms),
            ("081 234 5678", "(081) 234-5678", NotificationChannel.sms),
        ])
    func normalisation(spelling: String, other: String, channel: NotificationChannel) {
        #expect(identity.supporterHash(address: spelling, channel: channel) == identity.supporterHash(address: other, channel: channel))
        #expect(identity.supporterHash(address: spelling, channel: channel) != identity.supporterHash(address: other + "9", channel: channel))
        let otherKey = SupporterIdentity(key: Array("another secret".utf8))
        #expect(identity.supporterHash(address: spelling, channel: channel) != otherKey.supporterHash(address: spelling, channel: channel))
    }

    @Test("a token names its supporter until it expires, and cannot be read, altered or made without the key")
    func tokens() throws {
        let token = identity.token(address: "somsri@example.com", channel: .email, at: now, lifetime: 600)
        #expect(!token.contains("somsri"), "the address is sealed, not merely encoded")
        let supporter = try identity.supporter(fromToken: token, at: now.addingTimeInterval(599))
        #expect(supporter.hash == identity.supporterHash(address: "somsri@example.com", channel: .email))
        #expect(supporter.address == "somsri@example.com" && supporter.channel == .email)
        #expect(throws: DomainError.self) { try identity.supporter(fromToken: token, at: now.addingTimeInterval(601)) }
        var altered = Array(token)
        altered[20] = altered[20] == "A" ? "B" : "A"
        #expect(throws: DomainError.self) { try identity.supporter(fromToken: String(altered), at: now) }
        let foreign = SupporterIdentity(key: Array("another secret".utf8)).token(
            address: "somsri@example.com", channel: .email, at: now, lifetime: 600)
        #expect(throws: DomainError.self) { try identity.supporter(fromToken: foreign, at: now) }
        #expect(throws: DomainError.self) { try identity.supporter(fromToken: "not a token", at: now) }
    }

    @Test("clients of one /24 (IPv4) or /48 (IPv6) share a network hash; others do not")
    func networks() {
        #expect(identity.networkHash(client: "203.0.113.7") == identity.networkHash(client: "203.0.113.200"))
        #expect(identity.networkHash(client: "203.0.113.7") != identity.networkHash(client: "203.0.114.7"))
        #expect(identity.networkHash(client: "2001:db8:1:2::1") == identity.networkHash(client: "2001:db8:1:ff::9"))
        #expect(identity.networkHash(client: "2001:db8:1::1") != identity.networkHash(client: "2001:db8:2::1"))
    }
}
