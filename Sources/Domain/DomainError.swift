/// A refusal the domain explains: a stable code for programs and a message in Thai and English.
///
/// The web layer maps `kind` to an HTTP status; nothing here knows HTTP.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What sort of refusal this is.
    public enum Kind: Sendable, Equatable {
        /// The request itself is malformed or incomplete (422).
        case invalid
        /// No such thing, or not one the caller may see (404).
        case notFound
        /// The request conflicts with the thing's current state (409).
        case conflict
        /// The caller is not allowed to do this (403).
        case forbidden
        /// The caller is not known (401).
        case unauthenticated
    }

    public var kind: Kind
    public var code: String
    public var messageTH: String
    public var messageEN: String
    /// The request field at fault, when one is (`area.district`).
    public var field: String?
    /// Values the caller may have meant (the closest area names to an unknown one).
    public var suggestions: [String]?

    public init(_ kind: Kind, code: String, th: String, en: String) {
        self.kind = kind
        self.code = code
        self.messageTH = th
        self.messageEN = en
    }

    public var description: String { "\(code): \(messageEN)" }

    public static func invalid(_ code: String, th: String, en: String) -> DomainError {
        DomainError(.invalid, code: code, th: th, en: en)
    }

    public static let caseNotFound = DomainError(
        .notFound, code: "case_not_found", th: "ไม่พบเรื่องตามรหัสที่ระบุ", en: "No case with this tracking code.")
}
