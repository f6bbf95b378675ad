import CollabServer
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// An upgraded collaboration connection: its admission, its channel, the messages its handler received, and
/// the outbox the room writes to.
struct RoomSocket: Sendable {
    let ticket: SocketTicket
    let channel: any Channel
    let messages: AsyncStream<SocketMessage>
    let outbox: ChannelOutbox
    let flow: InboundFlow
}

/// Opens and runs the server's collaboration connections.
struct RoomSockets: Sendable {
    let registry: RoomRegistry
    let configuration: CollabConfiguration
    let writers = LoopWriters()
    /// How often an idle client is pinged; one that misses a ping is closed at the next.
    let pingInterval: TimeAmount

    init(registry: RoomRegistry, configuration: CollabConfiguration) {
        self.registry = registry
        self.configuration = configuration
        self.pingInterval = .nanoseconds(Int64(max(configuration.pingIntervalSeconds, 0.01) * 1e9))
    }

    /// On the channel's event loop, as the upgrade completes: NIO's frame aggregator (messages up to
    /// `maximumMessageSize`) and the ``RoomSocketHandler``.
    func open(_ ticket: SocketTicket, on channel: any Channel) throws -> RoomSocket {
        let (messages, inbound) = AsyncStream.makeStream(of: SocketMessage.self)
        let outbox = try ChannelOutbox(channel: channel, writer: writers.writer(for: channel.eventLoop), limit: configuration.outboxLimit)
        let flow = InboundFlow()
        try channel.pipeline.syncOperations.addHandler(
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                maxAccumulatedFrameSize: configuration.maximumMessageSize
            )
        )
        try channel.pipeline.syncOperations.addHandler(
            RoomSocketHandler(inbound: inbound, outbox: outbox, flow: flow, pingInterval: pingInterval)
        )
        return RoomSocket(ticket: ticket, channel: channel, messages: messages, outbox: outbox, flow: flow)
    }

    /// Joins the room and hands it the connection's messages until the connection ends. On graceful
    /// shutdown the client gets 1001.
    func run(_ socket: RoomSocket, logger: Logger) async {
        let request = socket.ticket.request
        await withGracefulShutdownHandler {
            let room: Room
            do {
                room = try await registry.room(for: request.projectID)
            } catch {
                logger.error("could not load the room", metadata: ["error": "\(String(reflecting: error))"])
                _ = socket.outbox.send(.close(code: 1011, reason: "the project could not be loaded"))
                return
            }
            let id = await room.connect(socket.ticket.participant, kind: request.kind, wantsAcks: request.wantsAcks, outbox: socket.outbox)
            for await message in socket.messages {
                socket.flow.taken(channel: socket.channel)
                switch message {
                case .binary(let buffer):
                    if request.kind == .sync { await room.receive(Array(buffer.readableBytesView), from: id) }
                case .text(let text):
                    if request.kind == .live { await room.receiveLive(text, from: id) }
                }
            }
            await room.disconnect(id)
        } onGracefulShutdown: {
            _ = socket.outbox.send(.close(code: 1001, reason: "the server is shutting down"))
        }
    }
}
