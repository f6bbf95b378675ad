import HummingbirdTesting
import HTTPTypes
@testable import API
import Foundation
import Hummingbird
import Testing

@Suite("Members")
struct MemberTests {
    @Test("owners add members by email or id; others may not; errors are specific")
    func add() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let editor = try await app.register("Editor")
            let viewer = try await app.register("Viewer")
            let project = try await app.createProject("Team", owner: owner)

            let byEmail = try await app.call(
                .post, "/api/projects/\(project)/members",
                json: ["email": editor.email.uppercased(), "role": "editor"], token: owner.accessToken
            )
            #expect(byEmail.status == .created)
            #expect(byEmail.data["userId"] as? String == editor.id)
            #expect(byEmail.data["role"] as? String == "editor")
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)

            let list = try await app.call(.get, "/api/projects/\(project)/members", token: viewer.accessToken)
            #expect(list.list.map { $0["role"] as? String } == ["owner", "editor", "viewer"])

            let stranger = try await app.register("Stranger")
            let byEditor = try await app.call(
                .post, "/api/projects/\(project)/members", json: ["userId": stranger.id, "role": "viewer"], token: editor.accessToken
            )
            #expect(byEditor.status == .forbidden)

            let twice = try await app.call(
                .post, "/api/projects/\(project)/members", json: ["userId": editor.id, "role": "viewer"], token: owner.accessToken
            )
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "ALREADY_MEMBER")

            let unknown = try await app.call(
                .post, "/api/projects/\(project)/members", json: ["email": "ghost@example.com", "role": "viewer"], token: owner.accessToken
            )
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "USER_NOT_FOUND")

            let badRole = try await app.call(
                .post, "/api/projects/\(project)/members", json: ["userId": stranger.id, "role": "admin"], token: owner.accessToken
            )
            #expect(badRole.errorField == "role")

            let neither = try await app.call(.post, "/api/projects/\(project)/members", json: ["role": "viewer"], token: owner.accessToken)
            #expect(neither.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test("roles change; the last owner can be neither demoted nor removed")
    func lastOwner() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let second = try await app.register("Second")
            let project = try await app.createProject("Team", owner: owner)
            try await app.addMember(second, role: "editor", project: project, by: owner)

            let demote = try await app.call(.put, "/api/projects/\(project)/members/\(owner.id)", json: ["role": "editor"], token: owner.accessToken)
            #expect(demote.status == .conflict)
            #expect(demote.errorCode == "LAST_OWNER")
            let remove = try await app.call(.delete, "/api/projects/\(project)/members/\(owner.id)", token: owner.accessToken)
            #expect(remove.errorCode == "LAST_OWNER")

            let promote = try await app.call(.put, "/api/projects/\(project)/members/\(second.id)", json: ["role": "owner"], token: owner.accessToken)
            #expect(promote.status == .ok)
            #expect(promote.data["role"] as? String == "owner")
            let leave = try await app.call(.delete, "/api/projects/\(project)/members/\(owner.id)", token: owner.accessToken)
            #expect(leave.status == .ok)
            #expect(try await app.call(.get, "/api/projects/\(project)", token: owner.accessToken).status == .notFound)

            let notMember = try await app.call(.put, "/api/projects/\(project)/members/\(owner.id)", json: ["role": "viewer"], token: second.accessToken)
            #expect(notMember.errorCode == "MEMBER_NOT_FOUND")
        }
    }

    @Test("members may leave; non-owners may not remove others; removed members lose access")
    func remove() async throws {
        try await TestApp.run { app in
            let owner = try await app.register("Owner")
            let editor = try await app.register("Editor")
            let viewer = try await app.register("Viewer")
            let project = try await app.createProject("Team", owner: owner)
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)

            let byEditor = try await app.call(.delete, "/api/projects/\(project)/members/\(viewer.id)", token: editor.accessToken)
            #expect(byEditor.status == .forbidden)
            let changeByEditor = try await app.call(
                .put, "/api/projects/\(project)/members/\(viewer.id)", json: ["role": "editor"], token: editor.accessToken
            )
            #expect(changeByEditor.status == .forbidden)

            let leave = try await app.call(.delete, "/api/projects/\(project)/members/\(viewer.id)", token: viewer.accessToken)
            #expect(leave.status == .ok)
            #expect(try await app.call(.get, "/api/projects/\(project)", token: viewer.accessToken).status == .notFound)

            let byBody = try await app.call(.delete, "/api/projects/\(project)/members", json: ["userId": editor.id], token: owner.accessToken)
            #expect(byBody.status == .ok)
            #expect(try await app.call(.get, "/api/projects/\(project)", token: editor.accessToken).errorCode == "PROJECT_NOT_FOUND")
            let members = try await app.call(.get, "/api/projects/\(project)/members", token: owner.accessToken)
            #expect(members.list.count == 1)
        }
    }
}
