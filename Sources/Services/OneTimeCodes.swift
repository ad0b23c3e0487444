public import Domain
public import Foundation
public import Store

/// Proving that a person holds an e-mail address or a phone number: a six-digit code sent through
/// the outbox (so it travels, and is retried, like every other message), valid for a while, for a
/// few tries, once. Supporting a proposal or answering a consultation asks for one.
public struct OneTimeCodes: Sendable {
    let store: OneTimeCodeStore
    let clock: @Sendable () -> Date
    /// How long a code is valid.
    public var lifetime: TimeInterval = 600
    /// Wrong tries before a code is spent.
    public var maximumAttempts = 5
    /// Codes one address may be sent in an hour.
    public var perAddressPerHour = 5

    public init(store: OneTimeCodeStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    /// A code sent to `address`.
    public struct Issued: Sendable, Equatable {
        public var id: Int64
        public var expiresAt: Date
    }

    /// Sends a new code to `address` by `channel` for `purpose` (a short word: "support", "consultation").
    /// - Throws: `invalid_channel`, `invalid_address`, `invalid_purpose` (`invalid`); `too_many_codes`
    ///   (`conflict`) past the hourly limit for the address.
    public func send(
        to address: String, by channel: NotificationChannel, purpose: String, language: MessageLanguage
    ) async throws -> Issued {
        let address = address.trimmingCharacters(in: .whitespaces)
        guard channel == .email || channel == .sms else {
            throw DomainError.invalid(
                "invalid_channel", th: "ส่งรหัสได้ทางอีเมลหรือ SMS", en: "A code can be sent by \"email\" or \"sms\".")
        }
        try Self.checkAddress(address, channel: channel)
        guard (1...32).contains(purpose.count), purpose.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
            throw DomainError.invalid(
                "invalid_purpose", th: "วัตถุประสงค์ไม่ถูกต้อง", en: "\"purpose\" must be a short lower-case word.")
        }
        let now = clock()
        guard try await store.issued(to: address, since: now.addingTimeInterval(-3600)) < perAddressPerHour else {
            throw DomainError(
                .conflict, code: "too_many_codes", th: "ขอรหัสถี่เกินไป กรุณารอสักครู่แล้วลองใหม่",
                en: "Too many codes were sent to this address in the last hour; please wait a while.")
        }
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        let minutes = Int(lifetime / 60)
        let message =
            language == .en
            ? MessageText(
                subject: "Siang: your code \(code)",
                body: "Your Siang code is \(code). It is valid for \(minutes) minutes. Do not share it.")
            : MessageText(
                subject: "เสียง: รหัสยืนยัน \(code)",
                body: "รหัสยืนยันของท่านคือ \(code) ใช้ได้ภายใน \(minutes) นาที ห้ามบอกรหัสนี้แก่ผู้อื่น")
        let expiresAt = now.addingTimeInterval(lifetime)
        let id = try await store.issue(
            purpose: purpose, channel: channel, address: address, code: code, message: message, at: now,
            expiresAt: expiresAt)
        return Issued(id: id, expiresAt: expiresAt)
    }

    /// Checks the code the person gave back for code `id`.
    /// - Returns: the address it proves, and what for.
    /// - Throws: `wrong_code` (`invalid`), `code_expired`, `code_spent` (`conflict`), `code_not_found` (`notFound`).
    public func verify(id: Int64, code: String) async throws -> (address: String, purpose: String) {
        let digits = code.filter(\.isNumber)
        switch try await store.check(id: id, code: String(digits), at: clock(), maximumAttempts: maximumAttempts) {
        case .verified(let address, let purpose): return (address, purpose)
        case .wrong:
            throw DomainError.invalid("wrong_code", th: "รหัสไม่ถูกต้อง", en: "The code is not right.")
        case .expired:
            throw DomainError(.conflict, code: "code_expired", th: "รหัสหมดอายุแล้ว กรุณาขอรหัสใหม่", en: "The code has expired; ask for a new one.")
        case .spent:
            throw DomainError(
                .conflict, code: "code_spent", th: "รหัสนี้ใช้ไม่ได้แล้ว กรุณาขอรหัสใหม่", en: "This code can no longer be used; ask for a new one.")
        case .unknown:
            throw DomainError(.notFound, code: "code_not_found", th: "ไม่พบรหัสนี้", en: "No such code.")
        }
    }

    static func checkAddress(_ address: String, channel: NotificationChannel) throws(DomainError) {
        let valid: Bool
        if channel == .email {
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            valid = address.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
                && !address.contains(where: { $0.isWhitespace || $0.isNewline })
        } else {
            let digits = address.filter(\.isNumber).count
            valid = (9...15).contains(digits) && address.allSatisfy { $0.isNumber || " +-().".contains($0) }
        }
        guard valid else {
            throw DomainError.invalid(
                "invalid_address", th: channel == .email ? "อีเมลไม่ถูกต้อง" : "หมายเลขโทรศัพท์ไม่ถูกต้อง",
                en: channel == .email ? "\"address\" is not an e-mail address." : "\"address\" is not a phone number.")
        }
    }
}
