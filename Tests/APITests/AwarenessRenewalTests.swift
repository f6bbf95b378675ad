@testable import API
import CRDT
import CollabServer
import Foundation
import HummingbirdTesting
import Testing
import Timeline

/// The awareness entries the server speaks for are renewed, as a y-protocols client renews its own: a JSON user who
/// keeps still and the server's job list stay visible to Yjs clients past the awareness timeout.
@Suite("Awareness renewal", .timeLimit(.minutes(2)))
struct AwarenessRenewalTests {
    /// A one-second timeout (renewal at half of it); the test runs maintenance passes itself.
    static var collab: CollabConfiguration {
        var collab = CollabConfiguration()
        collab.awarenessTimeoutSeconds = 1
        collab.maintenanceInterval = 3600
        return collab
    }

    /// Reads awareness messages until one has an entry for `client` that `matches`.
    static func awarenessEntry(
        _ session: inout SyncSession, client: UInt64? = nil, _ matches: (AwarenessUpdate.Entry) -> Bool
    ) async throws -> AwarenessUpdate.Entry {
        while true {
            let message = try await session.expect { if case .awareness = $0 { true } else { false } }
            guard case .awareness(let update) = message else { continue }
            if let entry = update.entries.first(where: { (client == nil || $0.clientID == client) && matches($0) }) { return entry }
        }
    }

    @Test("a JSON client's cursor is renewed while it keeps still, and only expires once it left")
    func liveCursorIsRenewed() async throws {
        try await TestApp.run(.live, collab: Self.collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Renewal", owner: owner)
            let port = try #require(app.client.port)
            let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
            let (done, doneContinuation) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var iterator = ready.makeAsyncIterator()
                    await iterator.next()
                    try await withLiveClient(port: port, project: project, token: owner.accessToken) { live in
                        try await live.send(["type": "join-project"])
                        _ = try await live.expect("joined")
                        try await live.send(["type": "cursor-move", "time": 42, "track": "v1"])
                        var iterator = done.makeAsyncIterator()
                        await iterator.next()
                    }
                }
                try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                    try await session.handshake()
                    readyContinuation.yield()
                    let first = try await Self.awarenessEntry(&session) { $0.state?.objectValue?["cursor"]?.objectValue?["time"]?.int64Value == 42 }
                    // Three passes over twice the timeout: each renews the entry (a higher clock, the same state).
                    var clock = first.clock
                    for _ in 0..<3 {
                        try await Task.sleep(for: .milliseconds(700))
                        await app.registry.maintain()
                        let renewed = try await Self.awarenessEntry(&session, client: first.clientID) { _ in true }
                        #expect(renewed.clock > clock)
                        #expect(renewed.state?.objectValue?["cursor"]?.objectValue?["time"]?.int64Value == 42)
                        clock = renewed.clock
                    }
                    doneContinuation.yield()
                    // Once the JSON client left, its entry goes (a null state).
                    _ = try await Self.awarenessEntry(&session, client: first.clientID) { $0.state == nil }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("the server's job entry is renewed and sent to Yjs clients")
    func serverEntryIsRenewed() async throws {
        try await TestApp.run(.live, collab: Self.collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Renewal", owner: owner)
            let port = try #require(app.client.port)
            let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
            try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                try await session.handshake()
                await room.publish(JobProgress(id: "job-1", kind: "render", status: "running", progress: 0.5, step: "encode", details: .object([:])))
                let isServer: (AwarenessUpdate.Entry) -> Bool = { $0.state?.objectValue?["user"]?.objectValue?["id"]?.stringValue == "editbay" }
                let first = try await Self.awarenessEntry(&session, isServer)
                try await Task.sleep(for: .milliseconds(700))
                await app.registry.maintain()
                let renewed = try await Self.awarenessEntry(&session, client: first.clientID) { _ in true }
                #expect(renewed.clock > first.clock)
                #expect(renewed.state?.objectValue?["jobs"]?.objectValue?["job-1"] != nil)
            }
        }
    }
}
