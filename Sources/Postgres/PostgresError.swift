/// An error from PostgreSQL or from talking to it, with the SQLSTATE when the server sent one.
///
/// Keeps everything the server said (message, detail, hint, constraint, table, column) so
/// callers can map, say, a unique violation on a named constraint to a domain error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that decide by kind.
    public enum Kind: Sendable, Equatable {
        case uniqueViolation
        case foreignKeyViolation
        case checkViolation
        case notNullViolation
        case serializationFailure
        case deadlock
        case queryCanceled
        /// The connection broke or could not be made; the pool replaces such connections.
        case connectionLost
        /// The pool had no connection to give within its wait limit.
        case poolTimeout
        /// The pool is shutting down.
        case poolClosed
        /// Any other SQLSTATE.
        case other
    }

    public var kind: Kind
    /// Five-character SQLSTATE, e.g. "23505"; empty when the failure was not the server's.
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// Set when the failure came before a transaction did any work (at BEGIN), so running it
    /// again on another connection cannot apply anything twice.
    public var failedBeforeWork = false

    public init(
        kind: Kind, sqlState: String = "", message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// The kind of a SQLSTATE.
    public static func kind(ofSQLState state: String) -> Kind {
        switch state {
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "40001": return .serializationFailure
        case "40P01": return .deadlock
        case "57014": return .queryCanceled
        // Class 08 (connection exception), and the server shutting down or crashing (57P01–57P03).
        case _ where state.hasPrefix("08"), "57P01", "57P02", "57P03": return .connectionLost
        default: return .other
        }
    }

    /// Whether running the same transaction again may succeed.
    public var isTransient: Bool {
        kind == .serializationFailure || kind == .deadlock
    }

    public var description: String {
        var text = sqlState.isEmpty ? message : "\(sqlState): \(message)"
        if let detail { text += " (\(detail))" }
        if let constraint { text += " [constraint \(constraint)]" }
        return text
    }
}
