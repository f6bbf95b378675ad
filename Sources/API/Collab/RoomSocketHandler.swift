import CollabServer
import NIOCore
import NIOWebSocket
import Synchronization

/// A message a collaboration client sent (after NIO's aggregator joined its fragments).
enum SocketMessage: Sendable {
    case binary(ByteBuffer)
    case text(String)
}

/// Speaks WebSocket on an upgraded collaboration connection, on the channel's event loop: hands text and
/// binary messages to the connection's task, answers pings, pings an idle client (and closes it with 1001
/// "Ping timeout" when the previous ping went unanswered), and completes the close handshake.
///
/// No async stack per connection lives here: the connection's only task waits on `inbound`.
final class RoomSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let inbound: AsyncStream<SocketMessage>.Continuation
    private let outbox: ChannelOutbox
    private let flow: InboundFlow
    private let pingInterval: TimeAmount
    private var keepAlive: RepeatedTask?
    private var awaitingPong = false

    init(inbound: AsyncStream<SocketMessage>.Continuation, outbox: ChannelOutbox, flow: InboundFlow, pingInterval: TimeAmount) {
        self.inbound = inbound
        self.outbox = outbox
        self.flow = flow
        self.pingInterval = pingInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        keepAlive = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            handler.value.ping(context: boundContext.value)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        inbound.finish()
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive?.cancel()
        inbound.finish()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary:
            deliver(.binary(frame.unmaskedData), context: context)
        case .text:
            guard let text = String(validating: frame.unmaskedData.readableBytesView, as: UTF8.self) else {
                _ = outbox.send(.close(code: 1007, reason: "a text message must be UTF-8"))
                return
            }
            deliver(.text(text), context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            awaitingPong = false
        case .connectionClose:
            inbound.finish()
            if outbox.closeSent {
                context.close(promise: nil)
            } else {
                // Echo the client's close, then end the connection.
                outbox.finish()
                var echo = context.channel.allocator.buffer(capacity: 2)
                var payload = frame.unmaskedData
                if let code = payload.readInteger(as: UInt16.self) { echo.writeInteger(code) }
                let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)
                context.writeAndFlush(wrapOutboundOut(close)).whenComplete { _ in context.close(promise: nil) }
            }
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's frame aggregator refuses a message over the size limit or with too many fragments.
        if error is NIOWebSocketFrameAggregator.Error {
            _ = outbox.send(.close(code: 1009, reason: "MESSAGE_TOO_LARGE: \(error)"))
        } else {
            context.close(promise: nil)
        }
    }

    private func deliver(_ message: SocketMessage, context: ChannelHandlerContext) {
        inbound.yield(message)
        flow.received(channel: context.channel)
    }

    private func ping(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if awaitingPong {
            _ = outbox.send(.close(code: 1001, reason: "Ping timeout"))
            return
        }
        awaitingPong = true
        let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
        context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
    }
}

/// Inbound back-pressure of one connection: past `high` messages waiting for its task, the channel stops
/// reading; it reads again once the task is down to `low`. Pausing and resuming both happen on the
/// channel's event loop, so they cannot cross.
final class InboundFlow: Sendable {
    private struct State {
        var waiting = 0
        var paused = false
    }

    private let state = Mutex(State())
    private let high: Int
    private let low: Int

    init(high: Int = 64, low: Int = 8) {
        self.high = high
        self.low = low
    }

    /// On the event loop, after a message was handed to the task.
    func received(channel: any Channel) {
        let pause = state.withLock { state in
            state.waiting += 1
            guard state.waiting >= high, !state.paused else { return false }
            state.paused = true
            return true
        }
        if pause { channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
    }

    /// On the connection's task, for each message it takes.
    func taken(channel: any Channel) {
        let wake = state.withLock { state in
            state.waiting -= 1
            return state.paused && state.waiting <= low
        }
        guard wake else { return }
        channel.eventLoop.execute {
            let resume = self.state.withLock { state in
                guard state.paused, state.waiting <= self.low else { return false }
                state.paused = false
                return true
            }
            if resume { channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in } }
        }
    }
}
