public import Domain
import Foundation
import HummingbirdBcrypt
import NIOPosix
public import Store

/// Creating staff accounts, their passwords and API tokens, and knowing who a token or a
/// password belongs to.
public struct StaffAccounts: Sendable {
    let store: StaffStore
    /// bcrypt's cost (log2 of its rounds) for new password hashes: 12 in service, lower in tests.
    public let passwordCost: UInt8

    /// - Parameter passwordCost: bcrypt cost for new hashes, 4 to 31 (each step doubles the work).
    public init(store: StaffStore, passwordCost: UInt8 = 12) {
        precondition((4...31).contains(passwordCost), "bcrypt cost must be 4 to 31")
        self.store = store
        self.passwordCost = passwordCost
    }

    /// Fewest characters of a password chosen by a person.
    public static let minimumPasswordLength = 12
    /// Most UTF-8 bytes of a password: bcrypt ignores what follows (24 Thai letters, 72 Latin).
    public static let maximumPasswordBytes = 72

    /// Creates an account that signs in to the web pages with `email` and a password; returns it
    /// with the password, which is `password` or, when that is nil, a generated one-time password
    /// to hand to the person (shown once; only its bcrypt hash is stored), which the person must
    /// replace at first sign-in.
    /// - Parameter name: the name shown for the account; the e-mail when nil or blank.
    /// - Throws: `DomainError` `invalid_email`, `agency_required` (an officer without agency),
    ///   `password_too_short`, `password_too_long`, `invalid_password`, `email_taken` or `unknown_agency`.
    /// - Parameter moderatesArea: a province or district whose proposals the account moderates.
    public func createUser(
        email: String, name: String?, role: StaffRole, agencyCode: String?, password: String?, moderatesArea: String? = nil
    ) async throws -> (staff: StaffMember, password: String) {
        let email = StaffStore.normalizedEmail(email)
        guard Self.isEmailShaped(email) else {
            throw DomainError.invalid("invalid_email", th: "อีเมลไม่ถูกต้อง", en: "Not an e-mail address.")
        }
        if role == .officer, agencyCode == nil {
            throw DomainError.invalid("agency_required", th: "เจ้าหน้าที่หน่วยงานต้องระบุหน่วยงาน", en: "An officer needs an agency.")
        }
        let chosen = try password.map(Self.validatedPassword)
        let password = chosen ?? Self.makePassword()
        let hash = try await hash(password)
        let trimmedName = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let staff = try await store.create(
            name: trimmedName.isEmpty ? email : trimmedName, email: email, role: role, agencyCode: agencyCode,
            passwordHash: hash, passwordChangeRequired: chosen == nil, moderatesArea: try Self.moderatedArea(moderatesArea))
        return (staff, password)
    }

    /// Replaces the password of the signed-in `staff` member by `new`, when `current` is their
    /// password now.
    /// - Throws: `DomainError` `wrong_password`, `password_unchanged` (the same password again),
    ///   `password_too_short`, `password_too_long` or `invalid_password`; `sign_in_required`
    ///   when the account was deactivated meanwhile.
    /// Every other web session of the account ends; the caller starts a new one with the generation returned.
    @discardableResult
    public func changePassword(of staff: StaffMember, current: String, new: String) async throws -> Int {
        guard let stored = try await store.passwordHash(id: staff.id) else { throw Self.accountGone }
        guard try await verify(current, hash: stored) else {
            throw DomainError.invalid(
                "wrong_password", th: "รหัสผ่านปัจจุบันไม่ถูกต้อง", en: "The current password is not right.")
        }
        let new = try Self.validatedPassword(new)
        guard new != current else {
            throw DomainError.invalid(
                "password_unchanged", th: "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม", en: "The new password must differ from the current one.")
        }
        guard let generation = try await store.setPassword(id: staff.id, hash: try await hash(new)) else {
            throw Self.accountGone
        }
        return generation
    }

    /// Deactivates the account with `email`, ending its sessions and tokens; returns whether one was active.
    public func deactivate(email: String) async throws -> Bool {
        try await store.deactivate(email: email)
    }

    static let accountGone = DomainError(
        .unauthenticated, code: "sign_in_required", th: "กรุณาเข้าสู่ระบบก่อน", en: "Please sign in first.")

    /// Whether `password` is the one `hash` was made from, checked off the event loop. The bcrypt
    /// work is done even for a password that can match nothing, so timing tells nothing either.
    func verify(_ password: String, hash: String) async throws -> Bool {
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches && Self.canMatch(password)
    }

    /// bcrypt reads a C string: a NUL would end the password early, so a password with one (or an
    /// empty one) can match nothing.
    static func canMatch(_ password: String) -> Bool {
        !password.isEmpty && !password.utf8.contains(0)
    }

