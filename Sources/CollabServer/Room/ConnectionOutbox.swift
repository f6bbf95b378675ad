/// Where a room sends one connection's messages.
///
/// The room calls it from its own executor and must never wait on a client: an outbox queues and writes
/// asynchronously, in the order it was given. A close message is the last one written.
public protocol ConnectionOutbox: Sendable {
    /// Queues `message`; false when the connection is too far behind to take more (the room then closes
    /// it, and its client resyncs when it reconnects).
    func send(_ message: OutboundMessage) -> Bool

    /// No more messages follow (those queued are still written).
    func finish()
}
