/// One step of the database schema.
///
/// Migrations are numbered, applied in order, and never edited once they have landed: a change to the
/// schema is always a new migration. The SQL lives in Swift string literals so that the `editbay` binary
/// is self-contained (no resource bundle to ship next to it).
public struct Migration: Sendable, Hashable {
    /// The version recorded in `schema_migrations`; strictly increasing.
    public let version: Int
    /// A short name for logs and the `schema_migrations` table.
    public let name: String
    /// The statements to run, in order, inside one transaction.
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Migration {
    /// Every migration this binary knows, in order.
    public static let all: [Migration] = [.initialSchema, .jobs, .queuePlans, .placeholderFollows]
}
