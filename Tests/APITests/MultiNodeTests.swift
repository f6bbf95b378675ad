@testable import API
import CRDT
@testable import CollabServer
import Foundation
import Logging
import Redis
import Storage
import Synchronization
import TestSupport
import Testing
import Timeline

/// Two "nodes" in one process: two `RoomRegistry`s on the same test database and the same throwaway Redis,
/// each with its own `RedisRoomRelay`, as two `editbay serve` processes with `REDIS_URL` have.
@Suite("Several nodes through Redis", .serialized, .timeLimit(.minutes(2)))
struct MultiNodeTests {
    /// A connection's outbox that keeps what the room sent it.
    final class RecordingOutbox: ConnectionOutbox {
        private let messages = Mutex<[OutboundMessage]>([])

        func send(_ message: OutboundMessage) -> Bool {
            messages.withLock { $0.append(message) }
            return true
        }

        func finish() {}

        var all: [OutboundMessage] { messages.withLock { $0 } }

        /// The y-protocols messages received.
        var protocolMessages: [ProtocolMessage] {
            all.compactMap { if case .binary(let bytes) = $0 { try? ProtocolMessage.decode(bytes) } else { nil } }
        }

        /// A document made of every sync update received.
        func document() -> YDoc {
            let doc = YDoc()
            for case .sync(let sync) in protocolMessages { if let update = sync.updatePayload { try? doc.applyUpdate(update) } }
            return doc
        }

        var closes: [UInt16] { all.compactMap { if case .close(let code, _) = $0 { code } else { nil } } }

        var liveEvents: [[String: Any]] {
            all.compactMap { message -> [String: Any]? in
                guard case .text(let text) = message else { return nil }
                return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            }
        }
    }

    struct Nodes: Sendable {
        let database: Database
        let redis: TestRedis
        let a: RoomRegistry
        let b: RoomRegistry
        let relayA: RedisRoomRelay?
        let relayB: RedisRoomRelay
        let project: UUID
        let owner: Participant
        let editor: Participant
    }

    static let logger: Logger = TestDatabase.logger

    static var collab: CollabConfiguration {
        var collab = CollabConfiguration()
        collab.autoVersionQuietSeconds = 0.3
        collab.checkpointEverySeconds = 0.3
        collab.maintenanceInterval = 3600  // the tests run maintenance passes themselves
        collab.relayGapGraceSeconds = 0.2
        collab.relayLogPollSeconds = 0.2
        return collab
    }

