@testable import API
import CollabServer
import Foundation
import HTTPTypes
import Testing

@Suite("GET timeline without a loaded room")
struct TimelineRouteTests {
    @Test("a project nobody has open is read from its stored log, without loading a room")
    func storedState() async throws {
        var collab = CollabConfiguration()
        collab.unloadAfterSeconds = 0
        try await TestApp.run(collab: collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Cold", owner: owner)
            let projectID = try #require(UUID(uuidString: project))

            let fresh = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            #expect((fresh.data["meta"] as? [String: Any])?["name"] as? String == "Cold")
            #expect(await app.registry.loadedRoom(for: projectID) == nil)

            let edit = try await app.call(
                .post, "/api/projects/\(project)/operations",
                json: ["operations": [["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"]]], token: owner.accessToken
            )
            #expect(edit.status == .ok)
            #expect(await app.registry.loadedRoom(for: projectID) != nil)
            await app.registry.maintain()
            #expect(await app.registry.loadedRoom(for: projectID) == nil)

            let stored = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            let tracks = try #require(stored.data["tracks"] as? [[String: Any]])
            #expect(tracks.map { $0["id"] as? String } == ["v1"])
            #expect(await app.registry.loadedRoom(for: projectID) == nil)
        }
    }
}