    /// The bcrypt hash of `password` at `passwordCost`, computed off the event loop.
    func hash(_ password: String) async throws -> String {
        let cost = passwordCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// The active staff member whose e-mail (any letter case) and password these are, or nil.
    ///
    /// An unknown e-mail costs the same bcrypt work as a wrong password (checked against a dummy
    /// hash), so the time taken does not tell which e-mails have accounts.
    public func signIn(email: String, password: String) async throws -> StaffMember? {
        let credentials = Self.canMatch(password) ? try await store.credentials(email: email) : nil
        let hash = credentials?.passwordHash ?? Self.dummyHash(cost: passwordCost)
        guard try await verify(password, hash: hash), let credentials else { return nil }
        return credentials.staff
    }

    /// The active staff member with `id` (as a web session remembers them), or nil.
    public func staff(id: Int64) async throws -> StaffMember? {
        try await store.staff(id: id)
    }

    /// Creates an account with `role` at `agency` and an API token for it; returns the token,
    /// which is shown once and stored only as a hash.
    /// - Throws: `DomainError` when an officer has no agency or the agency does not exist.
    public func createToken(
        role: StaffRole, agencyCode: String?, name: String, moderatesArea: String? = nil
    ) async throws -> (token: String, staff: StaffMember) {
        if role == .officer, agencyCode == nil {
            throw DomainError.invalid("agency_required", th: "เจ้าหน้าที่หน่วยงานต้องระบุหน่วยงาน", en: "An officer needs an agency.")
        }
        let staff = try await store.create(
            name: name, email: nil, role: role, agencyCode: agencyCode, moderatesArea: try Self.moderatedArea(moderatesArea))
        var generator = SystemRandomNumberGenerator()
        let token = Self.makeToken(using: &generator)
        _ = try await store.addToken(token, staffID: staff.id, name: name)
        return (token, staff)
    }

    /// A moderated area as given: a province's or district's code (proposals have no smaller scope).
    static func moderatedArea(_ code: String?) throws -> String? {
        guard let code else { return nil }
        guard code.count == 2 || code.count == 4, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
            throw DomainError.invalid(
                "invalid_moderated_area", th: "พื้นที่ที่ดูแลข้อเสนอต้องเป็นรหัสจังหวัด (2 หลัก) หรืออำเภอ/เขต (4 หลัก)",
                en: "A moderated area is a province's (2-digit) or district's (4-digit) code.")
        }
        return code
    }

    /// The staff member a bearer token belongs to, or nil.
    public func authenticate(token: String) async throws -> StaffMember? {
        guard token.hasPrefix("siang_"), token.count < 100 else { return nil }
        return try await store.staff(forToken: token)
    }

    /// "siang_" and 40 random characters (about 200 bits).
    static func makeToken(using generator: inout some RandomNumberGenerator) -> String {
        "siang_" + randomString(length: 40, using: &generator)
    }

    /// A one-time password: 20 random characters (about 116 bits), none easily misread.
    static func makePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomString(length: 20, using: &generator)
    }

    /// Letters and digits without those easily misread for one another (0 O o, 1 I l).
    static let unambiguousAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")

    static func randomString(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = unambiguousAlphabet
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// `password` when a person may choose it.
    /// - Throws: `DomainError` `password_too_short`, `password_too_long` or `invalid_password`.
    static func validatedPassword(_ password: String) throws -> String {
        guard password.count >= minimumPasswordLength else {
            throw DomainError.invalid(
                "password_too_short", th: "รหัสผ่านต้องยาวอย่างน้อย \(minimumPasswordLength) ตัวอักษร",
                en: "A password needs at least \(minimumPasswordLength) characters.")
        }
        guard password.utf8.count <= maximumPasswordBytes else {
            throw DomainError.invalid(
                "password_too_long", th: "รหัสผ่านยาวเกินไป (ไม่เกิน 72 ไบต์ หรือภาษาไทยประมาณ 24 ตัวอักษร)",
                en: "A password may have at most 72 bytes (72 Latin letters, 24 Thai letters).")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DomainError.invalid(
                "invalid_password", th: "รหัสผ่านมีอักขระควบคุมที่ใช้ไม่ได้", en: "A password may not contain control characters.")
        }
        return password
    }

    /// Whether `email` looks like an address: one "@", something before it, a dotted domain, no spaces.
    static func isEmailShaped(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return email.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !email.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    /// A well-formed bcrypt hash of no known password, at `cost`: verifying against it costs what
    /// verifying a real hash of that cost does, and never succeeds.
    static func dummyHash(cost: UInt8) -> String {
        let digits = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2b$\(digits)$" + "SiangDummySaltForUnkno" + "wnAccountsNeverMatchesAnything1"
    }
}
