import AsyncHTTPClient
import CRDT
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Storage
import TestSupport
import Testing

/// The built `editbay serve` binary with its embedded PostgreSQL, killed with SIGKILL while pycrdt
/// clients edit: nothing a client made may be lost.
@Suite("Crash recovery of editbay serve", .serialized, .timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    static let environment = ["EDITBAY_BCRYPT_COST": "4", "LOG_LEVEL": "notice"]

    static func start(_ dataDir: String) async throws -> (ServerProcess, Int) {
        let server = try ServerProcess(
            arguments: ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: environment
        )
        return (server, try await server.waitForPort())
    }

    static func post(_ url: String, _ body: [String: Any], token: String? = nil) async throws -> [String: Any] {
        try await HTTP.call(.POST, url, body, token: token).data
    }

    @Test("SIGKILL during editing: clients reconnect and resync; every edit is in the document and in PostgreSQL")
    func killDuringEditing() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var (server, port) = try await Self.start(dataDir)
        var base = "http://127.0.0.1:\(port)"
        let owner = try await Self.post("\(base)/api/auth/register", ["email": "owner@example.com", "password": "correct horse", "displayName": "Owner"])
        let editor = try await Self.post("\(base)/api/auth/register", ["email": "editor@example.com", "password": "correct horse", "displayName": "Editor"])
        let ownerToken = try #require(owner["accessToken"] as? String)
        let editorToken = try #require(editor["accessToken"] as? String)
        let editorID = try #require((editor["user"] as? [String: Any])?["id"] as? String)
        let project = try #require(try await Self.post("\(base)/api/projects", ["name": "Crash"], token: ownerToken)["id"] as? String)
        _ = try await Self.post("\(base)/api/projects/\(project)/members", ["userId": editorID, "role": "editor"], token: ownerToken)

        let a = try await InteropPeer.pycrdt("A", port: port, project: project, token: ownerToken, ack: true)
        let b = try await InteropPeer.pycrdt("B", port: port, project: project, token: editorToken)
        defer {
            a.terminate()
            b.terminate()
        }
        var expected: [String] = []
        for index in 0..<10 {
            let answer = try await a.set("markers", "a\(index)", "made by A")  // returns once durable
            #expect(answer["ack"] != nil)
            expected.append("a\(index)")
            try await b.set("markers", "b\(index)", "made by B")  // not waiting for durability
            expected.append("b\(index)")
        }
        try await server.kill()

        // Editing goes on while the server is down.
        for index in 0..<5 {
            try await a.set("markers", "a-offline\(index)", "made by A offline")
            try await b.set("markers", "b-offline\(index)", "made by B offline")
            expected += ["a-offline\(index)", "b-offline\(index)"]
        }

        (server, port) = try await Self.start(dataDir)
        base = "http://127.0.0.1:\(port)"
        let restarted = server
        defer { if restarted.isAlive { restarted.process.terminate() } }  // SIGTERM also stops its PostgreSQL
        for peer in [a, b] {
            try await peer.send(["cmd": "reconnect", "url": "ws://127.0.0.1:\(port)/api/projects/\(project)/sync"])
        }
        let paths = expected.map { ["markers", $0] }
        let documentA = try await a.waitFor(paths)
        let documentB = try await b.waitFor(paths)
        #expect(documentA.text == documentB.text)

        // A new client gets everything from the server alone…
        let c = try await InteropPeer.pycrdt("C", port: port, project: project, token: editorToken)
        defer { c.terminate() }
        let documentC = try await c.waitFor(paths)
        #expect(documentC.text == documentA.text)

        // …and the update log in PostgreSQL holds every edit.
        let database = DatabaseConfiguration(
            endpoint: .unixSocket(path: "\(dataDir)/pg/.s.PGSQL.5432"), username: "editbay", database: "editbay", maximumConnections: 2
        )
        let markers = try await TestDatabase.withClient(database) { client in
            let rows = try await client.query(
                "SELECT payload FROM document_updates ORDER BY project_id, seq", logger: TestDatabase.logger
            )
            let doc = YDoc()
            for try await payload in rows.decode(Data.self) { try doc.applyUpdate(Array(payload)) }
            return doc.getMap("markers").keys
        }
        #expect(Set(markers) == Set(expected))
        #expect(try await server.terminate() == 0, "\(server.log)")
    }
}
