public import Domain
import Foundation
public import Store

/// Creating staff accounts and their API tokens, and knowing who a token belongs to.
public struct StaffAccounts: Sendable {
    public let store: StaffStore

    public init(store: StaffStore) {
        self.store = store
    }

    /// Creates an account with `role` at `agency` and an API token for it; returns the token,
    /// which is shown once and stored only as a hash.
    /// - Throws: `DomainError` when an officer has no agency or the agency does not exist.
    public func createToken(role: StaffRole, agencyCode: String?, name: String) async throws -> (token: String, staff: StaffMember) {
        if role == .officer, agencyCode == nil {
            throw DomainError.invalid("agency_required", th: "เจ้าหน้าที่หน่วยงานต้องระบุหน่วยงาน", en: "An officer needs an agency.")
        }
        let staff = try await store.create(name: name, email: nil, role: role, agencyCode: agencyCode)
        var generator = SystemRandomNumberGenerator()
        let token = Self.makeToken(using: &generator)
        _ = try await store.addToken(token, staffID: staff.id, name: name)
        return (token, staff)
    }

    /// The staff member a bearer token belongs to, or nil.
    public func authenticate(token: String) async throws -> StaffMember? {
        guard token.hasPrefix("siang_"), token.count < 100 else { return nil }
        return try await store.staff(forToken: token)
    }

    /// "siang_" and 40 random characters (about 200 bits).
    static func makeToken(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        return "siang_" + String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
