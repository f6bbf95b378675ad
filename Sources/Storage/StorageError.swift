/// An error raised by the storage layer.
///
/// A struct wrapping a private enum (the style of `PSQLError`), so new codes can be added without
/// breaking callers. `message` is safe to show to an operator; it never contains SQL or row data.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable machine-readable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidDatabaseURL = "INVALID_DATABASE_URL"
            case unknownMigration = "UNKNOWN_MIGRATION"
            case migrationFailed = "MIGRATION_FAILED"
            case embeddedPostgres = "EMBEDDED_POSTGRES"
            case uniqueViolation = "UNIQUE_VIOLATION"
            case notFound = "NOT_FOUND"
            case commandFailed = "COMMAND_FAILED"
            case connectionClosed = "CONNECTION_CLOSED"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `DATABASE_URL` could not be parsed.
        public static let invalidDatabaseURL = Code(.invalidDatabaseURL)
        /// The database has a migration this binary does not know: it was migrated by a newer EditBay.
        public static let unknownMigration = Code(.unknownMigration)
        /// A migration failed and was rolled back.
        public static let migrationFailed = Code(.migrationFailed)
        /// The embedded PostgreSQL could not be created, started or stopped.
        public static let embeddedPostgres = Code(.embeddedPostgres)
        /// A row with the same unique key exists.
        public static let uniqueViolation = Code(.uniqueViolation)
        /// The row does not exist.
        public static let notFound = Code(.notFound)
        /// A helper command could not be started.
        public static let commandFailed = Code(.commandFailed)
        /// The connection to PostgreSQL closed (the server ended the session or went away); retry.
        public static let connectionClosed = Code(.connectionClosed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
