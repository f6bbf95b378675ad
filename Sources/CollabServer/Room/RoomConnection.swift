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
    let outbox: any ConnectionOutbox
    /// Live protocol: the cursor and selection this connection last reported.
    var cursor: LiveCursor?
    var selection: [String] = []
    /// Live protocol: the awareness client id the server speaks for on behalf of this connection.
    var liveAwarenessClient: UInt64?
    /// Live protocol: this user's own undoable edits on this connection.
    var undoStack: [UndoStep] = []
    var redoStack: [UndoStep] = []

    /// Messages this connection may still send now.
    var rate: MessageRate

    init(
        id: ConnectionID, participant: Participant, kind: Kind, wantsAcks: Bool, outbox: any ConnectionOutbox,
        rate: MessageRate
    ) {
        self.id = id
        self.rate = rate
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
    /// The other nodes' rooms (nil: this node is alone).
    let relay: (any RoomRelay)?
    /// This node, in relayed messages.
    let nodeID: UUID
}

/// A token bucket: `perSecond` messages on average, bursts of `burst`.
struct MessageRate: Sendable {
    let perSecond: Double
    let burst: Double
    private var tokens: Double
    private var last = ContinuousClock.now

    init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
        self.tokens = burst
    }

    /// Takes one token; false when the connection is over its rate.
    mutating func take(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
        last = now
        tokens = min(burst, tokens + elapsed * perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
