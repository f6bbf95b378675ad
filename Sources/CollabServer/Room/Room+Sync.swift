import CRDT
import CoreMetrics
import Foundation
import Logging
import Storage
import Timeline

extension Room {
    /// Handles one binary frame from a y-websocket connection.
    ///
    /// Malformed frames close the connection (code 1007) without touching the document. Updates from
    /// viewers and commenters are refused with the y-protocols auth message "permission denied" and do
    /// not change the document.
    public func receive(_ frame: [UInt8], from id: ConnectionID) async {
        guard admit(id) else { return }
        guard let connection = connections[id] else { return }
        let messages: [ProtocolMessage]
        do {
            messages = try ProtocolMessage.decodeAll(frame)
        } catch {
            reject(id, reason: "malformed message: \(error)")
            return
        }
        for message in messages {
            guard connections[id] != nil else { return }
            switch message {
            case .sync(.step1(let encodedVector)):
                do {
                    let vector = try StateVector(encoded: encodedVector)
                    await waitUntilDurable()
                    send(.binary(ProtocolMessage.sync(.step2(update: project.doc.encodeStateAsUpdate(against: vector))).encode()), to: id)
                } catch {
                    reject(id, reason: "malformed state vector: \(error)")
                    return
                }
            case .sync(.step2(let update)), .sync(.update(let update)):
                await receiveUpdate(update, from: connection)
            case .awareness(let update):
                receiveAwareness(update, from: connection)
            case .queryAwareness:
                send(.binary(ProtocolMessage.awareness(awareness.encodeAllStates()).encode()), to: id)
            case .auth, .custom:
                break  // clients do not send auth; unknown types are ignored, as the reference server does
            }
        }
    }

    private func receiveUpdate(_ update: [UInt8], from connection: RoomConnection) async {
        if Self.isEmptyUpdate(update) { return }
        guard connection.participant.role.canEdit else {
            Self.rejectedUpdates.increment()
            send(.binary(ProtocolMessage.auth(.permissionDenied(reason: "permission denied")).encode()), to: connection.id)
            return
        }
        if documentBytes + update.count > dependencies.configuration.maximumDocumentBytes {
            send(.close(code: 1009, reason: "DOCUMENT_TOO_LARGE: the project is over \(dependencies.configuration.maximumDocumentBytes) bytes"), to: connection.id)
            disconnect(connection.id)
            return
        }
        _ = capture.take()
        do {
            try project.doc.applyUpdate(update, origin: AnyHashable(connection.id))
        } catch {
            reject(connection.id, reason: "malformed update: \(error)")
            return
        }
        guard let emitted = capture.take() else { return }  // nothing new (or only pending structs)
        do {
            try await persistAndRelay(emitted, author: connection.participant, clientID: nil, origin: "sync", from: connection.id)
        } catch {
            return
        }
        liveDocumentChanged(by: connection.participant)
    }

    /// Counts a message against the connection's rate; closes it (1008) when it is over.
    func admit(_ id: ConnectionID) -> Bool {
        guard connections[id] != nil else { return false }
        if connections[id]!.rate.take() { return true }
        logger.notice("closing a connection over its message rate", metadata: ["connection": "\(id)"])
        send(.close(code: 1008, reason: "RATE_LIMITED: more than \(Int(dependencies.configuration.messagesPerSecond)) messages per second"), to: id)
        disconnect(id)
        return false
    }

    /// Closes a connection that sent something that is not y-protocols.
    func reject(_ id: ConnectionID, reason: String) {
        logger.notice("rejecting a connection", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        send(.close(code: 1007, reason: String(reason.prefix(120))), to: id)
        disconnect(id)
    }

    /// `00 00`: no structs, no deletions (what a fresh client sends as its sync step 2).
    static func isEmptyUpdate(_ update: [UInt8]) -> Bool { update == [0, 0] }
}
