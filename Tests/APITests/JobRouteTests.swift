@testable import API
import Foundation
import HTTPTypes
import Testing

@Suite("Job routes")
struct JobRouteTests {
    @Test("create checks kind, params and role; members list and read; cancel and retry follow the rules")
    func lifecycle() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let viewer = try await app.register("Viewer")
            let stranger = try await app.register("Stranger")
            let project = try await app.createProject("Jobs", owner: owner)
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)
            let jobs = "/api/projects/\(project)/jobs"

            let unknown = try await app.call(.post, jobs, json: ["kind": "make.coffee", "params": [:]], token: owner.accessToken)
            #expect(unknown.status == .badRequest)
            #expect(unknown.errorCode == "UNKNOWN_KIND")
            let missing = try await app.call(.post, jobs, json: ["kind": "fill.gap", "params": ["time": 5]], token: owner.accessToken)
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == "INVALID_PARAMS")
            #expect((missing.json["message"] as? String)?.contains("track") == true)
            let badSize = try await app.call(.post, jobs, json: ["kind": "generate.image", "params": ["prompt": "x", "size": "huge"]], token: owner.accessToken)
            #expect(badSize.errorCode == "INVALID_PARAMS")
            let badProvider = try await app.call(.post, jobs, json: ["kind": "generate.image", "params": ["prompt": "x", "provider": "dall-e-9"]], token: owner.accessToken)
            #expect(badProvider.errorCode == "UNKNOWN_PROVIDER")
            let byViewer = try await app.call(.post, jobs, json: ["kind": "generate.script", "params": ["prompt": "a trailer"]], token: viewer.accessToken)
            #expect(byViewer.status == .forbidden)

            let created = try await app.call(.post, jobs, json: ["kind": "generate.script", "params": ["prompt": "a trailer"]], token: owner.accessToken)
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.data["id"] as? String)
            #expect(id == id.lowercased())
            #expect(created.data["status"] as? String == "queued")
            #expect(created.data["projectId"] as? String == project)
            #expect(created.data["kind"] as? String == "generate.script")
            // Its asset is in the document at once, pending, with no media yet.
            let timeline = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            let placeholder = (timeline.data["assets"] as? [[String: Any]])?.first { $0["id"] as? String == id }
            #expect(placeholder?["status"] as? String == "pending")
            #expect(placeholder?["kind"] as? String == "text")

            // The AI seed route makes the same kind of job.
            let voice = try await app.call(.post, "/api/ai/generate/voice", json: ["projectId": project, "prompt": "Hello there"], token: owner.accessToken)
            #expect(voice.status == .created, "\(voice.json)")
            #expect(voice.data["kind"] as? String == "generate.voice")
            #expect((voice.data["params"] as? [String: Any])?["text"] as? String == "Hello there")

            // Members see jobs; others do not.
            let seen = try await app.call(.get, "/api/jobs/\(id)", token: viewer.accessToken)
            #expect(seen.status == .ok)
            #expect(try await app.call(.get, "/api/jobs/\(id)", token: stranger.accessToken).errorCode == "JOB_NOT_FOUND")
            let listed = try await app.call(.get, "\(jobs)?kind=generate.voice", token: viewer.accessToken)
            #expect(listed.list.map { $0["kind"] as? String } == ["generate.voice"])
            let queued = try await app.call(.get, "\(jobs)?status=queued", token: viewer.accessToken)
            #expect(queued.list.count == 2)
            #expect(try await app.call(.get, "\(jobs)?status=sleeping", token: viewer.accessToken).errorField == "status")

            // Viewers cannot cancel; a queued job is cancelled at once, then can be retried; a queued one cannot.
            #expect(try await app.call(.post, "/api/jobs/\(id)/cancel", token: viewer.accessToken).status == .forbidden)
            let cancelled = try await app.call(.post, "/api/jobs/\(id)/cancel", token: owner.accessToken)
            #expect(cancelled.data["status"] as? String == "cancelled")
            let retried = try await app.call(.post, "/api/jobs/\(id)/retry", token: owner.accessToken)
            #expect(retried.data["status"] as? String == "queued")
            let again = try await app.call(.post, "/api/jobs/\(id)/retry", token: owner.accessToken)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "INVALID_STATE")
            let events = try await app.call(.get, "/api/jobs/\(id)/events", token: owner.accessToken)
            let kinds = (events.json["data"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("cancel_requested") && kinds.contains("retried"), "\(kinds)")
        }
    }

    @Test("a render job without a version pins the project as it is at request time")
    func renderPinsVersion() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Film", owner: owner)
            let created = try await app.call(.post, "/api/projects/\(project)/jobs", json: ["kind": "render", "params": ["preset": "preview"]], token: owner.accessToken)
            #expect(created.status == .created, "\(created.json)")
            let version = try #require((created.data["params"] as? [String: Any])?["version"] as? String)
            let versions = try await app.call(.get, "/api/projects/\(project)/versions", token: owner.accessToken)
            #expect(versions.list.contains { $0["id"] as? String == version })
            let unknown = try await app.call(
                .post, "/api/projects/\(project)/jobs", json: ["kind": "render", "params": ["version": UUID().uuidString]], token: owner.accessToken
            )
            #expect(unknown.errorCode == "VERSION_NOT_FOUND")
            let badPreset = try await app.call(
                .post, "/api/projects/\(project)/jobs", json: ["kind": "render", "params": ["preset": "cinema"]], token: owner.accessToken
            )
            #expect(badPreset.errorCode == "INVALID_PARAMS")
        }
    }
}
