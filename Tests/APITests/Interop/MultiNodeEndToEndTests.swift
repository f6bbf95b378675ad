import CRDT
import Foundation
import NIOHTTP1
import PostgresNIO
import Storage
import TestSupport
import Testing

/// Two real `editbay serve` processes on one PostgreSQL database and one redis-server (`DATABASE_URL` and
/// `REDIS_URL` set on each), with pycrdt clients on different nodes.
@Suite("Several editbay serve nodes, end to end", .serialized, .timeLimit(.minutes(3)))
struct MultiNodeEndToEndTests {
    /// The test server's URL with another database name.
    static func url(of database: String) throws -> String {
        guard let server = ProcessInfo.processInfo.environment["EDITBAY_TEST_DATABASE_URL"],
            var components = URLComponents(string: server)
        else { throw ServerProcess.Failure("EDITBAY_TEST_DATABASE_URL is not set: run the tests with `make test`") }
        components.path = "/" + database
        return try #require(components.string)
    }

    static func startNode(_ name: String, databaseURL: String, redisURL: String) async throws -> (ServerProcess, Int) {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-node-\(name)-\(UUID().uuidString.prefix(8))").path
        let server = try ServerProcess(
            arguments: ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: [
                "DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "EDITBAY_BCRYPT_COST": "4", "LOG_LEVEL": "notice",
                "EDITBAY_JWT_SECRET": "a-secret-both-nodes-share-of-at-least-32-bytes", "EDITBAY_JOB_WORKERS": "0",
            ]
        )
        return (server, try await server.waitForPort())
    }

    @Test("pycrdt clients on two nodes edit concurrently, see each other's edits and cursors, and converge; the log holds everything")
    func clientsOnTwoNodesConverge() async throws {
        try await TestRedis.with { redis in
            try await TestDatabase.withFreshDatabase { _, configuration in
                let databaseURL = try Self.url(of: configuration.database)
                let (nodeA, portA) = try await Self.startNode("a", databaseURL: databaseURL, redisURL: redis.url)
                defer { if nodeA.isAlive { nodeA.process.terminate() } }
                let (nodeB, portB) = try await Self.startNode("b", databaseURL: databaseURL, redisURL: redis.url)
                defer { if nodeB.isAlive { nodeB.process.terminate() } }
                let a = "http://127.0.0.1:\(portA)", b = "http://127.0.0.1:\(portB)"

                let owner = try await HTTP.call(.POST, "\(a)/api/auth/register", ["email": "owner@example.com", "password": "correct horse", "displayName": "Owner"]).data
                let editor = try await HTTP.call(.POST, "\(b)/api/auth/register", ["email": "editor@example.com", "password": "correct horse", "displayName": "Editor"]).data
                let ownerToken = try #require(owner["accessToken"] as? String)
                let editorToken = try #require(editor["accessToken"] as? String)
                let editorID = try #require((editor["user"] as? [String: Any])?["id"] as? String)
                let project = try #require(try await HTTP.call(.POST, "\(a)/api/projects", ["name": "Two nodes"], token: ownerToken).data["id"] as? String)
                let added = try await HTTP.call(.POST, "\(b)/api/projects/\(project)/members", ["userId": editorID, "role": "editor"], token: ownerToken)
                #expect(added.status == .created, "\(added.json)")

                let onA = try await InteropPeer.pycrdt("pycrdt on node A", port: portA, project: project, token: ownerToken, ack: true)
                defer { onA.terminate() }
                let onB = try await InteropPeer.pycrdt("pycrdt on node B", port: portB, project: project, token: editorToken, ack: true)
                defer { onB.terminate() }
                #expect(onB.hello.at("doc", "meta")["name"] as? String == "Two nodes")

                // Truly concurrent: neither client applies incoming changes until both have edited.
                try await onA.send(["cmd": "hold"])
                try await onB.send(["cmd": "hold"])
                var expected: [String] = []
                for index in 0..<10 {
                    try await onA.set("markers", "a\(index)", ["time": index, "label": "A"])
                    try await onB.set("markers", "b\(index)", ["time": index, "label": "B"])
                    expected += ["a\(index)", "b\(index)"]
                }
                try await onA.set("markers", "shared", ["time": 0, "label": "A"])
                try await onB.set("markers", "shared", ["time": 0, "label": "B"])
                expected.append("shared")
                #expect(try await onA.document().at("markers")["b0"] == nil, "not concurrent")
                try await onA.send(["cmd": "release"])
                try await onB.send(["cmd": "release"])
                let paths = expected.map { ["markers", $0] }
                let documentA = try await onA.waitFor(paths)
                let documentB = try await onB.waitFor(paths)
                #expect(documentA.text == documentB.text, "the clients did not converge:\nA \(documentA.text)\nB \(documentB.text)")

                // A change through REST on node B reaches the client on node A; cursors cross too.
                let rest = try await HTTP.call(
                    .POST, "\(b)/api/projects/\(project)/operations", ["operations": [["op": "addTrack", "id": "v1", "kind": "video", "name": "V1"]]],
                    token: editorToken
                )
                #expect(rest.status == .ok, "\(rest.json)")
                try await onA.waitFor([["tracks", "v1"]])
                try await onA.send(["cmd": "setAwareness", "state": ["cursor": ["time": 4242, "track": "v1"]]])
                let seen = try await onB.send(["cmd": "waitAwareness", "path": ["cursor", "time"], "value": 4242])
                #expect(JSON(seen["state"] as? [String: Any] ?? [:]).at("user")["name"] as? String == "Owner", "the server stamped the user")

                // Both nodes serve the same timeline, and PostgreSQL's log holds every edit exactly once.
                let viewA = try await HTTP.call(.GET, "\(a)/api/projects/\(project)/timeline", token: ownerToken).data
                let viewB = try await HTTP.call(.GET, "\(b)/api/projects/\(project)/timeline", token: ownerToken).data
                #expect(Set((viewA["markers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == Set(expected))
                #expect(Set((viewB["markers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == Set(expected))
                try await onA.close()
                try await onB.close()
                #expect(try await nodeA.terminate() == 0, "\(nodeA.log)")
                #expect(try await nodeB.terminate() == 0, "\(nodeB.log)")

                let projectID = try #require(UUID(uuidString: project))
                let (seqs, markers, tracks) = try await TestDatabase.withClient(configuration) { client in
                    let rows = try await client.query(
                        "SELECT seq, payload FROM document_updates WHERE project_id = \(projectID) ORDER BY seq", logger: TestDatabase.logger
                    )
                    let doc = YDoc()
                    var seqs: [Int64] = []
                    for try await (seq, payload) in rows.decode((Int64, Data).self) {
                        seqs.append(seq)
                        try doc.applyUpdate(Array(payload))
                    }
                    return (seqs, Set(doc.getMap("markers").keys), Set(doc.getMap("tracks").keys))
                }
                #expect(seqs == Array(1...Int64(seqs.count)), "the log is numbered without holes")
                let clientEdits = expected.count + 1  // "shared" was written by both clients
                #expect(seqs.count == clientEdits + 2, "meta, every client edit once, the REST change")
                #expect(markers == Set(expected))
                #expect(tracks == ["v1"])
            }
        }
    }
}
