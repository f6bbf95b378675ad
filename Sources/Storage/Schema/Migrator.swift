import Logging
import PostgresNIO

/// Applies the schema migrations this binary knows.
///
/// Applied migrations are recorded in `schema_migrations`. Each pending migration runs in its own
/// transaction together with its bookkeeping row, under a transaction-scoped advisory lock, so two
/// servers starting at once never apply the same migration twice. A database that carries a migration
/// this binary does not know (it was migrated by a newer EditBay) is refused.
public struct Migrator: Sendable {
    /// Advisory lock key shared by every EditBay process ("EDITBAY" in ASCII, truncated).
    static let lockKey: Int64 = 0x4544_4954_4241_59

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration] = Migration.all, logger: Logger) {
        self.client = client
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every pending migration; returns the versions it applied (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [Int] {
        // Under the lock too: two concurrent `CREATE TABLE IF NOT EXISTS` can both try to create the
        // table's row type and one fails with a unique violation.
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
        }
        let known = Set(migrations.map(\.version))
        var applied: [Int] = []
        for migration in migrations {
            let didApply = try await client.transaction(logger: logger) { connection -> Bool in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                let existing = try await Self.appliedVersions(connection: connection, logger: logger)
                if let unknown = existing.subtracting(known).min() {
                    throw StorageError(
                        .unknownMigration,
                        "the database has migration \(unknown), which this editbay binary does not know; upgrade editbay"
                    )
                }
                if existing.contains(migration.version) { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        if migrations.isEmpty {
            // Still refuse a database from the future even when this binary knows no migration at all.
            let existing = try await client.withConnection { try await Self.appliedVersions(connection: $0, logger: logger) }
            if let unknown = existing.min() {
                throw StorageError(.unknownMigration, "the database has migration \(unknown), which this editbay binary does not know")
            }
        }
        return applied
    }

    /// The versions recorded in `schema_migrations`.
    public func appliedVersions() async throws -> [Int] {
        try await client.withConnection { try await Self.appliedVersions(connection: $0, logger: logger) }.sorted()
    }

    private static func appliedVersions(connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        let rows = try await connection.query("SELECT version FROM schema_migrations", logger: logger)
        var versions = Set<Int>()
        for try await version in rows.decode(Int.self) { versions.insert(version) }
        return versions
    }
}
