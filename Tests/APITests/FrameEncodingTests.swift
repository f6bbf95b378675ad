@testable import API
import CollabServer
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization
import Testing

@Suite("Pre-encoded WebSocket frames")
struct FrameEncodingTests {
    /// Sends `bytes` over a loopback TCP connection to a channel that decodes with NIO's own frame decoder,
    /// as a client's WebSocket stack would, and returns the frame it read.
    private func decoded(_ bytes: ByteBuffer) async throws -> WebSocketFrame? {
        let (frames, received) = AsyncStream.makeStream(of: WebSocketFrame.self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(FrameCollector(received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: try #require(server.localAddress?.port)).get()
        try await client.writeAndFlush(bytes)
        var iterator = frames.makeAsyncIterator()
        let frame = await iterator.next()
        try await client.close()
        try await server.close()
        return frame
    }

    @Test("frames with 7-bit, 16-bit and 64-bit lengths decode with NIO's decoder", arguments: [0, 125, 126, 65_535, 65_536, 70_000])
    func lengths(length: Int) async throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = ChannelOutbox.frame(opcode: .binary, payload: payload, allocator: ByteBufferAllocator())
        let frame = try #require(try await decoded(bytes))
        #expect(frame.fin)
        #expect(frame.opcode == .binary)
        #expect(frame.maskKey == nil)
        #expect(Array(frame.data.readableBytesView) == payload)
    }

    @Test("a text frame carries the string's UTF-8")
    func text() async throws {
        let text = "{\"type\":\"cursor-update\",\"name\":\"Zoë ✂️\"}"
        let frame = try #require(try await decoded(ChannelOutbox.frame(opcode: .text, payload: text.utf8, allocator: ByteBufferAllocator())))
        #expect(frame.opcode == .text)
        #expect(String(buffer: frame.data) == text)
    }

    @Test("a broadcast's message is encoded once, however many outboxes ask")
    func encodedOnce() {
        let shared = BroadcastEncoding()
        let encodings = Atomic<Int>(0)
        let values = (0..<19).map { _ in
            shared.value {
                encodings.add(1, ordering: .relaxed)
                return ByteBuffer(bytes: [1, 2, 3])
            }
        }
        #expect(encodings.load(ordering: .relaxed) == 1)
        #expect(Set(values.map { Array($0.readableBytesView) }) == [[1, 2, 3]])
    }
}

/// Hands every frame the decoder produced to a stream.
private final class FrameCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    let received: AsyncStream<WebSocketFrame>.Continuation

    init(received: AsyncStream<WebSocketFrame>.Continuation) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.yield(unwrapInboundIn(data))
    }
}
