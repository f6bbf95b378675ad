import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite("The update log's own connection")
struct UpdateLogConnectionTests {
    @Test("appends go over one connection outside the pool, which is opened again after the server dropped it")
    func reconnects() async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            let user = try await database.users.create(email: "writer@example.com", displayName: "Writer", passwordHash: "x")
            let project = try await database.projects.create(name: "Log", settings: ProjectSettings(), ownerID: user.id)
            func update(_ byte: UInt8) -> DocumentRepository.NewUpdate {
                .init(projectID: project.id, payload: [byte], authorID: nil, clientID: nil, origin: "sync")
            }
            let log = UpdateLogConnection(database: database)
            #expect(try await log.append([update(1), update(2)]) == [1, 2])
            #expect(try await log.append([update(3)]) == [3])

            // The server ends every other session of this database: the log's connection among them.
            let terminated = try await database.client.query(
                """
                SELECT count(*) FROM (
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                ) t
                """,
                logger: database.logger
            )
            var ended = 0
            for try await count in terminated.decode(Int.self) { ended = count }
            #expect(ended >= 1)

            // At most the first append after that fails (the connection learns of the end by using it); then the
            // log connects again and the numbering goes on without a hole.
            var seqs: [Int64]?
            for _ in 0..<2 where seqs == nil {
                seqs = try? await log.append([update(4)])
            }
            #expect(seqs == [4])
            #expect(try await database.documents.updates(projectID: project.id, after: 0).map(\.payload) == [[1], [2], [3], [4]])
            await log.close()
        }
    }
}
