@testable import API
import CollabServer
import Foundation
import HTTPTypes
import Jobs
import Storage
import TestSupport
import Testing
import Timeline

@Suite("Job placeholders on several nodes")
struct JobPlaceholderFollowTests {
    @Test("two nodes hearing the same job change edit the placeholder once")
    func oneNodeFollows() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Placeholders", owner: owner)
            let projectID = try #require(UUID(uuidString: project))
            let created = try await app.call(
                .post, "/api/projects/\(project)/jobs", json: ["kind": "generate.script", "params": ["prompt": "a trailer"]], token: owner.accessToken
            )
            let id = try #require(created.data["id"] as? String)
            let jobID = try #require(UUID(uuidString: id))
            // A second node: its own registry on the same database, with the room (and the placeholder) loaded.
            let otherRegistry = RoomRegistry(database: app.database, logger: TestDatabase.logger)
            _ = try await otherRegistry.room(for: projectID)
            let other = JobPlaceholders(registry: otherRegistry, database: app.database, logger: TestDatabase.logger)
            let cancelled = try #require(try await app.jobs.queue.cancel(jobID))
            async let here: Void = app.jobs.placeholders.follow(cancelled)
            async let there: Void = other.follow(cancelled)
            _ = await (here, there)
            // The same notification again (a node that heard it late) changes nothing either.
            await other.follow(cancelled)

            let rows = try await app.database.documents.updates(projectID: projectID, after: 0).filter { $0.origin == "job:\(id)" }
            #expect(rows.count == 2, "the placeholder's addition and one removal, not one per node")
            // Whichever node edited, the stored document (read without loading a room) has no placeholder left.
            let stored = try await RoomRegistry(database: app.database, logger: TestDatabase.logger).currentView(of: projectID)
            #expect(!stored.assets.contains { $0.id == id })
        }
    }
}
