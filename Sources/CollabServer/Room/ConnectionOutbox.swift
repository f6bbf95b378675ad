import Synchronization

/// Where a room sends one connection's messages.
///
/// The room calls it from its own executor and must never wait on a client: an outbox queues and writes
/// asynchronously, in the order it was given. A close message is the last one written.
public protocol ConnectionOutbox: Sendable {
    /// Queues `message`; false when the connection is too far behind to take more (the room then closes
    /// it, and its client resyncs when it reconnects).
    func send(_ message: OutboundMessage) -> Bool

    /// Queues one message of a broadcast: the room gives every connection it sends `message` to the same
    /// `shared` slot, so an outbox can encode the message for its transport once per broadcast instead of
    /// once per connection. Answers like ``send(_:)``.
    func send(_ message: OutboundMessage, shared: BroadcastEncoding) -> Bool

    /// No more messages follow (those queued are still written).
    func finish()
}

extension ConnectionOutbox {
    /// Outboxes that do not share encodings send a broadcast message like any other.
    public func send(_ message: OutboundMessage, shared: BroadcastEncoding) -> Bool {
        send(message)
    }
}

/// The transport encoding of one broadcast message, made by the first outbox that needs it and reused by the
/// others (they all run the same transport).
public final class BroadcastEncoding: Sendable {
    private let slot = Mutex<(any Sendable)?>(nil)

    public init() {}

    /// The encoding made by `encode`, on the first call only.
    public func value<Encoded: Sendable>(_ encode: () -> Encoded) -> Encoded {
        slot.withLock { slot in
            if let encoded = slot as? Encoded { return encoded }
            let encoded = encode()
            slot = encoded
            return encoded
        }
    }
}
