@testable import API
import CRDT
import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import NIOWebSocket
import Storage
import Testing
import Timeline

@Suite("y-websocket sync", .timeLimit(.minutes(2)))
struct SyncTests {
    /// Sets up an owner, a project and a live server.
    static func withProject(
        _ body: @escaping @Sendable (TestApp, TestApp.Account, String, Int) async throws -> Void
    ) async throws {
        try await TestApp.run(.live) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Live", owner: owner)
            let port = try #require(app.client.port)
            try await body(app, owner, project, port)
        }
    }

    static func isUpdate(_ message: ProtocolMessage) -> Bool {
        if case .sync(.update) = message { return true }
        return false
    }

    @Test("an editor's update is durable, then relayed to the other clients; a late joiner gets it")
    func relayAndPersist() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Editor")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                        try await session.handshake()
                        #expect(session.doc.getMap("meta").get("name")?.json.stringValue == "Live")
                        readyContinuation.yield()
                        _ = try await session.expect(Self.isUpdate)
                        #expect(session.doc.getMap("markers").get("m1")?.json.stringValue == "from the editor")
                    }
                }
                var iterator = ready.makeAsyncIterator()
                await iterator.next()
                try await withSyncClient(port: port, project: project, token: editor.accessToken, query: "&ack=1") { session in
                    try await session.handshake()
                    try await session.edit { $0.getMap("markers").set("m1", "from the editor") }
                    let ack = try await session.expect { if case .custom(type: DurableAck.messageType, _) = $0 { true } else { false } }
                    guard case .custom(_, let payload) = ack else { return }
                    var decoder = Lib0Decoder(payload)
                    #expect(try decoder.readVarUInt() >= 2)  // 1 is the project's meta
                }
                try await group.waitForAll()
            }
            let stored = try await app.database.documents.updates(projectID: try #require(UUID(uuidString: project)), after: 0)
            #expect(stored.count == 2)
            #expect(stored.last?.origin == "sync")

            try await withSyncClient(port: port, project: project, token: editor.accessToken) { session in
                try await session.handshake()
                #expect(session.doc.getMap("markers").get("m1")?.json.stringValue == "from the editor")
            }
        }
    }

    @Test("a viewer gets the document but its updates are refused with permission denied")
    func viewerIsReadOnly() async throws {
        try await Self.withProject { app, owner, project, port in
            let viewer = try await app.register("Viewer")
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)
            try await withSyncClient(port: port, project: project, token: viewer.accessToken) { session in
                try await session.handshake()
                #expect(session.doc.getMap("meta").get("name")?.json.stringValue == "Live")
                try await session.edit { $0.getMap("markers").set("m1", "vandalism") }
                let denied = try await session.expect { if case .auth = $0 { true } else { false } }
                #expect(denied == .auth(.permissionDenied(reason: "permission denied")))
            }
            let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
            #expect(try await room.view().markers.isEmpty)
            let stored = try await app.database.documents.updates(projectID: try #require(UUID(uuidString: project)), after: 0)
            #expect(stored.count == 1)
        }
    }

    @Test("bad tokens and non-members are refused before any document data")
    func refusedUpgrades() async throws {
        try await Self.withProject { app, owner, project, port in
            let stranger = try await app.register("Stranger")
            for token in ["garbage", stranger.accessToken] {
                await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                    try await withSyncClient(port: port, project: project, token: token) { _ in }
                }
            }
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await withSyncClient(port: port, project: UUID().uuidString, token: owner.accessToken) { _ in }
            }
            // Without an upgrade the same URL explains itself.
            let plain = try await app.call(.get, "/api/projects/\(project)/sync", token: stranger.accessToken)
            #expect(plain.errorCode == "PROJECT_NOT_FOUND")
            let member = try await app.call(.get, "/api/projects/\(project)/sync", token: owner.accessToken)
            #expect(member.errorCode == "UPGRADE_REQUIRED")
        }
    }

    @Test("a member removed while connected is disconnected (4403) and cannot reconnect")
    func removedMemberIsDisconnected() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Editor")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let close = try await withSyncClient(port: port, project: project, token: editor.accessToken) { session in
                try await session.handshake()
                let removed = try await app.call(.delete, "/api/projects/\(project)/members/\(editor.id)", token: owner.accessToken)
                #expect(removed.status == .ok)
                while try await session.next() != nil {}
            }
            #expect(close?.closeCode == .unknown(4403))
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await withSyncClient(port: port, project: project, token: editor.accessToken) { _ in }
            }
        }
    }

    @Test("a malformed update closes the connection and leaves the document as it was")
    func malformedUpdate() async throws {
        try await Self.withProject { app, owner, project, port in
            let close = try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                try await session.handshake()
                try await session.send(.sync(.update([0x05, 0xff, 0xff, 0x01, 0x02])))
                while try await session.next() != nil {}
            }
            #expect(close?.closeCode == .dataInconsistentWithMessage)
            let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
            #expect(try await room.view().meta.name == "Live")
            #expect(try await app.database.documents.updates(projectID: try #require(UUID(uuidString: project)), after: 0).count == 1)
        }
    }

    @Test("awareness: the server sets the user from the token, whatever the client claims")
    func awarenessIdentity() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Editor")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                        try await session.handshake()
                        readyContinuation.yield()
                        let message = try await session.expect { if case .awareness = $0 { true } else { false } }
                        guard case .awareness(let update) = message else { return }
                        let user = update.entries.first?.state?.objectValue?["user"]?.objectValue
                        #expect(user?["name"]?.stringValue == "Editor")
                        #expect(user?["id"]?.stringValue == editor.id)
                        #expect(update.entries.first?.state?.objectValue?["cursor"]?.objectValue?["time"]?.int64Value == 42)
                    }
                }
                var iterator = ready.makeAsyncIterator()
                await iterator.next()
                try await withSyncClient(port: port, project: project, token: editor.accessToken) { session in
                    try await session.handshake()
                    let state: YAny = ["user": ["name": "Owner (not really)"], "cursor": ["time": 42]]
                    try await session.send(.awareness(AwarenessUpdate(entries: [.init(clientID: session.doc.clientID, clock: 1, state: state)])))
                    try await Task.sleep(for: .milliseconds(300))
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("REST operations reach Yjs clients; the room reloads from checkpoint and log tail")
    func operationsAndReload() async throws {
        try await Self.withProject { app, owner, project, port in
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                        try await session.handshake()
                        readyContinuation.yield()
                        _ = try await session.expect(Self.isUpdate)
                        #expect(session.doc.getMap("tracks").get("v1") != nil)
                    }
                }
                var iterator = ready.makeAsyncIterator()
                await iterator.next()
                let reply = try await app.call(
                    .post, "/api/projects/\(project)/operations",
                    json: ["operations": [["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"]]],
                    token: owner.accessToken
                )
                #expect(reply.status == .ok, "\(reply.json)")
                try await group.waitForAll()
            }
            let bad = try await app.call(
                .post, "/api/projects/\(project)/operations", json: ["operations": [["op": "explode"]]], token: owner.accessToken
            )
            #expect(bad.status == .badRequest)
            #expect(bad.errorCode == "UNKNOWN_OPERATION")

            let timeline = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            let tracks = try #require(timeline.data["tracks"] as? [[String: Any]])
            #expect(tracks.first?["name"] as? String == "V1")

            // Checkpoint, drop the room, load it again: same document.
            let projectID = try #require(UUID(uuidString: project))
            let room = try await app.registry.room(for: projectID)
            let before = try await room.view()
            await app.registry.shutdown()
            let checkpoint = try await app.database.documents.latestCheckpoint(projectID: projectID)
            #expect(checkpoint?.seq == 2)
            let reloaded = try await app.registry.room(for: projectID)
            #expect(try await reloaded.view() == before)
        }
    }

    @Test("versions: name one, change the document, restore it as a forward change")
    func versionsAndRestore() async throws {
        try await Self.withProject { app, owner, project, _ in
            let add = ["operations": [["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"]]]
            #expect(try await app.call(.post, "/api/projects/\(project)/operations", json: add, token: owner.accessToken).status == .ok)
            let named = try await app.call(.post, "/api/projects/\(project)/versions", json: ["label": "Rough cut"], token: owner.accessToken)
            #expect(named.status == .created)
            let versionID = try #require(named.data["id"] as? String)
            #expect(named.data["kind"] as? String == "named")

            let rename = ["operations": [["op": "updateTrack", "track": "v1", "name": "Renamed"], ["op": "addTrack", "id": "a1", "kind": "audio"]]]
            let renamed = try await app.call(.post, "/api/projects/\(project)/operations", json: rename, token: owner.accessToken)
            #expect(renamed.status == .ok, "\(renamed.json)")

            let diff = try await app.call(.get, "/api/projects/\(project)/versions/diff?from=\(versionID)&to=current", token: owner.accessToken)
            #expect(diff.status == .ok)
            #expect(!((diff.data["changes"] as? [Any]) ?? []).isEmpty)

            let restored = try await app.call(.post, "/api/projects/\(project)/versions/\(versionID)/restore", token: owner.accessToken)
            #expect(restored.status == .ok, "\(restored.json)")
            let timeline = try await app.call(.get, "/api/projects/\(project)/timeline", token: owner.accessToken)
            let tracks = try #require(timeline.data["tracks"] as? [[String: Any]])
            #expect(tracks.map { $0["name"] as? String } == ["V1"])

            let versions = try await app.call(.get, "/api/projects/\(project)/versions", token: owner.accessToken)
            #expect(Set(versions.list.compactMap { $0["kind"] as? String }) == ["named", "restore"])
            let history = try await app.call(.get, "/api/projects/\(project)/history?raw=1", token: owner.accessToken)
            #expect(history.list.first?["origin"] as? String == "restore")
            #expect(history.list.count == 4)
            // Summarised: the server's meta write, then one burst of the owner's changes.
            let bursts = try await app.call(.get, "/api/projects/\(project)/history", token: owner.accessToken)
            #expect(bursts.list.count == 2)
            #expect(bursts.list.first?["changes"] as? Int == 3)
            #expect(bursts.list.first?["authorName"] as? String == "Owner")
            #expect(Set(bursts.list.first?["origins"] as? [String] ?? []) == ["rest", "restore"])
            #expect(restored.data["result"] != nil)

            let old = try await app.call(.get, "/api/projects/\(project)/timeline?version=\(versionID)", token: owner.accessToken)
            #expect((old.data["tracks"] as? [[String: Any]])?.count == 1)

            let otio = try await app.call(.get, "/api/projects/\(project)/timeline?format=otio", token: owner.accessToken)
            #expect(otio.json["OTIO_SCHEMA"] as? String == "Timeline.1")
            #expect(try await app.call(.get, "/api/projects/\(project)/timeline?format=xml", token: owner.accessToken).errorField == "format")
        }
    }
}
