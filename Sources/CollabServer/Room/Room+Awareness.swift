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

    /// Drops awareness states not renewed for 30 seconds (y-protocols' timeout).
    func expireAwareness() {
        let (_, removed) = awareness.checkTimeouts(now: Room.nowMillis())
        guard !removed.removed.isEmpty else { return }
        for client in removed.removed { awarenessOwners[client] = nil }
        broadcastAwareness(removed.removed, except: nil)
    }
}
