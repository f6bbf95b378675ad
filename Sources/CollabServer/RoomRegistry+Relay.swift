import CRDT
import Foundation
import Logging
import Storage

/// Several nodes: the registry joins the relay for each room it loads, routes what other nodes send to the
/// room of the project (or keeps it for a room being loaded), asks rooms to check the log after the relay
/// reconnected, and polls the heads of the loaded rooms' logs for rows whose message was lost.
extension RoomRegistry {
    /// Delivers the relay's events until it finishes or this task is cancelled.
    func receive(from relay: any RoomRelay) async {
        for await event in relay.events {
            switch event {
            case .resync:
                for room in rooms.values { await room.requestCatchUp() }
            case .message(let projectID, let payload):
                await deliver(payload, projectID: projectID)
            }
        }
    }

    /// Decodes and routes one relayed message; one that does not decode is logged and dropped.
    func deliver(_ payload: [UInt8], projectID: UUID) async {
        let message: RelayMessage
        do {
            message = try RelayMessage.decode(payload, maximumPayload: dependencies.configuration.maximumMessageSize)
        } catch {
            dependencies.logger.warning("dropping a relayed message that does not decode", metadata: ["project": "\(projectID)", "error": "\(error)"])
            return
        }
        guard message.node != dependencies.nodeID else { return }  // our own, back from the relay
        guard message.projectID == projectID else {
            dependencies.logger.warning("dropping a relayed message for another project than its channel's", metadata: ["project": "\(projectID)"])
            return
        }
        if let room = rooms[projectID] {
            await room.receiveRelayed(message)
        } else if relayBacklog[projectID] != nil, relayBacklog[projectID]!.count < Self.backlogLimit {
            relayBacklog[projectID]!.append(message)  // the room is loading; beyond the limit, the log fills in
        }
    }

    static var backlogLimit: Int { 10_000 }

    /// Hands a freshly loaded room what arrived while it loaded.
    func deliverBacklog(to room: Room) async {
        while let backlog = relayBacklog.removeValue(forKey: room.projectID) {
            for message in backlog { await room.receiveRelayed(message) }
        }
    }

    func joinRelay(_ projectID: UUID) async {
        guard let relay = dependencies.relay else { return }
        relayBacklog[projectID] = relayBacklog[projectID] ?? []
        await relay.join(projectID)
    }

    func leaveRelay(_ projectID: UUID) {
        guard let relay = dependencies.relay else { return }
        if rooms[projectID] == nil { relayBacklog[projectID] = nil }
        relay.leave(projectID)
    }

    func publishRelay(_ body: RelayMessage.Body, projectID: UUID) {
        guard let relay = dependencies.relay else { return }
        relay.publish(RelayMessage(node: dependencies.nodeID, projectID: projectID, body: body).encode(), projectID: projectID)
    }

    /// Every `relayLogPollSeconds`, tells each loaded room where its log ends: a room behind reads the rest
    /// (the last message of a burst may have been lost with nothing after it to reveal the gap).
    func pollLogHeads() async {
        guard dependencies.relay != nil, !rooms.isEmpty else { return }
        let now = ContinuousClock.now
        guard now - lastLogHeadPoll >= .milliseconds(Int(dependencies.configuration.relayLogPollSeconds * 1000)) else { return }
        lastLogHeadPoll = now
        do {
            let heads = try await dependencies.database.documents.lastSeqs(projectIDs: Array(rooms.keys))
            for (projectID, head) in heads { await rooms[projectID]?.noteLogHead(head) }
        } catch {
            dependencies.logger.warning("could not read the heads of the rooms' logs", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
