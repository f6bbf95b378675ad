import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// EditBay's JSON live protocol (`ws /api/projects/{id}/live`), documented in docs/live-protocol.md.
///
/// A live connection is also a participant in awareness: the server speaks for it under an awareness
/// client id of its own, so Yjs clients see JSON users' cursors and selections, and JSON clients get
/// `cursor-update` / `selection-update` events for Yjs users.
extension Room {
    /// Handles one text frame from a live connection.
    public func receiveLive(_ text: String, from id: ConnectionID) async {
        guard admit(id) else { return }
        guard let connection = connections[id] else { return }
        guard let data = text.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let type = object["type"] as? String
        else {
            sendLive(["type": "error", "code": "MALFORMED_MESSAGE", "message": "send a JSON object with a \"type\""], to: id)
            return
        }
        let requestID = object["id"].map { "\($0)" }
        if type != "join-project", connection.liveAwarenessClient == nil {
            sendLive(["type": "error", "code": "NOT_JOINED", "message": "send join-project first"], to: id)
            return
        }
        switch type {
        case "join-project":
            joinLive(id)
        case "leave-project":
            sendLive(["type": "left"], to: id)
            send(.close(code: 1000, reason: "left the project"), to: id)
            disconnect(id)
        case "cursor-move":
            guard let time = (object["time"] as? NSNumber)?.int64Value, time >= 0 else {
                sendLive(["type": "error", "code": "INVALID_FIELD", "message": "cursor-move needs a non-negative integer time (flicks)", "field": "time"], to: id)
                return
            }
            connections[id]?.cursor = LiveCursor(time: time, track: object["track"] as? String)
            publishLivePresence(id)
        case "selection-change":
            guard let clips = object["clips"] as? [String], clips.count <= 10_000 else {
                sendLive(["type": "error", "code": "INVALID_FIELD", "message": "selection-change needs clips: [clip ids]", "field": "clips"], to: id)
                return
            }
            connections[id]?.selection = clips
            publishLivePresence(id)
        case "edit-operation":
            await liveEdit(object["operations"], requestID: requestID, from: id)
        case "undo", "redo":
            await liveUndo(redo: type == "redo", requestID: requestID, from: id)
        default:
            sendLive(["type": "error", "code": "UNKNOWN_MESSAGE", "message": "unknown message type \(type)"], to: id)
        }
    }

    private func joinLive(_ id: ConnectionID) {
        guard var connection = connections[id] else { return }
        if connection.liveAwarenessClient == nil {
            if liveState == nil { liveState = project.state() }
            connection.liveAwarenessClient = UInt64.random(in: 1...(1 << 53 - 1))
            connections[id] = connection
            publishLivePresence(id)
        }
        var message: [String: Any] = [
            "type": "joined",
            "role": connection.participant.role.rawValue,
            "user": Self.userJSON(connection.participant),
            "seq": lastSeq,
            "members": presentMembers(),
        ]
        if let view = try? project.view(), let data = try? view.jsonData(), let json = try? JSONSerialization.jsonObject(with: data) {
            message["view"] = json
        }
        sendLive(message, to: id)
        broadcastLive(["type": "user-joined", "user": Self.userJSON(connection.participant)], except: id)
    }

    /// Publishes a live connection's cursor and selection in awareness (for Yjs clients) and as events.
    private func publishLivePresence(_ id: ConnectionID) {
        guard let connection = connections[id], let client = connection.liveAwarenessClient else { return }
        var state: YObject = [:]
        if let cursor = connection.cursor {
            state["cursor"] = .object(YObject([("time", .integer(cursor.time)), ("track", cursor.track.map { .string($0) } ?? .null)]))
        }
        state["selection"] = .array(connection.selection.map { .string($0) })
        let stampedState = stamped(.object(state), with: connection.participant)
        let clock = (awareness.meta[client]?.clock ?? 0) + 1
        awarenessOwners[client] = id
        let changes = awareness.apply(AwarenessUpdate(entries: [.init(clientID: client, clock: clock, state: stampedState)]), now: Room.nowMillis())
        broadcastAwareness(changes.all, except: nil)
        let user = Self.userJSON(connection.participant)
        if let cursor = connection.cursor {
            broadcastLive(["type": "cursor-update", "user": user, "cursor": ["time": cursor.time, "track": cursor.track as Any]], except: id)
        }
        broadcastLive(["type": "selection-update", "user": user, "clips": connection.selection], except: id)
    }

