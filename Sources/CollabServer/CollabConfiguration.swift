import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// Tunables of the collaboration server; the defaults suit one node with a few hundred rooms.
public struct CollabConfiguration: Sendable {
    /// Write a checkpoint after this many updates since the last one.
    public var checkpointEveryUpdates: Int = 500
    /// …or when this many seconds passed since the last one and something changed.
    public var checkpointEverySeconds: Double = 60
    /// Take an automatic version once a burst of activity has been quiet this long (seconds).
    public var autoVersionQuietSeconds: Double = 30
    /// Unload a room this many seconds after its last connection left (once everything is durable).
    public var unloadAfterSeconds: Double = 30
    /// Frames queued for a connection whose socket is full before it is disconnected (it resyncs on
    /// reconnect).
    public var outboxLimit: Int = 4096
    /// The largest WebSocket message accepted, in bytes.
    public var maximumMessageSize: Int = 16 << 20
    /// Most connections open on one project (code 4429 beyond).
    public var maximumConnectionsPerProject: Int = 1000
    /// Most connections one user may hold on one project (code 4429 beyond).
    public var maximumConnectionsPerUser: Int = 20
    /// Messages a connection may send per second on average, with bursts up to `messageBurst` (1008 beyond).
    public var messagesPerSecond: Double = 200
    public var messageBurst: Double = 1000
    /// Largest document, counted as the bytes of its state and the updates since (code 1009 beyond).
    public var maximumDocumentBytes: Int = 64 << 20
    /// How often an idle WebSocket client is pinged (seconds); one that has not answered the previous ping
    /// is closed with 1001 "Ping timeout".
    public var pingIntervalSeconds: Double = 30
    /// Awareness states not renewed for this long are dropped (seconds; y-protocols' 30 s). This covers the
    /// states of another node's clients when that node goes away.
    public var awarenessTimeoutSeconds: Double = 30
    /// How often the maintenance loop runs (seconds).
    public var maintenanceInterval: Double = 1
    /// Several nodes: how long a gap in the log rows a room has applied may stay open before the room reads
    /// the missing rows from the log (seconds; a relayed message may just be late).
    public var relayGapGraceSeconds: Double = 1
    /// Several nodes: how often the registry compares its rooms with the heads of their logs, to find rows
    /// whose relayed message was lost with nothing after it (seconds).
    public var relayLogPollSeconds: Double = 5

    public init() {}
}
