import CollabServer
import NIOCore
import NIOWebSocket
import Synchronization

/// A connection's outbox that writes WebSocket frames straight to its NIO channel.
///
/// The room hands a frame to the channel's ``LoopWriter``, which writes everything queued for its event loop
/// in one hop and flushes each channel once: no task per connection, and a broadcast to many clients costs
/// one wake-up per event loop rather than several thread hand-offs per client.
///
/// Back-pressure: a frame written while the socket is not writable (NIO's write buffer above its high-water
/// mark) counts towards `limit`; past it, ``send(_:)`` refuses and the room closes the connection. A writable
/// socket resets the count. A close frame is always queued, and the socket is closed a little later even if
/// the client never reads it (a stalled client's close frame waits behind everything it did not read).
///
/// A broadcast's message is encoded into one complete WebSocket frame (header and payload in one buffer) by
/// the first outbox of the broadcast, and every other outbox writes that same buffer, below NIO's frame
/// encoder: no copy, no header buffer and no encoder pass per connection.
final class ChannelOutbox: ConnectionOutbox {
    let channel: any Channel
    /// The context of the channel's `WebSocketFrameEncoder`: a buffer written there goes to the socket as is.
    let encoderContext: NIOLoopBound<ChannelHandlerContext>
    private let writer: LoopWriter
    private let limit: Int
    /// Frames written while the socket was full, in a row (updated on the event loop).
    private let backlog = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    private let sentClose = Atomic<Bool>(false)

    /// On the channel's event loop, once the upgrade has added NIO's frame encoder.
    init(channel: any Channel, writer: LoopWriter, limit: Int) throws {
        self.channel = channel
        self.encoderContext = NIOLoopBound(
            try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self), eventLoop: channel.eventLoop
        )
        self.writer = writer
        self.limit = limit
    }

    func send(_ message: OutboundMessage) -> Bool {
        if finished.load(ordering: .relaxed) { return true }
        switch message {
        case .binary, .text:
            if backlog.load(ordering: .relaxed) > limit { return false }
        case .close:
            break
        }
        switch message {
        case .binary(let bytes):
            writer.enqueue(self, .encoded(Self.frame(opcode: .binary, payload: bytes, allocator: channel.allocator)))
        case .text(let text):
            writer.enqueue(self, .encoded(Self.frame(opcode: .text, payload: text.utf8, allocator: channel.allocator)))
        case .close(let code, let reason):
            if sentClose.exchange(true, ordering: .relaxed) { return true }
            finished.store(true, ordering: .relaxed)
            var data = channel.allocator.buffer(capacity: 2 + 123)
            data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
            data.writeBytes(Self.closeReason(reason))
            writer.enqueue(self, .frame(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), closes: true)
        }
        return true
    }

    func send(_ message: OutboundMessage, shared: BroadcastEncoding) -> Bool {
        let opcode: WebSocketOpcode
        switch message {
        case .binary: opcode = .binary
        case .text: opcode = .text
        case .close: return send(message)
        }
        if finished.load(ordering: .relaxed) { return true }
        if backlog.load(ordering: .relaxed) > limit { return false }
        let allocator = channel.allocator
        let frame = shared.value {
            switch message {
            case .binary(let bytes): Self.frame(opcode: opcode, payload: bytes, allocator: allocator)
            case .text(let text): Self.frame(opcode: opcode, payload: text.utf8, allocator: allocator)
            case .close: allocator.buffer(capacity: 0)
            }
        }
        writer.enqueue(self, .encoded(frame))
        return true
    }

    /// A complete unmasked server frame with FIN set: the header (RFC 6455 §5.2), then the payload.
    static func frame(opcode: WebSocketOpcode, payload: some Collection<UInt8>, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = payload.count
        var buffer = allocator.buffer(capacity: length + 10)
        buffer.writeInteger(0x80 | UInt8(webSocketOpcode: opcode))
        if length < 126 {
            buffer.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeBytes(payload)
        return buffer
    }

    func finish() {
        finished.store(true, ordering: .relaxed)
    }

    /// Whether a close frame was queued (the client's close then only ends the connection).
    var closeSent: Bool { sentClose.load(ordering: .relaxed) }

    /// Called on the event loop before each write.
    func noteWritability(_ writable: Bool) {
        if writable {
            backlog.store(0, ordering: .relaxed)
        } else {
            backlog.add(1, ordering: .relaxed)
        }
    }

    /// A close frame's reason: at most 123 bytes of UTF-8, cut at a character boundary.
    static func closeReason(_ reason: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in reason {
            let utf8 = Array(String(character).utf8)
            guard bytes.count + utf8.count <= 123 else { break }
            bytes += utf8
        }
        return bytes
    }
}

/// Writes frames queued from any thread to the channels of one event loop.
///
/// The first frame queued while the loop has none pending schedules one drain on the loop; the drain writes
/// every frame queued by then, in order, and flushes each channel once.
final class LoopWriter: Sendable {
    /// What is written: a frame for NIO's encoder, or a frame encoded already.
    enum Outgoing: Sendable {
        case frame(WebSocketFrame)
        case encoded(ByteBuffer)
    }

    private struct Item: Sendable {
        let outbox: ChannelOutbox
        let outgoing: Outgoing
        let closes: Bool
    }

    let eventLoop: any EventLoop
    private let pending = Mutex<[Item]>([])
    /// Seconds a closed-by-us connection gets to answer the close frame before its socket is closed.
    private static let closeGrace: TimeAmount = .seconds(2)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ outbox: ChannelOutbox, _ outgoing: Outgoing, closes: Bool = false) {
        let first = pending.withLock { items in
            items.append(Item(outbox: outbox, outgoing: outgoing, closes: closes))
            return items.count == 1
        }
        if first { eventLoop.execute { self.drain() } }
    }

    private func drain() {
        var items: [Item] = []
        pending.withLock { swap(&$0, &items) }
        var written: [ObjectIdentifier: any Channel] = [:]
        for item in items {
            let channel = item.outbox.channel
            guard channel.isActive else { continue }
            item.outbox.noteWritability(channel.isWritable)
            switch item.outgoing {
            case .frame(let frame): channel.write(frame, promise: nil)
            case .encoded(let bytes): item.outbox.encoderContext.value.write(NIOAny(bytes), promise: nil)
            }
            written[ObjectIdentifier(channel)] = channel
            if item.closes {
                channel.scheduleClose(after: Self.closeGrace)
            }
        }
        for channel in written.values { channel.flush() }
    }
}

extension Channel {
    /// Closes the channel after `delay` unless it closed by then (the client answered the close frame).
    fileprivate func scheduleClose(after delay: TimeAmount) {
        eventLoop.scheduleTask(in: delay) { [self] in
            if isActive { close(promise: nil) }
        }
    }
}

/// The ``LoopWriter`` of each event loop.
final class LoopWriters: Sendable {
    private let writers = Mutex<[ObjectIdentifier: LoopWriter]>([:])

    func writer(for eventLoop: any EventLoop) -> LoopWriter {
        writers.withLock { writers in
            let key = ObjectIdentifier(eventLoop)
            if let writer = writers[key] { return writer }
            let writer = LoopWriter(eventLoop: eventLoop)
            writers[key] = writer
            return writer
        }
    }
}
