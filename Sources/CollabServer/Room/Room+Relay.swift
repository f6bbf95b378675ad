import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// Several nodes: what a room tells the rooms of the same project on other nodes, and what it takes from
/// them. The update log stays the truth; relayed messages are a fast path that may be lost, and the room
/// reads whatever it misses from the log (see ``LogWatermark``).
extension Room {
    // MARK: - Outgoing

    /// An update this node appended is durable at `seq`: it is applied (it advances the watermark) and the
    /// other nodes get it.
    func didAppend(_ update: [UInt8], seq: Int64, author: Participant?) {
        replication.watermark.applied(seq, own: true)
        // Alone, nothing more; an update over the message limit the others read from the log.
        guard dependencies.relay != nil, update.count <= dependencies.configuration.maximumMessageSize else { return }
        let relayedAuthor = author.flatMap { $0.isServer ? nil : RelayAuthor(userID: $0.userID, name: $0.name) }
        publishRelay(.update(seq: seq, author: relayedAuthor, payload: update))
    }

    /// A checkpoint was stored at `seq`: the other nodes need not write one for the same rows.
    func didWriteCheckpoint(seq: Int64, bytes: Int) {
        publishRelay(.checkpoint(seq: seq, bytes: bytes))
    }

    /// Relays the entries of this node's clients in `update` (never this node's own entry, which carries its
    /// job progress and exists on every node, nor entries that came from other nodes).
    func relayAwareness(_ update: AwarenessUpdate) {
        guard dependencies.relay != nil else { return }
        let local = update.entries.filter { entry in
            guard entry.clientID != awareness.clientID else { return false }
            if awarenessOwners[entry.clientID] != nil {
                // A client of this node (perhaps one that moved here from another node, with the same id).
                replication.remoteAwareness.remove(entry.clientID)
                return true
            }
            guard !replication.remoteAwareness.contains(entry.clientID) else {
                if entry.state == nil { replication.remoteAwareness.remove(entry.clientID) }
                return false
            }
            return true
        }
        guard !local.isEmpty else { return }
        publishRelay(.awareness(AwarenessUpdate(entries: local).encode()))
    }

    private func publishRelay(_ body: RelayMessage.Body) {
        guard let relay = dependencies.relay else { return }
        relay.publish(RelayMessage(node: dependencies.nodeID, projectID: projectID, body: body).encode(), projectID: projectID)
    }

    // MARK: - Incoming

    /// Applies a message from another node.
    func receiveRelayed(_ message: RelayMessage) {
        switch message.body {
        case .update(let seq, let author, let payload):
            applyDurable(payload, seq: seq, author: author.map { Participant(userID: $0.userID, name: $0.name, role: .editor) }, fromLog: false)
        case .awareness(let payload):
            applyRemoteAwareness(payload)
        case .disconnect(let userID, let reason):
            disconnect(userID: userID, reason: reason)
        case .checkpoint(let seq, let bytes):
            guard seq > checkpointSeq else { return }
            checkpointSeq = seq
            lastCheckpointAt = ContinuousClock.now
            documentBytes = max(bytes, 0)
        }
    }

    /// Applies a row of the log (relayed, or read from the log) that this room has not applied yet, and
    /// gives what it changed to this node's connections. It is durable already: nothing is appended.
    private func applyDurable(_ payload: [UInt8], seq: Int64, author: Participant?, fromLog: Bool) {
        guard !replication.watermark.contains(seq) else { return }
        _ = capture.take()
        do {
            try project.doc.applyUpdate(payload, origin: AnyHashable("relay"))
        } catch {
            // A relayed copy is dropped (the row is read from the log later); a bad row of the log itself is
            // skipped (counted as applied), or the room would read it again and again.
            guard fromLog else {
                logger.warning("dropping a relayed update that does not apply", metadata: ["seq": "\(seq)", "error": "\(error)"])
                return
            }
            logger.error("a row of the log does not apply; skipping it", metadata: ["seq": "\(seq)", "error": "\(error)"])
        }
        replication.watermark.applied(seq)
        lastSeq = max(lastSeq, seq)
        documentBytes += payload.count
        lastChangeAt = ContinuousClock.now
        guard let emitted = capture.take() else { return }
        broadcast(.binary(ProtocolMessage.sync(.update(emitted)).encode()), kind: .sync, except: nil)
        liveDocumentChanged(by: author, seq: seq)
    }

    /// Applies the awareness entries of another node's clients. Entries of this node's clients and its own
    /// entry are left alone; the others time out like any remote state (30 s) if their node goes away.
    private func applyRemoteAwareness(_ payload: [UInt8]) {
        let update: AwarenessUpdate
        do {
            update = try AwarenessUpdate.decode(payload)
        } catch {
            logger.warning("dropping a relayed awareness update that does not decode", metadata: ["error": "\(error)"])
            return
        }
        let entries = update.entries.filter { $0.clientID != awareness.clientID && awarenessOwners[$0.clientID] == nil }
        guard !entries.isEmpty else { return }
        var leaving: [UInt64: YAny] = [:]
        for entry in entries where entry.state == nil {
            if let user = awareness.states[entry.clientID]?.objectValue?["user"] { leaving[entry.clientID] = user }
        }
        let changes = awareness.apply(AwarenessUpdate(entries: entries), now: Room.nowMillis())
        guard !changes.isEmpty else { return }
        replication.remoteAwareness.formUnion(changes.added + changes.updated)
        replication.remoteAwareness.subtract(changes.removed)
        let encoded = awareness.encodeUpdate(clients: changes.all)
        broadcast(.binary(ProtocolMessage.awareness(encoded).encode()), kind: .sync, except: nil)
        liveAwarenessUpdated(changes)
        for client in changes.removed {
            if let user = leaving[client] { broadcastLive(["type": "user-left", "user": Self.json(user)], except: nil) }
        }
    }

    // MARK: - Catching up from the log

    /// The log's head is at `seq` (polled by the registry): rows this room has not seen exist.
    func noteLogHead(_ seq: Int64) {
        replication.watermark.logHead(seq)
    }

    /// Messages may have been lost (the relay reconnected): check the log at the next maintenance pass.
    func requestCatchUp() {
        replication.catchUpRequested = true
    }

    /// Reads the rows this room misses from the log, when a gap has stayed open for the grace period or a
    /// check was requested, and applies them (a lost relay message costs latency, never data).
    func catchUpIfBehind(now: ContinuousClock.Instant) async {
        let grace = Duration.milliseconds(Int(dependencies.configuration.relayGapGraceSeconds * 1000))
        guard replication.catchUpRequested || replication.watermark.gapIsStale(now: now, grace: grace) else { return }
        replication.catchUpRequested = false
        let page = 500
        var after = replication.watermark.contiguous
        do {
            while true {
                let rows = try await dependencies.database.documents.updates(projectID: projectID, after: after, limit: page)
                for row in rows { applyDurable(row.payload, seq: row.seq, author: nil, fromLog: true) }
                guard rows.count == page, let last = rows.last else { break }
                after = last.seq
            }
        } catch {
            logger.warning("could not read missing rows from the log; will retry", metadata: ["error": "\(String(reflecting: error))"])
            replication.catchUpRequested = true
        }
    }

    /// The rule for work one node does per burst (time-based checkpoints, automatic versions): with a relay,
    /// the node that appended the last row it knows of, with nothing missing below it; alone, always.
    var writesForTheBurst: Bool {
        dependencies.relay == nil || replication.watermark.wroteLastKnownRow
    }
}
