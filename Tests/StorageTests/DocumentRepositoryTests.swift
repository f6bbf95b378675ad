import Foundation
import Storage
import TestSupport
import Testing

@Suite("Document update log")
struct DocumentRepositoryTests {
    @Test("one batch appends to several projects, numbering each project's log in the order given")
    func groupAppend() async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            let user = try await database.users.create(email: "log@example.com", displayName: "Log", passwordHash: "x")
            let first = try await database.projects.create(name: "One", settings: ProjectSettings(), ownerID: user.id)
            let second = try await database.projects.create(name: "Two", settings: ProjectSettings(), ownerID: user.id)
            func update(_ project: UUID, _ byte: UInt8) -> DocumentRepository.NewUpdate {
                .init(projectID: project, payload: [byte], authorID: user.id, clientID: UInt64(byte), origin: "sync")
            }
            let log = UpdateLogConnection(database: database)
            let seqs = try await log.append([
                update(first.id, 1), update(second.id, 2), update(first.id, 3), update(first.id, 4), update(second.id, 5),
            ])
            #expect(seqs == [1, 1, 2, 3, 2])
            let more = try await log.append([update(second.id, 6), update(first.id, 7)])
            await log.close()
            #expect(more == [3, 4])

            let rows = try await database.documents.updates(projectID: first.id, after: 0)
            #expect(rows.map(\.seq) == [1, 2, 3, 4])
            #expect(rows.map(\.payload) == [[1], [3], [4], [7]])
            #expect(rows.allSatisfy { $0.authorID == user.id && $0.origin == "sync" })
            #expect(try await database.documents.lastSeq(projectID: second.id) == 3)
            #expect(try await database.documents.history(projectID: second.id, before: nil, limit: 2).map(\.seq) == [3, 2])

            try await database.documents.writeCheckpoint(projectID: first.id, seq: 3, state: [9], stateVector: [0])
            try await database.documents.writeCheckpoint(projectID: first.id, seq: 4, state: [10], stateVector: [0])
            let checkpoint = try await database.documents.latestCheckpoint(projectID: first.id)
            #expect(checkpoint?.seq == 4)
            #expect(checkpoint?.state == [10])
        }
    }
}
