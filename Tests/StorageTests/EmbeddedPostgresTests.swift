import Foundation
import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite("Embedded PostgreSQL", .serialized)
struct EmbeddedPostgresTests {
    @Test("creates a cluster, keeps data across restarts, recovers from a killed server")
    func lifecycle() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-embedded-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let embedded = try EmbeddedPostgres(directory: "\(directory)/pg", logger: TestDatabase.logger)

        try await embedded.start()
        #expect(try await embedded.isRunning())
        try await TestDatabase.withClient(embedded.databaseConfiguration) { client in
            try await Migrator(client: client, logger: TestDatabase.logger).migrate()
            try await client.query(
                "INSERT INTO users (email, display_name, password_hash) VALUES ('kept@example.com', 'Kept', 'x')",
                logger: TestDatabase.logger
            )
        }
        try await embedded.stop()
        #expect(try await embedded.isRunning() == false)

        // Start again: same cluster, same data.
        try await embedded.start()
        #expect(try await countUsers(embedded) == 1)

        // Kill the postmaster hard: the pid file stays behind, as after a crash.
        let pid = try #require(Int32(try String(contentsOfFile: "\(directory)/pg/postmaster.pid", encoding: .utf8).split(separator: "\n")[0]))
        kill(pid, SIGKILL)
        for _ in 0..<100 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(FileManager.default.fileExists(atPath: "\(directory)/pg/postmaster.pid"))

        try await embedded.start()
        #expect(try await countUsers(embedded) == 1)
        try await embedded.stop()
    }

    private func countUsers(_ embedded: EmbeddedPostgres) async throws -> Int {
        try await TestDatabase.withClient(embedded.databaseConfiguration) { client in
            let rows = try await client.query("SELECT count(*) FROM users", logger: TestDatabase.logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
    }
}
