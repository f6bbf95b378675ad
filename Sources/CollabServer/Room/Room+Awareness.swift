import CRDT
import Foundation
import Logging
import Storage
import Timeline

extension Room {
    /// Applies a client's awareness update. A connection may only speak for awareness client ids it
    /// introduced itself, and the server overwrites the `user` field with the identity from the token,
    /// so nobody can appear as someone else.
    func receiveAwareness(_ update: AwarenessUpdate, from connection: RoomConnection) {
        var accepted: [AwarenessUpdate.Entry] = []
        for var entry in update.entries {
            if let owner = awarenessOwners[entry.clientID], owner != connection.id { continue }
            if entry.clientID == awareness.clientID { continue }
            if entry.state != nil {
                awarenessOwners[entry.clientID] = connection.id
                entry = AwarenessUpdate.Entry(clientID: entry.clientID, clock: entry.clock, state: stamped(entry.state, with: connection.participant))
            }
            accepted.append(entry)
        }
        guard !accepted.isEmpty else { return }
        let changes = awareness.apply(AwarenessUpdate(entries: accepted), now: Room.nowMillis())
        for removed in changes.removed { awarenessOwners[removed] = nil }
        if !changes.isEmpty { broadcastAwareness(changes.all, except: nil) }
        liveAwarenessChanged(changes, from: connection)
    }

    /// The state with `user` set from the token.
    func stamped(_ state: YAny?, with participant: Participant) -> YAny {
        var object = state?.objectValue ?? YObject()
        object["user"] = .object(YObject([
            ("id", .string(participant.userID.uuidString.lowercased())),
            ("name", .string(participant.name)),
            ("color", .string(participant.color)),
        ]))
        return .object(object)
    }

    /// Sends the current entries of `clients` to every sync connection.
    func broadcastAwareness(_ clients: [UInt64], except: ConnectionID?) {
        let update = awareness.encodeUpdate(clients: clients)
        guard !update.entries.isEmpty else { return }
        broadcast(.binary(ProtocolMessage.awareness(update).encode()), kind: .sync, except: except)
        relayAwareness(update)
    }

    /// Renews the awareness entries of JSON clients once they are half their timeout old, as a y-protocols
    /// client renews its own state: without it, Yjs clients (and this room) would drop a JSON user who kept
    /// still for the timeout.
    func renewLiveAwareness() {
        let now = Room.nowMillis()
        var renewed: [UInt64] = []
        for client in connections.values.compactMap(\.liveAwarenessClient) {
            guard let state = awareness.states[client], let meta = awareness.meta[client],
                now >= meta.lastUpdated + awareness.outdatedTimeout / 2
            else { continue }
            _ = awareness.apply(AwarenessUpdate(entries: [.init(clientID: client, clock: meta.clock + 1, state: state)]), now: now)
            renewed.append(client)
        }
        if !renewed.isEmpty { broadcastAwareness(renewed, except: nil) }
    }

    /// Drops awareness states not renewed for 30 seconds (y-protocols' timeout).
    /// The server's own entry (job progress) is renewed at half the timeout and sent to the clients, which
    /// would otherwise drop it.
    func expireAwareness() {
        let (renewed, removed) = awareness.checkTimeouts(now: Room.nowMillis())
        for client in removed.removed { awarenessOwners[client] = nil }
        let changed = renewed.all + removed.removed
        if !changed.isEmpty { broadcastAwareness(changed, except: nil) }
    }
}
