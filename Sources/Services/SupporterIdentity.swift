import Crypto
public import Domain
public import Foundation

/// Who a supporter is, as far as Siang keeps it: a keyed hash (HMAC-SHA256 under the server's key) of
/// their normalised e-mail address or phone number, never the address; and the short-lived token
/// that lets a person verified once support several proposals without a new code each time.
///
/// The token is sealed (AES-GCM, under a key derived from the same server key): it carries the hash,
/// its expiry, and the address itself (so a supporter who asks to hear the answer can be reached)
/// where nobody but the server can read or change it.
public struct SupporterIdentity: Sendable {
    let hashKey: SymmetricKey
    let tokenKey: SymmetricKey
    let networkKey: SymmetricKey

    /// - Parameter key: the server's secret key (`proposals.supporter_key`, or the one kept in the database).
    public init(key: [UInt8]) {
        let master = SymmetricKey(data: key)
        hashKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("siang supporter hash".utf8), outputByteCount: 32)
        tokenKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("siang supporter token".utf8), outputByteCount: 32)
        networkKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("siang network".utf8), outputByteCount: 32)
    }

    /// The form of an address two spellings of it share: an e-mail address lower-cased; a phone number
    /// as its digits, Thailand's +66 written as the leading 0 people dial.
    public static func normalise(_ address: String, channel: NotificationChannel) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard channel == .sms else { return trimmed.lowercased() }
        var digits = trimmed.filter { $0.isASCII && $0.isNumber }
        if digits.hasPrefix("66"), digits.count == 11 { digits = "0" + digits.dropFirst(2) }
        return digits
    }

    /// The keyed hash of a person's address.
    public func supporterHash(address: String, channel: NotificationChannel) -> [UInt8] {
        let normal = channel.rawValue + ":" + Self.normalise(address, channel: channel)
        return Array(HMAC<SHA256>.authenticationCode(for: Data(normal.utf8), using: hashKey))
    }

    /// A keyed hash of the network a client is in (an IPv4 /24, an IPv6 /48), to notice bursts from one
    /// network without keeping anyone's address.
    public func networkHash(client: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(Self.network(of: client).utf8), using: networkKey).prefix(16))
    }

    static func network(of client: String) -> String {
        if client.contains(":") {
            // The first three groups (a /48): one site's addresses.
            return client.split(separator: ":", omittingEmptySubsequences: false).prefix(3).joined(separator: ":")
        }
        let octets = client.split(separator: ".")
        return octets.count == 4 ? octets.prefix(3).joined(separator: ".") : client
    }

    /// A verified person, as a token carries them.
    public struct Supporter: Sendable, Equatable {
        public var hash: [UInt8]
        public var channel: NotificationChannel
        public var address: String
        public var expiresAt: Date
    }

    /// A token for a person who proved `address` at `now`, valid for `lifetime`.
    public func token(address: String, channel: NotificationChannel, at now: Date, lifetime: TimeInterval) -> String {
        let expiry = UInt64(max(0, now.addingTimeInterval(lifetime).timeIntervalSince1970))
        var plain: [UInt8] = []
        withUnsafeBytes(of: expiry.bigEndian) { plain.append(contentsOf: $0) }
        plain.append(channel == .sms ? 1 : 0)
        plain.append(contentsOf: supporterHash(address: address, channel: channel))
        plain.append(contentsOf: Array(address.utf8))
        // Sealing cannot fail with a 256-bit key and a fresh nonce.
        let sealed = try! AES.GCM.seal(Data(plain), using: tokenKey)
        return Self.base64URL(sealed.combined!)
    }

    /// The person a token names, if the token is this server's, unchanged and not expired.
    /// - Throws: `invalid_supporter_token` (`unauthenticated`), `supporter_token_expired` (`unauthenticated`).
    public func supporter(fromToken token: String, at now: Date) throws(DomainError) -> Supporter {
        guard token.utf8.count <= 1024, let data = Self.data(base64URL: token),
            let box = try? AES.GCM.SealedBox(combined: data), let plain = try? AES.GCM.open(box, using: tokenKey),
            plain.count > 41
        else {
            throw DomainError(
                .unauthenticated, code: "invalid_supporter_token", th: "การยืนยันตัวตนไม่ถูกต้อง กรุณายืนยันด้วยรหัสใหม่",
                en: "The supporter token is not valid; verify with a new code.")
        }
        let bytes = Array(plain)
        let expiry = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expiresAt > now else {
            throw DomainError(
                .unauthenticated, code: "supporter_token_expired", th: "การยืนยันตัวตนหมดอายุแล้ว กรุณาขอรหัสใหม่",
                en: "The supporter token has expired; verify with a new code.")
        }
        return Supporter(
            hash: Array(bytes[9..<41]), channel: bytes[8] == 1 ? .sms : .email,
            address: String(decoding: bytes[41...], as: UTF8.self), expiresAt: expiresAt)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
