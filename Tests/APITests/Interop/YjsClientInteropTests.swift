import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing

/// Real Yjs implementations as EditBay clients, unchanged: pycrdt (yrs, Python) with its own sync and
/// awareness helpers, and Yjs with the y-websocket `WebsocketProvider` (Node). Each runs as a
/// subprocess (`InteropPeer`) against a live server. Missing Python modules or Node packages fail
/// these tests with the list of what to install; they are never skipped.
@Suite("Yjs clients (pycrdt, y-websocket) against the sync server", .timeLimit(.minutes(3)))
struct YjsClientInteropTests {
    static let frame24 = 29_400_000  // one frame at 24 fps, in flicks

    /// A live server, an owner and a project named "Interop".
    static func withProject(
        _ body: @escaping @Sendable (TestApp, TestApp.Account, String, Int) async throws -> Void
    ) async throws {
        try await TestApp.run(.live) { app in
            let owner = try await app.register("Olive")
            let project = try await app.createProject("Interop", owner: owner)
            try await body(app, owner, project, try #require(app.client.port))
        }
    }

    /// The server's resolved view (`GET /api/projects/{id}/timeline`).
    static func timeline(_ app: TestApp, _ project: String, _ token: String) async throws -> JSON {
        let reply = try await app.call(.get, "/api/projects/\(project)/timeline", token: token)
        #expect(reply.status == .ok, "\(reply.json)")
        return JSON(reply.data)
    }

    /// Checks that a client's raw document says what the server's view says: the same entity ids in every
    /// root, and every field the client has equal to the view's field of the same name (the view adds
    /// derived fields such as `startSeconds`, `end` and nests clips under their tracks).
    static func expectDocument(
        _ doc: JSON, matches view: JSON, _ who: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let tracks = view["tracks"] as? [[String: Any]] ?? []
        let clips = tracks.flatMap { $0["clips"] as? [[String: Any]] ?? [] } + (view["orphanClips"] as? [[String: Any]] ?? [])
        let entities: [String: [[String: Any]]] = [
            "tracks": tracks, "clips": clips,
            "assets": view["assets"] as? [[String: Any]] ?? [], "markers": view["markers"] as? [[String: Any]] ?? [],
        ]
        for (root, list) in entities {
            let viewByID = Dictionary(list.map { ($0["id"] as? String ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
            let local = doc.at(root).object
            #expect(Set(local.keys) == Set(viewByID.keys), "\(who): \(root) ids differ from the server view", sourceLocation: sourceLocation)
            for (id, value) in local {
                guard let fields = value as? [String: Any], let served = viewByID[id] else { continue }
                for (field, fieldValue) in fields {
                    #expect(
                        JSON.canonical(fieldValue) == JSON.canonical(served[field]),
                        "\(who): \(root)/\(id)/\(field) is \(JSON.canonical(fieldValue)), the server view has \(JSON.canonical(served[field]))",
                        sourceLocation: sourceLocation
                    )
                }
            }
        }
        let meta = view.at("meta")
        for (field, value) in doc.at("meta").object {
            #expect(JSON.canonical(value) == JSON.canonical(meta[field]), "\(who): meta.\(field) differs", sourceLocation: sourceLocation)
        }
    }

    static func marker(_ time: Int, _ label: String, color: String = "red") -> [String: Any] {
        ["time": time, "duration": 0, "label": label, "color": color]
    }

    @Test("pycrdt and y-websocket edit concurrently, converge to the same document, and the server view agrees")
    func concurrentEditsConverge() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Edna")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let py = try await InteropPeer.pycrdt("pycrdt editor", port: port, project: project, token: editor.accessToken, ack: true)
            defer { py.terminate() }
            let js = try await InteropPeer.yWebsocket("y-websocket owner", port: port, project: project, token: owner.accessToken)
            defer { js.terminate() }
            // Both read the document the server made: meta.name is the project's name.
            #expect(py.hello.at("doc", "meta")["name"] as? String == "Interop")
            #expect(js.hello.at("doc", "meta")["name"] as? String == "Interop")

            // Truly concurrent: neither client applies incoming changes until both have edited.
            try await py.send(["cmd": "hold"])
            try await js.send(["cmd": "hold"])
            let pyEdit = try await py.send([
                "cmd": "edit",
                "changes": [
                    ["root": "markers", "key": "m-py", "value": Self.marker(Self.frame24, "from pycrdt", color: "green")],
                    ["root": "markers", "key": "shared", "value": Self.marker(0, "pycrdt")],
                    [
                        "root": "tracks", "key": "a-py",
                        "value": ["kind": "audio", "name": "From pycrdt", "order": "a", "muted": false, "hidden": false, "locked": false],
                    ],
                ],
            ])
            #expect((pyEdit["ack"] as? Int ?? 0) >= 2, "the server acknowledges the durable update (seq 1 is the project's meta)")
            try await js.send([
                "cmd": "edit",
                "changes": [
                    ["root": "markers", "key": "m-js", "value": Self.marker(2 * Self.frame24, "from y-websocket", color: "blue")],
                    ["root": "markers", "key": "shared", "value": Self.marker(0, "y-websocket")],
                ],
            ])
            #expect(try await py.document().at("markers")["m-js"] == nil, "pycrdt saw the other edit before its own: not concurrent")
            #expect(try await js.document().at("markers")["m-py"] == nil, "y-websocket saw the other edit before its own: not concurrent")
            try await py.send(["cmd": "release"])
            try await js.send(["cmd": "release"])

            let everything = [["markers", "m-py"], ["markers", "m-js"], ["tracks", "a-py"]]
            let pyDoc = try await py.waitFor(everything)
            let jsDoc = try await js.waitFor(everything)
            #expect(pyDoc.text == jsDoc.text, "the two clients did not converge:\npycrdt      \(pyDoc.text)\ny-websocket \(jsDoc.text)")
            // The concurrent writes of one key: the entry of the higher client id wins, on both.
            let pyClient = try #require(py.hello["clientID"] as? Int)
            let jsClient = try #require(js.hello["clientID"] as? Int)
            let winner = pyClient > jsClient ? "pycrdt" : "y-websocket"
            #expect(pyDoc.at("markers", "shared")["label"] as? String == winner)
            #expect(jsDoc.at("markers", "shared")["label"] as? String == winner)
            #expect(pyDoc.at("markers", "m-js")["label"] as? String == "from y-websocket")
            #expect(jsDoc.at("tracks", "a-py")["name"] as? String == "From pycrdt")

            // Both edits reached both clients through the server, so the server has them too.
            let view = try await Self.timeline(app, project, owner.accessToken)
            Self.expectDocument(pyDoc, matches: view, "pycrdt")
            Self.expectDocument(jsDoc, matches: view, "y-websocket")
            let markers = view["markers"] as? [[String: Any]] ?? []
            #expect(markers.compactMap { $0["id"] as? String } == ["shared", "m-py", "m-js"])  // by (time, id)
            let tracks = view["tracks"] as? [[String: Any]] ?? []
            #expect(tracks.first?["kind"] as? String == "audio")

            // The plain y-websocket client only ever got standard y-protocols messages.
            let stats = try await js.send(["cmd": "stats"])
            #expect(JSON(stats["counts"] as? [String: Any] ?? [:])["unknown"] as? Int == 0)
            #expect(JSON(stats["counts"] as? [String: Any] ?? [:])["auth"] as? Int == 0)
            try await py.close()
            try await js.close()
        }
    }

    @Test("a change made through REST operations reaches both clients")
    func restOperationsReachBoth() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Edna")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let py = try await InteropPeer.pycrdt("pycrdt owner", port: port, project: project, token: owner.accessToken)
            defer { py.terminate() }
            let js = try await InteropPeer.yWebsocket("y-websocket editor", port: port, project: project, token: editor.accessToken)
            defer { js.terminate() }

            let operations: [[String: Any]] = [
                ["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"],
                ["op": "addAsset", "id": "shot", "kind": "video", "name": "Shot", "uri": "media/shot.mov", "duration": 24 * Self.frame24],
                ["op": "addClip", "id": "c1", "track": "v1", "asset": "shot", "start": Self.frame24, "duration": 12 * Self.frame24],
                ["op": "addMarker", "id": "m-rest", "time": 3 * Self.frame24, "label": "from REST", "color": "yellow"],
            ]
            let reply = try await app.call(.post, "/api/projects/\(project)/operations", json: ["operations": operations], token: editor.accessToken)
            #expect(reply.status == .ok, "\(reply.json)")

            let paths = [["tracks", "v1"], ["assets", "shot"], ["clips", "c1"], ["markers", "m-rest"]]
            let pyDoc = try await py.waitFor(paths)
            let jsDoc = try await js.waitFor(paths)
            #expect(pyDoc.text == jsDoc.text, "pycrdt \(pyDoc.text)\ny-websocket \(jsDoc.text)")
            #expect(pyDoc.at("clips", "c1")["track"] as? String == "v1")
            #expect(pyDoc.at("clips", "c1")["start"] as? Int == Self.frame24)
            #expect(jsDoc.at("tracks", "v1")["name"] as? String == "V1")

            let view = try await Self.timeline(app, project, owner.accessToken)
            Self.expectDocument(pyDoc, matches: view, "pycrdt")
            Self.expectDocument(jsDoc, matches: view, "y-websocket")

            // And back: after the REST change, y-websocket renames the project in `meta` and pycrdt adds a
            // marker; each sees the other's edit, and so does the server's view.
            try await js.set("meta", "name", "Renamed by y-websocket")
            try await py.set("markers", "m-py", Self.marker(4 * Self.frame24, "after REST"))
            let pyAfter = try await py.waitFor([["markers", "m-py"]], equal: [(["meta", "name"], "Renamed by y-websocket")])
            let jsAfter = try await js.waitFor([["markers", "m-py"]], equal: [(["meta", "name"], "Renamed by y-websocket")])
            #expect(pyAfter.text == jsAfter.text)
            let after = try await Self.timeline(app, project, owner.accessToken)
            #expect(after.at("meta")["name"] as? String == "Renamed by y-websocket")
            Self.expectDocument(pyAfter, matches: after, "pycrdt after the edits")
            try await py.close()
            try await js.close()
        }
    }

    @Test("viewers' edits are refused with the auth message and change nothing on the server")
    func viewerEditsRefused() async throws {
        try await Self.withProject { app, owner, project, port in
            let viewer = try await app.register("Vera")
            try await app.addMember(viewer, role: "viewer", project: project, by: owner)
            let py = try await InteropPeer.pycrdt("pycrdt viewer", port: port, project: project, token: viewer.accessToken)
            defer { py.terminate() }
            let js = try await InteropPeer.yWebsocket("y-websocket viewer", port: port, project: project, token: viewer.accessToken)
            defer { js.terminate() }
            #expect(py.hello.at("doc", "meta")["name"] as? String == "Interop", "a viewer still reads the document")

            try await py.set("markers", "vandal-py", Self.marker(0, "pycrdt vandalism"))
            try await js.set("markers", "vandal-js", Self.marker(0, "y-websocket vandalism"))
            for peer in [py, js] {
                let auth = JSON(try await peer.send(["cmd": "waitAuth"])["auth"] as? [String: Any] ?? [:])
                #expect(auth["type"] as? Int == 0, "\(peer.label): permission denied is auth message type 0")
                #expect(auth["reason"] as? String == "permission denied", "\(peer.label)")
            }

            // The connections stay open and keep receiving: a REST change by the owner reaches both viewers,
            // and neither received the other's refused edit.
            let add = ["operations": [["op": "addMarker", "id": "m-owner", "time": Self.frame24, "label": "owner"]]]
            #expect(try await app.call(.post, "/api/projects/\(project)/operations", json: add, token: owner.accessToken).status == .ok)
            let pyDoc = try await py.waitFor([["markers", "m-owner"]])
            let jsDoc = try await js.waitFor([["markers", "m-owner"]])
            #expect(pyDoc.at("markers")["vandal-js"] == nil)
            #expect(jsDoc.at("markers")["vandal-py"] == nil)

            let view = try await Self.timeline(app, project, owner.accessToken)
            #expect((view["markers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } == ["m-owner"])
            let stored = try await app.database.documents.updates(projectID: try #require(UUID(uuidString: project)), after: 0)
            #expect(stored.count == 2, "only the project's meta and the owner's operation are stored")

            // A fresh client sees the server's document: no vandalism.
            let late = try await InteropPeer.pycrdt("late pycrdt owner", port: port, project: project, token: owner.accessToken)
            defer { late.terminate() }
            Self.expectDocument(late.hello.at("doc"), matches: view, "late pycrdt")
            try await late.close()
            try await py.close()
            try await js.close()
        }
    }

    @Test("awareness crosses implementations with the user set by the server from the token")
    func awarenessIdentity() async throws {
        try await Self.withProject { app, owner, project, port in
            let editor = try await app.register("Edna")
            try await app.addMember(editor, role: "editor", project: project, by: owner)
            let py = try await InteropPeer.pycrdt("pycrdt owner", port: port, project: project, token: owner.accessToken)
            defer { py.terminate() }
            let js = try await InteropPeer.yWebsocket("y-websocket editor", port: port, project: project, token: editor.accessToken)
            defer { js.terminate() }

            // y-websocket → pycrdt: the editor claims to be someone else; the server says who it is.
            try await js.send([
                "cmd": "setAwareness",
                "state": ["user": ["name": "Olive (not really)", "id": owner.id, "color": "#000000"], "cursor": ["time": 42, "track": "v1"]],
            ])
            let seen = try await py.send(["cmd": "waitAwareness", "path": ["cursor", "time"], "value": 42])
            #expect(seen["clientID"] as? Int == js.hello["clientID"] as? Int, "the entry is the y-websocket doc's client id")
            let state = JSON(seen["state"] as? [String: Any] ?? [:])
            #expect(state.at("user")["name"] as? String == "Edna")
            #expect(state.at("user")["id"] as? String == editor.id.lowercased())
            #expect(state.at("user")["color"] as? String != "#000000")
            #expect(state.at("cursor")["track"] as? String == "v1", "the rest of the state is relayed as sent")

            // pycrdt → y-websocket, the same way round.
            try await py.send(["cmd": "setAwareness", "state": ["user": ["name": "Edna (not really)"], "cursor": ["time": 7]]])
            let back = try await js.send(["cmd": "waitAwareness", "path": ["cursor", "time"], "value": 7])
            let backState = JSON(back["state"] as? [String: Any] ?? [:])
            #expect(backState.at("user")["name"] as? String == "Olive")
            #expect(backState.at("user")["id"] as? String == owner.id.lowercased())

            // When the y-websocket client leaves, its awareness entry goes away at the other client.
            let jsClient = try #require(js.hello["clientID"] as? Int)
            try await js.close()
            try await py.send(["cmd": "waitAwarenessGone", "clientID": jsClient])
            try await py.close()
        }
    }
}
