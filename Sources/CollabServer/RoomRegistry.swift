import CRDT
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Timeline

/// The rooms of this node: loads a project's document on first use, shares it between connections,
/// checkpoints it, takes automatic versions, and unloads it a while after the last connection left,
/// only once everything is durable.
///
/// It is a `Service`: its `run()` is the maintenance loop, and at shutdown it checkpoints every room.
///
/// With a ``RoomRelay`` (several nodes on one database), its rooms exchange updates, awareness and
/// membership changes with the rooms of the same projects on other nodes (``RoomRegistry+Relay``).
public actor RoomRegistry: Service {
    var rooms: [UUID: Room] = [:]
    private var loading: [UUID: [CheckedContinuation<Room, any Error>]] = [:]
    let dependencies: RoomDependencies
    /// Relayed messages for rooms being loaded, handed to them once loaded.
    var relayBacklog: [UUID: [RelayMessage]] = [:]
    var lastLogHeadPoll = ContinuousClock.now

    /// - Parameter relay: how rooms reach the other nodes' rooms; nil when this node is alone.
    public init(database: Database, configuration: CollabConfiguration = CollabConfiguration(), relay: (any RoomRelay)? = nil, logger: Logger) {
        self.dependencies = RoomDependencies(
            database: database,
            committer: GroupCommitter(database: database),
            configuration: configuration,
            logger: logger,
            relay: relay,
            nodeID: UUID()
        )
    }

    /// This node's id in relayed messages.
    public nonisolated var nodeID: UUID { dependencies.nodeID }

    /// The room of a project, loaded if needed. Concurrent callers share one load.
    public func room(for projectID: UUID) async throws -> Room {
        if let room = rooms[projectID], await !room.isBroken { return room }
        if rooms.removeValue(forKey: projectID) != nil { leaveRelay(projectID) }
        if loading[projectID] != nil {
            return try await withCheckedThrowingContinuation { loading[projectID, default: []].append($0) }
        }
        loading[projectID] = []
        do {
            let room = try await load(projectID)
            rooms[projectID] = room
            await deliverBacklog(to: room)
            for waiter in loading.removeValue(forKey: projectID) ?? [] { waiter.resume(returning: room) }
            return room
        } catch {
            for waiter in loading.removeValue(forKey: projectID) ?? [] { waiter.resume(throwing: error) }
            throw error
        }
    }

    /// The room of a project if it is loaded on this node (nothing is loaded).
    public func loadedRoom(for projectID: UUID) -> Room? {
        rooms[projectID]
    }

    /// The project's timeline as it is now: from its room when one is loaded here, otherwise from the
    /// stored checkpoint and log tail, without loading a room.
    public func currentView(of projectID: UUID) async throws -> TimelineView {
        if let room = rooms[projectID], await !room.isBroken { return try await room.view() }
        let stored = try await Self.storedDocument(projectID, database: dependencies.database)
        if stored.lastSeq == 0 { return try ProjectDocument.create(Self.meta(name: stored.name, settings: stored.settings)).view() }
        return try ProjectDocument(doc: stored.doc).view()
    }

    private struct StoredDocument {
        let name: String
        let settings: ProjectSettings
        let doc: YDoc
        let lastSeq: Int64
        let checkpointSeq: Int64
    }

    private static func storedDocument(_ projectID: UUID, database: Database) async throws -> StoredDocument {
        guard let (name, settings) = try await database.projects.settings(id: projectID) else { throw CollabError.projectNotFound }
        let checkpoint = try await database.documents.latestCheckpoint(projectID: projectID)
        let tail = try await database.documents.updates(projectID: projectID, after: checkpoint?.seq ?? 0)
        let doc = YDoc()
        if let checkpoint { try doc.applyUpdate(checkpoint.state) }
        for update in tail { try doc.applyUpdate(update.payload) }
        return StoredDocument(name: name, settings: settings, doc: doc, lastSeq: tail.last?.seq ?? checkpoint?.seq ?? 0, checkpointSeq: checkpoint?.seq ?? 0)
    }

    private func load(_ projectID: UUID) async throws -> Room {
        // Listen to the other nodes first, so nothing they publish while the state loads is missed.
        await joinRelay(projectID)
        do {
            return try await loadJoined(projectID)
        } catch {
            leaveRelay(projectID)
            throw error
        }
    }

    private func loadJoined(_ projectID: UUID) async throws -> Room {
        let stored = try await Self.storedDocument(projectID, database: dependencies.database)
        let (name, settings, doc, lastSeq, checkpointSeq) = (stored.name, stored.settings, stored.doc, stored.lastSeq, stored.checkpointSeq)
        let room = Room(
            projectID: projectID,
            project: ProjectDocument(doc: doc),
            lastSeq: lastSeq,
            checkpointSeq: checkpointSeq,
            dependencies: dependencies
        )
        if lastSeq == 0 {
            try await room.initialize(meta: Self.meta(name: name, settings: settings))
        }
        dependencies.logger.info(
            "room loaded",
            metadata: ["project": "\(projectID)", "checkpoint": "\(checkpointSeq)", "tail": "\(lastSeq - checkpointSeq)"]
        )
        return room
    }

    static func meta(name: String, settings: ProjectSettings) -> ProjectMeta {
        let rate = (try? FrameRate(Int64(settings.rate.num), Int64(settings.rate.den))) ?? .fps30
        return ProjectMeta(name: name, rate: rate, width: Int64(settings.width), height: Int64(settings.height), sampleRate: Int64(settings.sampleRate))
    }

    /// Runs maintenance every `maintenanceInterval` until shutdown, then checkpoints every room.
    public func run() async throws {
        let interval = Duration.milliseconds(Int(dependencies.configuration.maintenanceInterval * 1000))
        await withDiscardingTaskGroup { group in
            if let relay = dependencies.relay {
                group.addTask { await self.receive(from: relay) }
            }
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: interval)
                await maintain()
            }
            group.cancelAll()
        }
        await shutdown()
    }

    /// One maintenance pass over every room.
    public func maintain() async {
        await pollLogHeads()
        for (projectID, room) in rooms {
            if await room.maintain(now: ContinuousClock.now) {
                rooms[projectID] = nil
                leaveRelay(projectID)
                dependencies.logger.info("room unloaded", metadata: ["project": "\(projectID)"])
            }
        }
    }

    /// Checkpoints every room (the server is stopping).
    public func shutdown() async {
        for room in rooms.values { await room.closeForShutdown() }
        await dependencies.committer.close()
    }

    /// Disconnects a user's connections to a project (their membership changed), on every node.
    public func disconnect(userID: UUID, projectID: UUID, reason: String) async {
        publishRelay(.disconnect(userID: userID, reason: reason), projectID: projectID)
        await rooms[projectID]?.disconnect(userID: userID, reason: reason)
    }
}
