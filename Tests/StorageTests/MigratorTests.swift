import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite("Migrations")
struct MigratorTests {
    @Test("apply on an empty database, then are a no-op")
    func appliesThenNoOp() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { database, _ in
            let migrator = Migrator(client: database.client, logger: TestDatabase.logger)
            let first = try await migrator.migrate()
            #expect(first == Migration.all.map(\.version))
            let second = try await migrator.migrate()
            #expect(second.isEmpty)
            #expect(try await migrator.appliedVersions() == Migration.all.map(\.version))

            let rows = try await database.client.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
                logger: TestDatabase.logger
            )
            var tables = Set<String>()
            for try await name in rows.decode(String.self) { tables.insert(name) }
            let expected: Set<String> = [
                "schema_migrations", "users", "refresh_tokens", "projects", "project_members", "document_updates",
                "document_checkpoints", "versions", "assets", "jobs", "job_events",
            ]
            #expect(expected.isSubset(of: tables), "missing: \(expected.subtracting(tables))")
        }
    }

    @Test("concurrent migrators apply each migration once")
    func concurrentMigrators() async throws {
        try await TestDatabase.withFreshDatabase(migrated: false) { database, _ in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<3 {
                    group.addTask { try await Migrator(client: database.client, logger: TestDatabase.logger).migrate() }
                }
                var all: [Int] = []
                for try await versions in group { all += versions }
                return all
            }
            #expect(applied.sorted() == Migration.all.map(\.version))
        }
    }

    @Test("a database with an unknown migration is refused")
    func refusesUnknownMigration() async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            try await database.client.query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')", logger: TestDatabase.logger)
            let error = await #expect(throws: StorageError.self) {
                try await Migrator(client: database.client, logger: TestDatabase.logger).migrate()
            }
            #expect(error?.code == .unknownMigration)
            #expect(error?.message.contains("9999") == true)
        }
    }

    @Test("a failing migration is rolled back and not recorded")
    func failingMigrationRollsBack() async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            let broken = Migration(version: (Migration.all.map(\.version).max() ?? 0) + 1, name: "broken", statements: ["CREATE TABLE half_done (id int)", "SELECT * FROM no_such_table"])
            await #expect(throws: (any Error).self) {
                try await Migrator(client: database.client, migrations: Migration.all + [broken], logger: TestDatabase.logger).migrate()
            }
            let rows = try await database.client.query("SELECT to_regclass('half_done') IS NULL", logger: TestDatabase.logger)
            var rolledBack = false
            for try await value in rows.decode(Bool.self) { rolledBack = value }
            #expect(rolledBack)
            #expect(try await Migrator(client: database.client, logger: TestDatabase.logger).appliedVersions() == Migration.all.map(\.version))
        }
    }
}