    private func liveEdit(_ rawOperations: Any?, requestID: String?, from id: ConnectionID) async {
        guard let connection = connections[id] else { return }
        let operations: [EditOperation]
        do {
            guard let rawOperations, JSONSerialization.isValidJSONObject(["operations": rawOperations]) else {
                throw TimelineError.missingField.with("operations")
            }
            operations = try EditOperation.decodeBatch(try JSONSerialization.data(withJSONObject: ["operations": rawOperations]))
            let before = project.doc.encodeStateAsUpdate()
            let applied = try await apply(operations, by: connection.participant, origin: "live", requestID: requestID, from: id)
            if applied.seq != nil {
                connections[id]?.recordUndo(before: before, after: project.doc.encodeStateAsUpdate(), touched: lastTouched)
            }
        } catch {
            sendLive(Self.rejection(error, requestID: requestID), to: id)
        }
    }

    private func liveUndo(redo: Bool, requestID: String?, from id: ConnectionID) async {
        guard var connection = connections[id] else { return }
        guard connection.participant.role.canEdit else {
            sendLive(Self.rejection(CollabError.readOnly(connection.participant.role.rawValue), requestID: requestID), to: id)
            return
        }
        guard let step = redo ? connection.redoStack.popLast() : connection.undoStack.popLast() else {
            sendLive(["type": "edit-rejected", "id": requestID as Any, "code": redo ? "NOTHING_TO_REDO" : "NOTHING_TO_UNDO",
                      "message": redo ? "nothing to redo" : "nothing to undo"], to: id)
            return
        }
        let target = YDoc()
        do {
            try target.applyUpdate(step.before)  // every step remembers the state to go back to
        } catch {
            return
        }
        let before = project.doc.encodeStateAsUpdate()
        _ = capture.take()
        project.doc.transact(origin: AnyHashable("undo")) {
            for (root, entityID) in step.touched {
                let current = project.doc.getMap(root)
                let wanted = target.getMap(root)
                if root == "meta" {
                    Self.replace(current, with: wanted)
                } else if case .map(let entry)? = wanted.get(entityID) {
                    if case .map(let existing)? = current.get(entityID) { Self.replace(existing, with: entry) } else { Self.replace(current.setMap(entityID), with: entry) }
                } else {
                    current.delete(entityID)
                }
            }
        }
        let after = project.doc.encodeStateAsUpdate()
        if redo { connection.undoStack.append(UndoStep(before: before, after: after, touched: step.touched)) } else {
            connection.redoStack.append(UndoStep(before: before, after: after, touched: step.touched))
        }
        connections[id]?.undoStack = connection.undoStack
        connections[id]?.redoStack = connection.redoStack
        guard let update = capture.take() else {
            sendLive(["type": "edit-applied", "id": requestID as Any, "user": Self.userJSON(connection.participant), "operations": [], "changes": []], to: id)
            return
        }
        do {
            let seq = try await persistAndRelay(update, author: connection.participant, clientID: project.doc.clientID, origin: redo ? "redo" : "undo", from: nil)
            liveDocumentChanged(by: connection.participant, seq: seq, requestID: requestID, requester: id)
        } catch {
            sendLive(Self.rejection(error, requestID: requestID), to: id)
        }
    }

    // MARK: - Events from elsewhere

    /// A live connection left: tell the others, and drop its awareness.
    func liveDisconnected(_ connection: RoomConnection, hadPresence: Bool) {
        guard hadPresence || connection.liveAwarenessClient != nil else { return }
        broadcastLive(["type": "user-left", "user": Self.userJSON(connection.participant)], except: connection.id)
    }

