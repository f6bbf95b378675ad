import CRDT
import Foundation
import Logging
import Metrics
import Storage
import Timeline

/// One project's live document, shared by every connection to it on this node.
///
/// The room owns the CRDT document and the server's view of awareness. Every change, whoever sends it
/// (a Yjs client, a JSON client, a REST call, a job), is applied here, appended to the update log and
/// only then relayed to the other connections: the same encoded frame is given to every outbox.
///
/// Connections never block the room: each has a ``ConnectionOutbox`` that queues and writes on its own; a
/// connection too far behind is closed (its client resyncs when it reconnects).
public actor Room {
    public let projectID: UUID
    let project: ProjectDocument
    let dependencies: RoomDependencies
    var logger: Logger

    var connections: [ConnectionID: RoomConnection] = [:]
    private var nextConnection: UInt64 = 1
    /// The server's merged awareness of every client connected here.
    var awareness: Awareness
    /// Which connection owns which awareness client ids (a client may only speak for its own).
    var awarenessOwners: [UInt64: ConnectionID] = [:]

    /// Approximate document size: the state it loaded with plus every update since.
    var documentBytes = 0
    /// Last durable position in the log (this node's appends and rows applied from other nodes).
    public internal(set) var lastSeq: Int64
    var checkpointSeq: Int64
    var lastCheckpointAt = ContinuousClock.now
    var lastChangeAt: ContinuousClock.Instant?
    var lastAutoVersionSeq: Int64
    var emptySince: ContinuousClock.Instant? = ContinuousClock.now
    /// Updates applied in memory whose append has not returned yet.
    var inFlight = 0
    private var durableWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set when the log could not be written: the room must be dropped and reloaded.
    public private(set) var isBroken = false
    /// The update the last transaction emitted (captured by the document observer).
    let capture = UpdateCapture()
    /// The timeline state live clients last saw (for the readable changes in `edit-applied`).
    var liveState: TimelineState?
    /// The entities the last change touched (for undo).
    var lastTouched: [(String, String)] = []
    /// Which log rows the document holds, and other nodes' awareness entries (``Room+Relay``).
    var replication: RoomReplication

    init(projectID: UUID, project: ProjectDocument, lastSeq: Int64, checkpointSeq: Int64, dependencies: RoomDependencies) {
        self.projectID = projectID
        self.project = project
        self.lastSeq = lastSeq
        self.checkpointSeq = checkpointSeq
        self.lastAutoVersionSeq = lastSeq
        self.replication = RoomReplication(loadedThrough: lastSeq)
        self.dependencies = dependencies
        var logger = dependencies.logger
        logger[metadataKey: "project"] = .string(projectID.uuidString.lowercased())
        self.logger = logger
        self.awareness = Awareness(
            clientID: project.doc.clientID, now: Room.nowMillis(), outdatedTimeout: UInt64(dependencies.configuration.awarenessTimeoutSeconds * 1000)
        )
        self.documentBytes = project.doc.encodeStateAsUpdate().count
        let capture = self.capture
        _ = project.doc.onUpdate { update, _ in capture.last = update }
    }

    static let connectionsGauge = Meter(label: "editbay_ws_connections")
    static let rejectedUpdates = Counter(label: "editbay_updates_refused_total")

    // MARK: - Connections

    /// Registers a connection and queues the opening messages of its protocol. Over the per-project or
    /// per-user limit, the connection is closed at once with code 4429 and a reason.
    public func connect(_ participant: Participant, kind: RoomConnection.Kind, wantsAcks: Bool = false,
                        outbox: any ConnectionOutbox) async -> ConnectionID {
        let id = ConnectionID(value: nextConnection)
        nextConnection += 1
        let limits = dependencies.configuration
        let mine = connections.values.filter { $0.participant.userID == participant.userID }.count
        if connections.count >= limits.maximumConnectionsPerProject || mine >= limits.maximumConnectionsPerUser {
            let reason = connections.count >= limits.maximumConnectionsPerProject
                ? "TOO_MANY_CONNECTIONS: this project has \(limits.maximumConnectionsPerProject) connections"
                : "TOO_MANY_CONNECTIONS: at most \(limits.maximumConnectionsPerUser) connections per user and project"
            _ = outbox.send(.close(code: 4429, reason: reason))
            outbox.finish()
            return id
        }
        connections[id] = RoomConnection(
            id: id, participant: participant, kind: kind, wantsAcks: wantsAcks, outbox: outbox,
            rate: MessageRate(perSecond: limits.messagesPerSecond, burst: limits.messageBurst)
        )
        emptySince = nil
        Self.connectionsGauge.increment()
        logger.debug("connection joined", metadata: ["connection": "\(id)", "user": "\(participant.userID)"])
        // A new client must never receive state that is not durable yet.
        await waitUntilDurable()
        guard connections[id] != nil else { return id }
        switch kind {
        case .sync:
            send(.binary(ProtocolMessage.sync(.step1(stateVector: project.doc.stateVector.encoded)).encode()), to: id)
            let states = awareness.encodeAllStates()
            if !states.entries.isEmpty { send(.binary(ProtocolMessage.awareness(states).encode()), to: id) }
        case .live:
            break
        }
        return id
    }

    /// Removes a connection and the awareness states it owned.
    public func disconnect(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        Self.connectionsGauge.decrement()
        connection.outbox.finish()
        let owned = awarenessOwners.filter { $0.value == id }.map(\.key)
        for client in owned { awarenessOwners[client] = nil }
        let changes = awareness.removeStates(owned, now: Room.nowMillis())
        if !changes.removed.isEmpty { broadcastAwareness(changes.removed, except: nil) }
        liveDisconnected(connection, hadPresence: !changes.removed.isEmpty)
        if connections.isEmpty { emptySince = ContinuousClock.now }
        logger.debug("connection left", metadata: ["connection": "\(id)"])
    }

    /// Closes every connection of `userID` (their membership was removed or their role changed).
    public func disconnect(userID: UUID, reason: String) {
        for (id, connection) in connections where connection.participant.userID == userID {
            _ = connection.outbox.send(.close(code: 4403, reason: reason))
            disconnect(id)
        }
    }

    /// Closes every connection (the room is being dropped).
    func closeAll(code: UInt16, reason: String) {
        for (id, connection) in connections {
            _ = connection.outbox.send(.close(code: code, reason: reason))
            disconnect(id)
        }
    }

    func send(_ message: OutboundMessage, to id: ConnectionID, shared: BroadcastEncoding? = nil) {
        guard let connection = connections[id] else { return }
        let accepted = shared.map { connection.outbox.send(message, shared: $0) } ?? connection.outbox.send(message)
        if !accepted {
            logger.notice("closing a connection that cannot keep up", metadata: ["connection": "\(id)"])
            _ = connection.outbox.send(.close(code: 1008, reason: "too slow: reconnect to resync"))
            disconnect(id)
        }
    }

    /// Sends `message` to every connection of `kind` but `except`.
    func broadcast(_ message: OutboundMessage, kind: RoomConnection.Kind, except: ConnectionID?) {
        let shared = BroadcastEncoding()
        for (id, connection) in connections where id != except && connection.kind == kind {
            send(message, to: id, shared: shared)
        }
    }

    // MARK: - Durability

    /// Appends the update a transaction emitted, then relays it. The caller has applied it already.
    /// - Returns: the update's log position.
    @discardableResult
    func persistAndRelay(_ update: [UInt8], author: Participant?, clientID: UInt64?, origin: String, from source: ConnectionID?) async throws -> Int64 {
        inFlight += 1
        defer {
            inFlight -= 1
            if inFlight == 0 {
                let waiters = durableWaiters
                durableWaiters = []
                for waiter in waiters { waiter.resume() }
            }
        }
        let seq: Int64
        do {
            seq = try await dependencies.committer.append(
                .init(projectID: projectID, payload: update, authorID: author.flatMap { $0.isServer ? nil : $0.userID }, clientID: clientID, origin: origin)
            )
        } catch {
            logger.error("could not append to the update log; dropping the room", metadata: ["error": "\(String(reflecting: error))"])
            isBroken = true
            closeAll(code: 1011, reason: CollabError.roomUnavailable.message)
            throw CollabError.roomUnavailable
        }
        lastSeq = max(lastSeq, seq)
        didAppend(update, seq: seq, author: author)
        documentBytes += update.count
        lastChangeAt = ContinuousClock.now
        broadcast(.binary(ProtocolMessage.sync(.update(update)).encode()), kind: .sync, except: source)
        if let source, let connection = connections[source], connection.wantsAcks {
            send(.binary(DurableAck(seq: seq).encode()), to: source)
        }
        if lastSeq - checkpointSeq >= Int64(dependencies.configuration.checkpointEveryUpdates) {
            await writeCheckpoint()
        }
        return seq
    }

    /// Returns once every update applied so far is in the log.
    func waitUntilDurable() async {
        guard inFlight > 0 else { return }
        await withCheckedContinuation { durableWaiters.append($0) }
    }

    /// Stores the merged state at the last position up to which every row of the log is applied (with
    /// several nodes that can be below `lastSeq`: see ``LogWatermark``).
    func writeCheckpoint() async {
        let seq = replication.watermark.contiguous
        guard seq > checkpointSeq else { return }
        let state = project.doc.encodeStateAsUpdate()
        do {
            try await dependencies.database.documents.writeCheckpoint(
                projectID: projectID, seq: seq, state: state, stateVector: project.doc.stateVector.encoded
            )
            checkpointSeq = max(checkpointSeq, seq)
            documentBytes = state.count
            lastCheckpointAt = ContinuousClock.now
            didWriteCheckpoint(seq: seq, bytes: state.count)
            logger.debug("checkpoint written", metadata: ["seq": "\(seq)", "bytes": "\(state.count)"])
        } catch {
            logger.error("could not write a checkpoint", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    static func nowMillis() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }
}

/// Holds the update the document's observer saw last (the room reads it right after each transaction).
final class UpdateCapture {
    var last: [UInt8]?

    func take() -> [UInt8]? {
        defer { last = nil }
        return last
    }
}

/// The EditBay extension message a client that connected with `?ack=1` receives once its update is
/// durable: message type 100, then the update's log position as a varUint.
public struct DurableAck: Sendable, Equatable {
    public static let messageType: UInt64 = 100
    public let seq: Int64

    public func encode() -> [UInt8] {
        var encoder = Lib0Encoder(capacity: 12)
        encoder.writeVarUInt(Self.messageType)
        encoder.writeVarUInt(UInt64(max(0, seq)))
        return encoder.bytes
    }
}
