import Foundation

/// A room's side of running on several nodes: which log rows its document holds, which awareness entries
/// belong to clients of other nodes, and whether it was asked to check the log.
struct RoomReplication: Sendable {
    var watermark: LogWatermark
    /// Awareness client ids applied from other nodes (never relayed back; they time out if their node dies).
    var remoteAwareness: Set<UInt64> = []
    /// Set when messages may have been lost (the relay reconnected, or the log's head is ahead).
    var catchUpRequested = false

    init(loadedThrough seq: Int64) {
        watermark = LogWatermark(loadedThrough: seq)
    }
}
