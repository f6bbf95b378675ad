@testable import API
import CRDT
@testable import CollabServer
import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import NIOWebSocket
import HummingbirdWSClient
import Synchronization
import Testing
import Timeline

/// A client that stops reading must not hold the room up or make the server buffer without bound.
@Suite("Slow clients", .timeLimit(.minutes(2)))
struct SlowClientTests {
    @Test("a client that stops reading is disconnected and its socket closed, while the others go on")
    func stalledReaderIsClosed() async throws {
        var collab = CollabConfiguration()
        collab.outboxLimit = 8
        collab.messagesPerSecond = 100_000
        collab.messageBurst = 100_000
        try await TestApp.run(.live, collab: collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Slow", owner: owner)
            let port = try #require(app.client.port)
            let stalled = try await StalledClient.connect(port: port, path: "/api/projects/\(project)/sync?token=\(owner.accessToken)")
            // The editor floods the room with 12 MB of updates: far more than the stalled client's socket and the
            // kernel's buffers (at most 4 MB) hold.
            let chunk = String(repeating: "x", count: 12_000)
            let editorClose = try await withSyncClient(port: port, project: project, token: owner.accessToken) { editor in
                try await editor.handshake()
                for i in 0..<1000 {
                    try await editor.edit { $0.getMap("markers").set("m\(i)", .string(chunk)) }
                }
                // The editor is still served: a query is answered with the room's awareness.
                try await editor.send(.queryAwareness)
                _ = try await editor.expect { if case .awareness = $0 { true } else { false } }
                // The room let the stalled connection go: only the editor is left.
                let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
                var left = await room.connections.count
                for _ in 0..<100 where left != 1 {
                    try await Task.sleep(for: .milliseconds(100))
                    left = await room.connections.count
                }
                #expect(left == 1)
            }
            #expect((editorClose?.closeCode ?? .normalClosure) == .normalClosure)
            // The server closed the stalled socket itself (not its keep-alive ping, 30–60 s later). Its close frame
            // waits behind the frames the client did not read: it arrives only if the client drains them within
            // the 2 s grace, otherwise the socket just ends.
            let bytes = try await stalled.readToEnd()
            #expect(bytes.count < 12_000_000)
            if let close = StalledClient.closeFrame(in: bytes) {
                #expect(close.code == 1008)
                #expect(close.reason.hasPrefix("too slow"))
            }
            // Everything the editor sent is in the room.
            try await withSyncClient(port: port, project: project, token: owner.accessToken) { reader in
                try await reader.handshake()
                #expect(reader.doc.getMap("markers").count == 1000)
            }
        }
    }
}

@Suite("Keep-alive pings", .timeLimit(.minutes(1)))
struct KeepAliveTests {
    @Test("a client that answers pings stays; one that does not is closed with 1001 \"Ping timeout\"")
    func silentClientsAreClosed() async throws {
        var collab = CollabConfiguration()
        collab.pingIntervalSeconds = 3
        try await TestApp.run(.live, collab: collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Pings", owner: owner)
            let port = try #require(app.client.port)
            // Reads everything, answers nothing.
            let silent = try await StalledClient.connect(port: port, path: "/api/projects/\(project)/sync?token=\(owner.accessToken)", reading: true)
            // The WebSocket client library answers pings while it reads: a client that keeps reading is still
            // served after several intervals.
            let rounds = Mutex(0)
            try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                try await session.handshake()
                for round in 0..<40 {
                    try await Task.sleep(for: .milliseconds(200))
                    try await session.edit { $0.getMap("meta").set("name", .string("Round \(round)")) }
                    try await session.send(.queryAwareness)
                    _ = try await session.expect { if case .awareness = $0 { true } else { false } }
                    rounds.withLock { $0 += 1 }
                }
            }
            #expect(rounds.withLock { $0 } == 40)
            let bytes = try await silent.readToEnd()
            let close = try #require(StalledClient.closeFrame(in: bytes))
            #expect(close.code == 1001)
            #expect(close.reason == "Ping timeout")
        }
    }
}

/// A raw WebSocket client that upgrades and then reads nothing until asked (NIO with `autoRead` off and a
/// small receive buffer).
struct StalledClient {
    let channel: any Channel
    let received: Collector
    let reading: Bool

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private struct State {
            var bytes: [UInt8] = []
            var ended = false
            var waiter: CheckedContinuation<Void, Never>?
        }
        private let state = Mutex(State())

        var bytes: [UInt8] { state.withLock { $0.bytes } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let waiter = state.withLock { state in
                state.ended = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// Returns once the connection has ended.
        func waitForEnd() async {
            await withCheckedContinuation { continuation in
                let ended = state.withLock { state in
                    if !state.ended { state.waiter = continuation }
                    return state.ended
                }
                if ended { continuation.resume() }
            }
        }
    }

    /// - Parameter reading: read from the start (a client that reads but never answers a ping).
    static func connect(port: Int, path: String, reading: Bool = false) async throws -> StalledClient {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: reading)
            .channelOption(.socketOption(.so_rcvbuf), value: 4096)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request))
        return StalledClient(channel: channel, received: collector, reading: reading)
    }

    /// Starts reading and returns everything the server sent until it closed the connection.
    func readToEnd() async throws -> [UInt8] {
        if !reading {
            try? await channel.setOption(.autoRead, value: true).get()
            channel.read()
        }
        await received.waitForEnd()
        return received.bytes
    }

    /// The first close frame after the HTTP response: its code and reason.
    static func closeFrame(in bytes: [UInt8]) -> (code: Int, reason: String)? {
        guard let headerEnd = bytes.indices.dropLast(3).first(where: { bytes[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else { return nil }
        var position = headerEnd + 4
        while position + 2 <= bytes.count {
            let opcode = bytes[position] & 0x0f
            var length = Int(bytes[position + 1] & 0x7f)
            position += 2
            if length == 126 {
                guard position + 2 <= bytes.count else { return nil }
                length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
                position += 2
            } else if length == 127 {
                guard position + 8 <= bytes.count else { return nil }
                length = bytes[position..<(position + 8)].reduce(0) { $0 << 8 | Int($1) }
                position += 8
            }
            guard position + length <= bytes.count else { return nil }
            if opcode == 0x8, length >= 2 {
                let code = Int(bytes[position]) << 8 | Int(bytes[position + 1])
                return (code, String(decoding: bytes[(position + 2)..<(position + length)], as: UTF8.self))
            }
            position += length
        }
        return nil
    }
}
