import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// One client connected to a room.
public struct RoomConnection: Sendable {
    /// Which protocol the connection speaks.
    public enum Kind: Sendable, Equatable {
        /// y-websocket (binary frames).
        case sync
        /// EditBay's JSON events.
        case live
    }

    public let id: ConnectionID
    public let participant: Participant
    public let kind: Kind
    public let wantsAcks: Bool
    let outbox: AsyncStream<OutboundMessage>.Continuation
    /// Live protocol: the cursor and selection this connection last reported.
    var cursor: LiveCursor?
    var selection: [String] = []
    /// Live protocol: the awareness client id the server speaks for on behalf of this connection.
    var liveAwarenessClient: UInt64?
    /// Live protocol: this user's own undoable edits on this connection.
    var undoStack: [UndoStep] = []
    var redoStack: [UndoStep] = []

    init(id: ConnectionID, participant: Participant, kind: Kind, wantsAcks: Bool, outbox: AsyncStream<OutboundMessage>.Continuation) {
        self.id = id
        self.participant = participant
        self.kind = kind
        self.wantsAcks = wantsAcks
        self.outbox = outbox
    }
}

/// A live-protocol cursor: a time on the timeline and optionally a track.
public struct LiveCursor: Sendable, Equatable, Codable {
    public var time: Int64
    public var track: String?
}

/// The dependencies every room shares.
struct RoomDependencies: Sendable {
    let database: Database
    let committer: GroupCommitter
    let configuration: CollabConfiguration
    let logger: Logger
}