    /// Two nodes with a project of two members; `relayOnA: false` makes node A a node that publishes nothing.
    static func withNodes(
        relayOnA: Bool = true, collab: CollabConfiguration = Self.collab, _ body: @escaping @Sendable (Nodes) async throws -> Void
    ) async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            try await TestRedis.with { redis in
                let redisConfiguration = try RedisConfiguration(url: redis.url)
                let relayA = relayOnA ? RedisRoomRelay(configuration: redisConfiguration, logger: logger) : nil
                let relayB = RedisRoomRelay(configuration: redisConfiguration, logger: logger)
                let a = RoomRegistry(database: database, configuration: collab, relay: relayA, logger: logger)
                let b = RoomRegistry(database: database, configuration: collab, relay: relayB, logger: logger)
                let ownerUser = try await database.users.create(email: "owner-\(UUID())@example.com", displayName: "Owner", passwordHash: "x")
                let editorUser = try await database.users.create(email: "editor-\(UUID())@example.com", displayName: "Editor", passwordHash: "x")
                let project = try await database.projects.create(name: "Nodes", settings: ProjectSettings(), ownerID: ownerUser.id)
                let nodes = Nodes(
                    database: database, redis: redis, a: a, b: b, relayA: relayA, relayB: relayB, project: project.id,
                    owner: Participant(userID: ownerUser.id, name: "Owner", role: .owner),
                    editor: Participant(userID: editorUser.id, name: "Editor", role: .editor)
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if let relayA { group.addTask { try await relayA.run() } }
                    group.addTask { try await relayB.run() }
                    group.addTask { try await a.run() }
                    group.addTask { try await b.run() }
                    try await waitUntil { (relayA?.isConnected ?? true) && relayB.isConnected }
                    do {
                        try await body(nodes)
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                    // What a graceful shutdown does (cancelled, the final checkpoints could not be written).
                    await a.shutdown()
                    await b.shutdown()
                    group.cancelAll()
                }
            }
        }
    }

    static func waitUntil(timeout: Duration = .seconds(10), _ what: String = "the condition", _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw TestRedis.Failure(description: "timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func markers(_ doc: YDoc) -> Set<String> { Set(doc.getMap("markers").keys) }

    static func addMarker(_ id: String) throws -> [EditOperation] {
        try EditOperation.decodeBatch(Data(#"{"operations":[{"op":"addMarker","id":"\#(id)","time":0}]}"#.utf8))
    }

    /// The markers of a room's document.
    static func markers(of room: Room) async -> Set<String> {
        let doc = YDoc()
        try? doc.applyUpdate(await room.durableState().state)
        return markers(doc)
    }

    /// A Yjs client's update adding marker `id`.
    static func clientUpdate(_ id: String) -> [UInt8] {
        let doc = YDoc()
        var produced: [UInt8] = []
        let token = doc.onUpdate { update, _ in produced = update }
        doc.transact { doc.getMap("markers").set(id, .string("from a Yjs client")) }
        doc.removeObserver(token)
        return produced
    }

    /// Everything in the database: the latest checkpoint plus every row after it.
    static func storedMarkers(_ nodes: Nodes) async throws -> (checkpoint: Int64?, markers: Set<String>) {
        let checkpoint = try await nodes.database.documents.latestCheckpoint(projectID: nodes.project)
        let doc = YDoc()
        if let checkpoint { try doc.applyUpdate(checkpoint.state) }
        for row in try await nodes.database.documents.updates(projectID: nodes.project, after: checkpoint?.seq ?? 0) { try doc.applyUpdate(row.payload) }
        return (checkpoint?.seq, markers(doc))
    }

    @Test("a Yjs client's update on node A reaches sync and live connections on node B, and so do its cursor and its departure")
    func updatesAndAwarenessCrossNodes() async throws {
        try await Self.withNodes { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            let onA = RecordingOutbox(), onB = RecordingOutbox(), liveOnB = RecordingOutbox()
            let idA = await roomA.connect(nodes.editor, kind: .sync, outbox: onA)
            _ = await roomB.connect(nodes.owner, kind: .sync, outbox: onB)
            let liveB = await roomB.connect(nodes.owner, kind: .live, outbox: liveOnB)
            await roomB.receiveLive(#"{"type":"join-project"}"#, from: liveB)

            await roomA.receive(ProtocolMessage.sync(.update(Self.clientUpdate("from-a"))).encode(), from: idA)
            try await Self.waitUntil("the update on node B") { Self.markers(onB.document()).contains("from-a") }
            #expect(await Self.markers(of: roomB).contains("from-a"))
            try await Self.waitUntil("edit-applied on node B's live connection") {
                liveOnB.liveEvents.contains { $0["type"] as? String == "edit-applied" && ($0["user"] as? [String: Any])?["name"] as? String == "Editor" }
            }
            #expect(await roomB.lastSeq == 2)
            #expect(await roomB.replication.watermark.contiguous == 2, "a relayed row advances the watermark")
            let stored = try await nodes.database.documents.updates(projectID: nodes.project, after: 0)
            #expect(stored.count == 2, "node B applied the relayed update without appending it again")

            // A node B client's update reaches node A's client the same way.
            let idB = await roomB.connect(nodes.editor, kind: .sync, outbox: RecordingOutbox())
            await roomB.receive(ProtocolMessage.sync(.update(Self.clientUpdate("from-b"))).encode(), from: idB)
            try await Self.waitUntil("the update on node A") { Self.markers(onA.document()).contains("from-b") }

            // Awareness: a cursor set on node A shows on node B (Yjs and live clients), with the server's user.
            let cursor = YAny.object(YObject([("cursor", .object(YObject([("time", .integer(42)), ("track", .string("v1"))])))]))
            let entry = AwarenessUpdate(entries: [.init(clientID: 4242, clock: 1, state: cursor)])
            await roomA.receive(ProtocolMessage.awareness(entry).encode(), from: idA)
            try await Self.waitUntil("the cursor on node B") { await roomB.awareness.states[4242] != nil }
            let state = try #require(await roomB.awareness.states[4242]?.objectValue)
            #expect(state["user"]?.objectValue?["name"]?.stringValue == "Editor")
            try await Self.waitUntil("the awareness message on node B") {
                onB.protocolMessages.contains { if case .awareness(let update) = $0 { update.entries.contains { $0.clientID == 4242 } } else { false } }
            }
            try await Self.waitUntil("cursor-update on node B's live connection") {
                liveOnB.liveEvents.contains { $0["type"] as? String == "cursor-update" }
            }

            // Each node keeps its own server entry (job progress): never relayed, so they never fight.
            #expect(await roomA.awareness.clientID != roomB.awareness.clientID)
            await roomA.publish(JobProgress(id: "job-1", kind: "render", status: "running", progress: 0.5, step: nil, details: .null))
            let serverA = await roomA.awareness.clientID
            try await Task.sleep(for: .milliseconds(200))
            #expect(await roomB.awareness.states[serverA] == nil)

            // The client on node A leaves: its cursor leaves node B too.
            await roomA.disconnect(idA)
            try await Self.waitUntil("the cursor removed on node B") { await roomB.awareness.states[4242] == nil }
            try await Self.waitUntil("user-left on node B's live connection") {
                liveOnB.liveEvents.contains { $0["type"] as? String == "user-left" }
            }
        }
    }

    @Test("another node's awareness states time out like any others when their node stops renewing them")
    func remoteAwarenessTimesOut() async throws {
        var collab = Self.collab
        collab.awarenessTimeoutSeconds = 0.5
        try await Self.withNodes(collab: collab) { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            let onB = RecordingOutbox()
            _ = await roomB.connect(nodes.owner, kind: .sync, outbox: onB)
            let idA = await roomA.connect(nodes.editor, kind: .sync, outbox: RecordingOutbox())
            let cursor = YAny.object(YObject([("cursor", .object(YObject([("time", .integer(7))])))]))
            await roomA.receive(ProtocolMessage.awareness(AwarenessUpdate(entries: [.init(clientID: 77, clock: 1, state: cursor)])).encode(), from: idA)
            try await Self.waitUntil("the cursor on node B") { await roomB.awareness.states[77] != nil }
            // Node A goes quiet (no renewal, no removal: as if it died). Node B drops the state after the timeout.
            try await Task.sleep(for: .milliseconds(700))
            await nodes.b.maintain()
            #expect(await roomB.awareness.states[77] == nil)
            #expect(await roomB.replication.remoteAwareness.isEmpty)
            let removals = onB.protocolMessages.compactMap { message -> AwarenessUpdate.Entry? in
                if case .awareness(let update) = message { update.entries.first { $0.clientID == 77 && $0.state == nil } } else { nil }
            }
            #expect(removals.count == 1, "node B's client is told the cursor is gone")
        }
    }

    @Test("a removed member is disconnected on every node")
    func membershipRemovalReachesEveryNode() async throws {
        try await Self.withNodes { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            let editorOnA = RecordingOutbox(), editorOnB = RecordingOutbox(), ownerOnB = RecordingOutbox()
            _ = await roomA.connect(nodes.editor, kind: .sync, outbox: editorOnA)
            _ = await roomB.connect(nodes.editor, kind: .live, outbox: editorOnB)
            _ = await roomB.connect(nodes.owner, kind: .sync, outbox: ownerOnB)
            await nodes.a.disconnect(userID: nodes.editor.userID, projectID: nodes.project, reason: "your role changed")
            #expect(editorOnA.closes == [4403])
            try await Self.waitUntil("the editor closed on node B") { editorOnB.closes == [4403] }
            #expect(await roomB.connections.count == 1)
            #expect(ownerOnB.closes.isEmpty)
        }
    }

    @Test("a checkpoint written by node B while it misses one of node A's rows loses nothing; the gap is then filled from the log")
    func checkpointAtTheWatermark() async throws {
        try await Self.withNodes(relayOnA: false) { nodes in  // node A publishes nothing
            let roomA = try await nodes.a.room(for: nodes.project)  // seq 1: the project's meta
            let roomB = try await nodes.b.room(for: nodes.project)
            let onB = RecordingOutbox()
            _ = await roomB.connect(nodes.owner, kind: .sync, outbox: onB)
            let fromA = try await roomA.apply(try Self.addMarker("a1"), by: nodes.editor, origin: "rest")
            let fromB = try await roomB.apply(try Self.addMarker("b1"), by: nodes.owner, origin: "rest")
            #expect(fromA.seq == 2)
            #expect(fromB.seq == 3, "node B's append numbered after node A's row")
            #expect(await roomB.lastSeq == 3)
            #expect(await roomB.replication.watermark.contiguous == 1, "row 2 is missing on node B")

            await roomB.writeCheckpoint()
            let stored = try await Self.storedMarkers(nodes)
            #expect(stored.checkpoint == 1, "the checkpoint is at the watermark, not at node B's last row")
            #expect(stored.markers == ["a1", "b1"], "the database still holds every update")
            // A room loaded from the database now has both.
            let reloaded = try await RoomRegistry(database: nodes.database, logger: Self.logger).room(for: nodes.project)
            #expect(await Self.markers(of: reloaded) == ["a1", "b1"])

            // Node B fills the gap from the log within a few maintenance passes, and its client gets the row.
            for _ in 0..<5 where await !roomB.replication.watermark.contains(2) {
                try await Task.sleep(for: .milliseconds(250))
                await nodes.b.maintain()
            }
            #expect(await roomB.replication.watermark.contiguous == 3)
            #expect(await Self.markers(of: roomB) == ["a1", "b1"])
            #expect(Self.markers(onB.document()).contains("a1"))
            await roomB.writeCheckpoint()
            #expect(try await Self.storedMarkers(nodes) == (3, ["a1", "b1"]))
        }
    }

    @Test("a row whose message was lost while Redis was down reaches the other node from the log; after Redis is back, messages flow again")
    func redisOutage() async throws {
        try await Self.withNodes { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            nodes.redis.stop()
            _ = try await roomA.apply(try Self.addMarker("while-down"), by: nodes.editor, origin: "rest")
            var ticks = 0
            while await !Self.markers(of: roomB).contains("while-down"), ticks < 10 {
                try await Task.sleep(for: .milliseconds(250))
                await nodes.b.maintain()
                ticks += 1
            }
            #expect(await Self.markers(of: roomB).contains("while-down"), "filled from the log")
            #expect(ticks <= 5, "within a few maintenance passes (took \(ticks))")

            try nodes.redis.start()
            // The relays reconnect by themselves (each `.resync` makes the rooms check the log at the next pass);
            // from then on updates flow live again, without maintenance passes.
            try await Self.waitUntil("both relays reconnected") { nodes.relayA?.isConnected == true && nodes.relayB.isConnected }
            _ = try await roomA.apply(try Self.addMarker("after-restart"), by: nodes.editor, origin: "rest")
            try await Self.waitUntil("a live update after the restart") { await Self.markers(of: roomB).contains("after-restart") }
            #expect(await roomB.replication.watermark.contiguous == 3)
        }
    }

    @Test("one automatic version and one time-based checkpoint per burst, by the node that wrote its last row")
    func oneNodePerBurst() async throws {
        try await Self.withNodes { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            for index in 0..<3 {
                _ = try await roomA.apply(try Self.addMarker("a\(index)"), by: nodes.editor, origin: "rest")
                _ = try await roomB.apply(try Self.addMarker("b\(index)"), by: nodes.owner, origin: "rest")
            }
            try await Self.waitUntil("both nodes at row 7") {
                let a = await roomA.replication.watermark.contiguous
                let b = await roomB.replication.watermark.contiguous
                return a == 7 && b == 7
            }
            #expect(await roomB.writesForTheBurst)
            #expect(await !roomA.writesForTheBurst)
            try await Task.sleep(for: .milliseconds(400))  // quiet: both would be due
            for _ in 0..<3 {
                await nodes.a.maintain()
                await nodes.b.maintain()
                try await Task.sleep(for: .milliseconds(100))
            }
            let versions = try await nodes.database.versions.list(projectID: nodes.project, limit: 10, offset: 0).items
            #expect(versions.filter { $0.kind == .auto }.count == 1, "one automatic version for the burst, not one per node")
            #expect(versions.first?.seq == 7)
            #expect(try await nodes.database.documents.latestCheckpoint(projectID: nodes.project)?.seq == 7)
            #expect(await roomA.checkpointSeq == 7, "node A learned of node B's checkpoint")
        }
    }

    @Test("concurrent appends from two nodes to one project are all numbered, none lost")
    func concurrentAppends() async throws {
        try await Self.withNodes { nodes in
            let roomA = try await nodes.a.room(for: nodes.project)
            let roomB = try await nodes.b.room(for: nodes.project)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    let room = index.isMultiple(of: 2) ? roomA : roomB
                    group.addTask { _ = try await room.apply(try Self.addMarker("m\(index)"), by: nodes.editor, origin: "rest") }
                }
                try await group.waitForAll()
            }
            let rows = try await nodes.database.documents.updates(projectID: nodes.project, after: 0)
            #expect(rows.map(\.seq) == Array(1...41))
            let expected = Set((0..<40).map { "m\($0)" })
            try await Self.waitUntil("both nodes have every marker") {
                let onA = await Self.markers(of: roomA)
                let onB = await Self.markers(of: roomB)
                return onA == expected && onB == expected
            }
            #expect(await roomA.replication.watermark.contiguous == 41)
            #expect(await roomB.replication.watermark.contiguous == 41)
        }
    }

    @Test("relayed messages that do not decode are dropped")
    func malformedRelayMessages() async throws {
        let message = RelayMessage(node: UUID(), projectID: UUID(), body: .update(seq: 7, author: RelayAuthor(userID: UUID(), name: "Ann"), payload: [0, 0]))
        #expect(try RelayMessage.decode(message.encode(), maximumPayload: 100) == message)
        for body in [RelayMessage.Body.awareness([1, 2, 3]), .disconnect(userID: UUID(), reason: "role changed"), .checkpoint(seq: 9, bytes: 1000)] {
            let other = RelayMessage(node: UUID(), projectID: UUID(), body: body)
            #expect(try RelayMessage.decode(other.encode(), maximumPayload: 100) == other)
        }
        let encoded = message.encode()
        #expect(throws: RelayMessageError.self) { try RelayMessage.decode([], maximumPayload: 100) }
        #expect(throws: RelayMessageError.self) { try RelayMessage.decode([9] + encoded.dropFirst(), maximumPayload: 100) }
        #expect(throws: RelayMessageError.self) { try RelayMessage.decode(Array(encoded.dropLast()), maximumPayload: 100) }
        #expect(throws: RelayMessageError.self) { try RelayMessage.decode(encoded + [0], maximumPayload: 100) }
        #expect(throws: RelayMessageError.self) { try RelayMessage.decode(encoded, maximumPayload: 1) }

        // Through a node: garbage on the project's channel changes nothing and the room goes on.
        try await Self.withNodes { nodes in
            let roomB = try await nodes.b.room(for: nodes.project)
            let before = await Self.markers(of: roomB)
            let publisher = try await RedisConnection.connect(try RedisConfiguration(url: nodes.redis.url))
            var bogus = RelayMessage(node: UUID(), projectID: nodes.project, body: .update(seq: 2, author: nil, payload: [0xff, 0xff, 0xff])).encode()
            _ = try await publisher.publish([(RedisRoomRelay.channel(nodes.project), [1, 2, 3]), (RedisRoomRelay.channel(nodes.project), bogus)])
            bogus[0] = 0
            try await Task.sleep(for: .milliseconds(300))
            #expect(await Self.markers(of: roomB) == before)
            #expect(await !roomB.replication.watermark.contains(2), "an update that does not apply is not counted as applied")
            await publisher.close()
            let roomA = try await nodes.a.room(for: nodes.project)
            _ = try await roomA.apply(try Self.addMarker("after-garbage"), by: nodes.editor, origin: "rest")
            try await Self.waitUntil("the next update") { await Self.markers(of: roomB).contains("after-garbage") }
        }
    }

    @Test("watermark: contiguous rows, gaps and who writes for a burst")
    func watermark() {
        var mark = LogWatermark(loadedThrough: 5)
        #expect(!mark.hasGap && mark.contiguous == 5)
        let start = ContinuousClock.now
        mark.applied(7, own: true, now: start)
        #expect(mark.contiguous == 5 && mark.hasGap && mark.contains(7) && !mark.contains(6))
        #expect(!mark.gapIsStale(now: start + .milliseconds(100), grace: .seconds(1)))
        #expect(mark.gapIsStale(now: start + .seconds(1), grace: .seconds(1)))
        #expect(!mark.wroteLastKnownRow)
        mark.applied(6)
        #expect(mark.contiguous == 7 && !mark.hasGap && mark.gapOpenSince == nil)
        #expect(mark.wroteLastKnownRow)
        mark.logHead(9)
        #expect(mark.hasGap && !mark.wroteLastKnownRow)
        mark.applied(9)
        mark.applied(8)
        #expect(mark.contiguous == 9 && !mark.hasGap)
        #expect(!mark.wroteLastKnownRow, "row 9 came from another node")
    }
}
