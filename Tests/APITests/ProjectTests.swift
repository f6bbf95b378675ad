import HummingbirdTesting
import HTTPTypes
@testable import API
import Foundation
import Hummingbird
import Testing

@Suite("Projects")
struct ProjectTests {
    @Test("create with defaults and with a format; validation names the field")
    func create() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let plain = try await app.call(.post, "/api/projects", json: ["name": "Trailer"], token: alice.accessToken)
            #expect(plain.status == .created)
            #expect(plain.data["name"] as? String == "Trailer")
            #expect(plain.data["role"] as? String == "owner")
            #expect(plain.data["width"] as? Int == 1920)
            #expect((plain.data["rate"] as? [String: Any])?["num"] as? Int == 30)
            #expect(plain.data["createdAt"] as? String != nil)

            let ntsc = try await app.call(
                .post, "/api/projects",
                json: ["name": "NTSC", "rate": ["num": 30000, "den": 1001], "width": 720, "height": 480],
                token: alice.accessToken
            )
            #expect(ntsc.status == .created)
            #expect((ntsc.data["rate"] as? [String: Any])?["den"] as? Int == 1001)
            #expect(ntsc.data["height"] as? Int == 480)

            for (body, field) in [
                (["name": ""] as [String: Any], "name"),
                (["name": "Odd", "width": 1921], "width"),
                (["name": "Zero", "rate": ["num": 0, "den": 1]], "rate"),
                (["name": String(repeating: "n", count: 201)], "name"),
            ] {
                let reply = try await app.call(.post, "/api/projects", json: body, token: alice.accessToken)
                #expect(reply.status == .badRequest)
                #expect(reply.errorField == field)
            }
            #expect(try await app.call(.post, "/api/projects", json: ["name": "X"]).status == .unauthorized)
            #expect(try await app.call(.post, "/api/projects", json: ["name": "X"], token: "bad").errorCode == "INVALID_TOKEN")
        }
    }

    @Test("list shows only the caller's projects, paginated")
    func list() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let bob = try await app.register("Bob")
            for name in ["One", "Two", "Three"] { _ = try await app.createProject(name, owner: alice) }
            _ = try await app.createProject("Bob's", owner: bob)

            let first = try await app.call(.get, "/api/projects?perPage=2", token: alice.accessToken)
            #expect(first.list.count == 2)
            let pagination = try #require(first.meta["pagination"] as? [String: Any])
            #expect(pagination["total"] as? Int == 3)
            #expect(pagination["totalPages"] as? Int == 2)
            #expect(pagination["page"] as? Int == 1)
            let second = try await app.call(.get, "/api/projects?perPage=2&page=2", token: alice.accessToken)
            #expect(second.list.count == 1)
            let beyond = try await app.call(.get, "/api/projects?perPage=2&page=5", token: alice.accessToken)
            #expect(beyond.list.isEmpty)
            #expect((beyond.meta["pagination"] as? [String: Any])?["total"] as? Int == 3)
            let names = Set((first.list + second.list).compactMap { $0["name"] as? String })
            #expect(names == ["One", "Two", "Three"])

            let bobs = try await app.call(.get, "/api/projects", token: bob.accessToken)
            #expect(bobs.list.map { $0["name"] as? String } == ["Bob's"])

            let bad = try await app.call(.get, "/api/projects?perPage=500", token: alice.accessToken)
            #expect(bad.errorField == "perPage")
        }
    }

    @Test("another user's project, an unknown id and a malformed id all answer 404")
    func notFoundForNonMembers() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let mallory = try await app.register("Mallory")
            let project = try await app.createProject("Secret", owner: alice)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/projects/\(project)"),
                (.put, "/api/projects/\(project)"),
                (.delete, "/api/projects/\(project)"),
                (.post, "/api/projects/\(project)/duplicate"),
                (.get, "/api/projects/\(project)/members"),
                (.get, "/api/projects/\(UUID().uuidString)"),
                (.get, "/api/projects/not-a-uuid"),
            ] {
                let reply = try await app.call(method, path, json: ["name": "Mine now"], token: mallory.accessToken)
                #expect(reply.status == .notFound, "\(method) \(path)")
                #expect(reply.errorCode == "PROJECT_NOT_FOUND")
            }
            let still = try await app.call(.get, "/api/projects/\(project)", token: alice.accessToken)
            #expect(still.data["name"] as? String == "Secret")
        }
    }

    @Test("rename: owners and editors may, commenters and viewers may not")
    func renameByRole() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Draft", owner: owner)
            for (role, allowed) in [("editor", true), ("commenter", false), ("viewer", false)] {
                let member = try await app.register(role)
                try await app.addMember(member, role: role, project: project, by: owner)
                let reply = try await app.call(.put, "/api/projects/\(project)", json: ["name": "By \(role)"], token: member.accessToken)
                if allowed {
                    #expect(reply.status == .ok)
                    #expect(reply.data["name"] as? String == "By \(role)")
                    #expect(reply.data["role"] as? String == role)
                } else {
                    #expect(reply.status == .forbidden, "\(role)")
                    #expect(reply.errorCode == "FORBIDDEN")
                }
                let view = try await app.call(.get, "/api/projects/\(project)", token: member.accessToken)
                #expect(view.data["role"] as? String == role)
            }
            let byOwner = try await app.call(.put, "/api/projects/\(project)", json: ["name": "Final"], token: owner.accessToken)
            #expect(byOwner.data["name"] as? String == "Final")
            // The document's meta follows the rename, so every editor shows the same name.
            let timeline = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            #expect((timeline.data["meta"] as? [String: Any])?["name"] as? String == "Final")
            let empty = try await app.call(.put, "/api/projects/\(project)", json: ["name": ""], token: owner.accessToken)
            #expect(empty.errorField == "name")
        }
    }

    @Test("delete: only owners; the project disappears for everyone")
    func delete() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let editor = try await app.register("Editor")
            let project = try await app.createProject("Doomed", owner: owner)
            try await app.addMember(editor, role: "editor", project: project, by: owner)

            let refused = try await app.call(.delete, "/api/projects/\(project)", token: editor.accessToken)
            #expect(refused.status == .forbidden)
            let deleted = try await app.call(.delete, "/api/projects/\(project)", token: owner.accessToken)
            #expect(deleted.status == .ok)
            for account in [owner, editor] {
                #expect(try await app.call(.get, "/api/projects/\(project)", token: account.accessToken).status == .notFound)
                #expect(try await app.call(.get, "/api/projects", token: account.accessToken).list.isEmpty)
            }
        }
    }

    @Test("duplicate makes a copy owned by the caller")
    func duplicate() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let viewer = try await app.register("Viewer")
            let project = try await app.createProject("Original", owner: owner)
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)

            let copy = try await app.call(.post, "/api/projects/\(project)/duplicate", token: viewer.accessToken)
            #expect(copy.status == .created)
            #expect(copy.data["name"] as? String == "Original (copy)")
            #expect(copy.data["role"] as? String == "owner")
            let copyID = try #require(copy.data["id"] as? String)
            #expect(copyID != project)
            let members = try await app.call(.get, "/api/projects/\(copyID)/members", token: viewer.accessToken)
            #expect(members.list.map { $0["userId"] as? String } == [viewer.id])
            #expect(try await app.call(.get, "/api/projects/\(copyID)", token: owner.accessToken).status == .notFound)

            let named = try await app.call(.post, "/api/projects/\(project)/duplicate", json: ["name": "Alt cut"], token: owner.accessToken)
            #expect(named.data["name"] as? String == "Alt cut")
        }
    }
}
