import CRDT
import Foundation
import Logging
import Storage
import Timeline

extension Room {
    /// A live connection left: tell the others.
    func liveDisconnected(_ connection: RoomConnection) {}

    /// The document changed through a Yjs client or a server-side edit: tell live connections.
    func liveDocumentChanged(by author: Participant, operations: [EditOperation] = [], seq: Int64? = nil) {}

    /// Awareness changed through a Yjs client: live connections see cursors and selections.
    func liveAwarenessChanged(_ changes: Awareness.Changes, from connection: RoomConnection) {}
}
