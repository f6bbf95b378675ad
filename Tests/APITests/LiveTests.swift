@testable import API
import CRDT
import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing
import Timeline

/// A JSON live-protocol client for tests.
struct LiveSession {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        self.outbound = outbound
    }

    func send(_ object: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
    }

    /// The next event whose `type` is `type` (others are skipped).
    mutating func expect(_ type: String) async throws -> [String: Any] {
        while let message = try await messages.next() {
            guard case .text(let text) = message,
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            else { continue }
            if object["type"] as? String == type { return object }
        }
        throw SyncSession.Closed()
    }
}

func withLiveClient(port: Int, project: String, token: String, _ body: @escaping @Sendable (inout LiveSession) async throws -> Void) async throws {
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)/api/projects/\(project)/live?token=\(token)",
        configuration: .init(maxFrameSize: 1 << 24),
        logger: Logger(label: "live-client")
    ) { inbound, outbound, _ in
        var session = LiveSession(inbound: inbound, outbound: outbound)
        try await body(&session)
    }
}

@Suite("Live JSON protocol", .timeLimit(.minutes(2)))
struct LiveTests {
    @Test("join, edit, reject; a Yjs client and a JSON client see each other's edits")
    func editsBothWays() async throws {
        try await SyncTests.withProject { app, owner, project, port in
            let editor = try await app.register("Editor")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            let (edited, editedContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withSyncClient(port: port, project: project, token: editor.accessToken) { session in
                        try await session.handshake()
                        readyContinuation.yield()
                        _ = try await session.expect(SyncTests.isUpdate)
                        #expect(session.doc.getMap("tracks").get("v1") != nil)
                        try await session.edit { doc in
                            if case .map(let track)? = doc.getMap("tracks").get("v1") { track.set("name", "Renamed by Yjs") }
                        }
                        var iterator = edited.makeAsyncIterator()
                        await iterator.next()
                    }
                }
                var iterator = ready.makeAsyncIterator()
                await iterator.next()
                try await withLiveClient(port: port, project: project, token: owner.accessToken) { live in
                    try await live.send(["type": "edit-operation", "id": "early", "operations": []])
                    let early = try await live.expect("error")
                    #expect(early["code"] as? String == "NOT_JOINED")

                    try await live.send(["type": "join-project"])
                    let joined = try await live.expect("joined")
                    #expect(joined["role"] as? String == "owner")
                    #expect(((joined["view"] as? [String: Any])?["meta"] as? [String: Any])?["name"] as? String == "Live")

                    try await live.send(["type": "edit-operation", "id": "r1", "operations": [["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"]]])
                    let applied = try await live.expect("edit-applied")
                    #expect(applied["id"] as? String == "r1")
                    #expect((applied["seq"] as? Int ?? 0) >= 2)

                    let fromYjs = try await live.expect("edit-applied")
                    let changes = try #require(fromYjs["changes"] as? [[String: Any]])
                    #expect(changes.first?["id"] as? String == "v1")
                    #expect((fromYjs["user"] as? [String: Any])?["name"] as? String == "Editor")

                    try await live.send(["type": "edit-operation", "id": "r2", "operations": [["op": "removeClip", "clip": "nope"]]])
                    let rejected = try await live.expect("edit-rejected")
                    #expect(rejected["id"] as? String == "r2")
                    #expect(rejected["code"] as? String == "CLIP_NOT_FOUND")
                    editedContinuation.yield()
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("viewers' edits are rejected; unknown messages get an error")
    func viewerAndErrors() async throws {
        try await SyncTests.withProject { app, owner, project, port in
            let viewer = try await app.register("Viewer")
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)
            try await withLiveClient(port: port, project: project, token: viewer.accessToken) { live in
                try await live.send(["type": "join-project"])
                #expect(try await live.expect("joined")["role"] as? String == "viewer")
                try await live.send(["type": "edit-operation", "id": "x", "operations": [["op": "addTrack", "kind": "video"]]])
                #expect(try await live.expect("edit-rejected")["code"] as? String == "READ_ONLY")
                try await live.send(["type": "dance"])
                #expect(try await live.expect("error")["code"] as? String == "UNKNOWN_MESSAGE")
                try await live.outbound.write(.text("not json"))
                #expect(try await live.expect("error")["code"] as? String == "MALFORMED_MESSAGE")
            }
            let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
            #expect(try await room.view().tracks.isEmpty)
        }
    }

    @Test("cursors: JSON cursors appear in Yjs awareness with the server's user, and the other way round")
    func cursorsBothWays() async throws {
        try await SyncTests.withProject { app, owner, project, port in
            let editor = try await app.register("Editor")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let (joined, joinedContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withLiveClient(port: port, project: project, token: owner.accessToken) { live in
                        try await live.send(["type": "join-project"])
                        _ = try await live.expect("joined")
                        joinedContinuation.yield()
                        let update = try await live.expect("cursor-update")
                        #expect((update["user"] as? [String: Any])?["name"] as? String == "Editor")
                        #expect((update["cursor"] as? [String: Any])?["time"] as? Int == 705_600_000)
                        try await live.send(["type": "cursor-move", "time": 42, "track": "v1"])
                        try await Task.sleep(for: .milliseconds(300))
                    }
                }
                var iterator = joined.makeAsyncIterator()
                await iterator.next()
                try await withSyncClient(port: port, project: project, token: editor.accessToken) { session in
                    try await session.handshake()
                    let state: YAny = ["cursor": ["time": 705_600_000, "track": "v1"]]
                    try await session.send(.awareness(AwarenessUpdate(entries: [.init(clientID: session.doc.clientID, clock: 1, state: state)])))
                    while true {
                        let message = try await session.expect { if case .awareness = $0 { true } else { false } }
                        guard case .awareness(let update) = message,
                            let entry = update.entries.first(where: { $0.clientID != session.doc.clientID }),
                            let object = entry.state?.objectValue,
                            object["cursor"]?.objectValue?["time"]?.int64Value == 42
                        else { continue }
                        #expect(object["user"]?.objectValue?["name"]?.stringValue == "Owner")
                        break
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("undo and redo revert only the user's own changes")
    func undoRedo() async throws {
        try await SyncTests.withProject { app, owner, project, port in
            try await withLiveClient(port: port, project: project, token: owner.accessToken) { live in
                try await live.send(["type": "join-project"])
                _ = try await live.expect("joined")
                try await live.send(["type": "edit-operation", "id": "a", "operations": [["op": "addTrack", "id": "mine", "kind": "video"]]])
                _ = try await live.expect("edit-applied")
                // Someone else edits through REST meanwhile.
                let other = ["operations": [["op": "addTrack", "id": "theirs", "kind": "audio"]]]
                #expect(try await app.call(.post, "/api/projects/\(project)/operations", json: other, token: owner.accessToken).status == .ok)
                _ = try await live.expect("edit-applied")

                try await live.send(["type": "undo", "id": "u"])
                let undone = try await live.expect("edit-applied")
                #expect(undone["id"] as? String == "u")
                let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
                #expect(try await room.view().tracks.map(\.id) == ["theirs"])

                try await live.send(["type": "redo", "id": "r"])
                _ = try await live.expect("edit-applied")
                #expect(Set(try await room.view().tracks.map(\.id)) == ["mine", "theirs"])

                try await live.send(["type": "redo", "id": "r2"])
                #expect(try await live.expect("edit-rejected")["code"] as? String == "NOTHING_TO_REDO")
            }
        }
    }
}