    /// The document changed: every live connection gets `edit-applied` with the readable changes.
    func liveDocumentChanged(
        by author: Participant?, operations: [EditOperation] = [], results: [OperationResult] = [], seq: Int64? = nil,
        requestID: String? = nil, requester: ConnectionID? = nil
    ) {
        // Reading the typed state costs a pass over the document: only with live clients to tell.
        guard connections.values.contains(where: { $0.kind == .live && $0.liveAwarenessClient != nil }) else {
            liveState = nil
            return
        }
        let newState = project.state()
        let previous = liveState ?? newState
        liveState = newState
        let diff = TimelineDiff(from: previous, to: newState)
        lastTouched = diff.changes.map { ($0.entity, $0.id) }
        let changes = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(diff.changes))) ?? []
        let encodedOperations = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(operations))) ?? []
        let encodedResults = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(results))) ?? []
        for (id, connection) in connections where connection.kind == .live && connection.liveAwarenessClient != nil {
            var message: [String: Any] = [
                "type": "edit-applied", "operations": encodedOperations, "results": encodedResults, "changes": changes,
                "seq": seq as Any,
            ]
            if let author { message["user"] = Self.userJSON(author) }
            if id == requester, let requestID { message["id"] = requestID }
            sendLive(message, to: id)
        }
    }

    /// Awareness changed through a Yjs client: live connections see its cursor and selection.
    func liveAwarenessChanged(_ changes: Awareness.Changes, from connection: RoomConnection) {
        liveAwarenessUpdated(changes)
        for _ in changes.removed {
            broadcastLive(["type": "user-left", "user": Self.userJSON(connection.participant)], except: nil)
        }
    }

    /// Added or updated awareness states (of this node's Yjs clients or another node's): live connections see
    /// their cursors and selections.
    func liveAwarenessUpdated(_ changes: Awareness.Changes) {
        for client in changes.added + changes.updated {
            guard let state = awareness.states[client]?.objectValue, let user = state["user"] else { continue }
            let userJSON = Self.json(user)
            if changes.added.contains(client) { broadcastLive(["type": "user-joined", "user": userJSON], except: nil) }
            if let cursor = state["cursor"] { broadcastLive(["type": "cursor-update", "user": userJSON, "cursor": Self.json(cursor)], except: nil) }
            if let selection = state["selection"] { broadcastLive(["type": "selection-update", "user": userJSON, "clips": Self.json(selection)], except: nil) }
        }
    }

    // MARK: - Helpers

    func sendLive(_ message: [String: Any], to id: ConnectionID) {
        guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys]) else { return }
        send(.text(String(decoding: data, as: UTF8.self)), to: id)
    }

    func broadcastLive(_ message: [String: Any], except: ConnectionID?) {
        guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys]) else { return }
        let text = String(decoding: data, as: UTF8.self)
        for (id, connection) in connections where id != except && connection.kind == .live && connection.liveAwarenessClient != nil {
            send(.text(text), to: id)
        }
    }

    /// Everyone present: live users and Yjs users with an awareness state.
    func presentMembers() -> [[String: Any]] {
        awareness.states.compactMap { client, state -> [String: Any]? in
            guard client != awareness.clientID, let object = state.objectValue, let user = object["user"] else { return nil }
            var member: [String: Any] = ["user": Self.json(user)]
            if let cursor = object["cursor"] { member["cursor"] = Self.json(cursor) }
            if let selection = object["selection"] { member["selection"] = Self.json(selection) }
            return member
        }
    }

    static func userJSON(_ participant: Participant) -> [String: Any] {
        ["id": participant.userID.uuidString.lowercased(), "name": participant.name, "color": participant.color]
    }

    static func json(_ value: YAny) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(value.jsonString.utf8), options: [.fragmentsAllowed])) ?? NSNull()
    }

    static func rejection(_ error: any Error, requestID: String?) -> [String: Any] {
        var message: [String: Any] = ["type": "edit-rejected", "id": requestID as Any]
        switch error {
        case let error as TimelineError:
            message["code"] = error.code
            message["message"] = error.message.isEmpty ? error.code : error.message
            if let field = error.field { message["field"] = field }
            if let index = error.operationIndex { message["operation"] = index }
        case let error as CollabError:
            message["code"] = error.code
            message["message"] = error.message
        default:
            message["code"] = "INTERNAL_ERROR"
            message["message"] = "the edit could not be applied"
        }
        return message
    }
}

/// One undoable step of a live connection: the whole document before and after, and the entities touched.
struct UndoStep: Sendable {
    let before: [UInt8]
    let after: [UInt8]
    let touched: [(String, String)]
}

extension RoomConnection {
    static let undoLimit = 50

    mutating func recordUndo(before: [UInt8], after: [UInt8], touched: [(String, String)]) {
        undoStack.append(UndoStep(before: before, after: after, touched: touched))
        if undoStack.count > Self.undoLimit { undoStack.removeFirst() }
        redoStack = []
    }
}
