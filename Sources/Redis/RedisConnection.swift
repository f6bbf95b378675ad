import NIOPosix
import Synchronization

/// A Redis connection for commands (`PUBLISH`, `PING`, …) whose blocking hiredis calls run on a thread of
/// its own: never on a NIO event loop or Swift's cooperative pool. Calls are served one at a time, in order.
///
/// Open with ``connect(_:)``, and ``close()`` when done. A connection that broke stays broken (every call
/// throws `CONNECTION_LOST`); its owner opens a new one (``RedisPublisher`` does, with backoff).
public final class RedisConnection: Sendable {
    private let thread: NIOThreadPool
    /// Only touched on `thread`; the mutex makes that visible to the compiler rather than guarding races.
    private let context: Mutex<RedisContext?>

    private init(thread: NIOThreadPool, context: sending RedisContext) {
        self.thread = thread
        self.context = Mutex(context)
    }

    /// Connects to the server of `configuration`, signs in and selects its database.
    /// - Throws: ``RedisError`` `CONNECTION_REFUSED`, `CONNECTION_FAILED`, `AUTHENTICATION_FAILED`.
    public static func connect(_ configuration: RedisConfiguration) async throws(RedisError) -> RedisConnection {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let result: Result<RedisConnection, RedisError>
        do {
            result = try await thread.runIfActive {
                Result { () throws(RedisError) in RedisConnection(thread: thread, context: try RedisContext.connect(configuration)) }
            }
        } catch {
            result = .failure(RedisError(.closed, "the connection's thread stopped"))
        }
        if case .failure = result { try? await thread.shutdownGracefully() }
        return try result.get()
    }

    /// Sends one command and returns its reply (an error reply is returned, not thrown).
    public func send(_ arguments: [[UInt8]]) async throws(RedisError) -> RedisReply {
        try await onThread { context throws(RedisError) in try context.command(arguments) }
    }

    /// Sends one command made of text arguments.
    public func send(_ command: String, _ arguments: String...) async throws(RedisError) -> RedisReply {
        try await send([Array(command.utf8)] + arguments.map { Array($0.utf8) })
    }

    /// Publishes every message in one round trip (pipelined `PUBLISH channel payload`, binary-safe).
    /// - Returns: how many subscribers received each message.
    public func publish(_ messages: [(channel: String, payload: [UInt8])]) async throws(RedisError) -> [Int64] {
        guard !messages.isEmpty else { return [] }
        let messages = messages.map { RedisOutgoing(channel: $0.channel, payload: $0.payload) }
        return try await onThread { context throws(RedisError) in
            for message in messages { try context.appendPublish(channel: message.channel, payload: message.payload) }
            var receivers: [Int64] = []
            receivers.reserveCapacity(messages.count)
            for _ in messages {
                switch try context.reply() {
                case .integer(let count): receivers.append(count)
                case .error(let message): throw RedisError(.serverError, "PUBLISH: \(message)")
                default: throw RedisError(.protocolError, "PUBLISH answered with something other than a number")
                }
            }
            return receivers
        }
    }

    /// Closes the socket and stops the connection's thread.
    public func close() async {
        _ = try? await thread.runIfActive { self.context.withLock { $0 = nil } }
        try? await thread.shutdownGracefully()
    }

    private func onThread<T: Sendable>(_ body: @escaping @Sendable (RedisContext) throws(RedisError) -> T) async throws(RedisError) -> T {
        let result: Result<T, RedisError>
        do {
            result = try await thread.runIfActive {
                self.context.withLock { context -> Result<T, RedisError> in
                    guard let current = context else { return .failure(RedisError(.closed, "the connection is closed")) }
                    let result = Result { () throws(RedisError) in try body(current) }
                    // A hiredis context is unusable after an I/O or protocol error.
                    if case .failure(let error) = result, error.code == .connectionLost || error.code == .protocolError { context = nil }
                    return result
                }
            }
        } catch {
            result = .failure(RedisError(.closed, "the connection is closed"))
        }
        return try result.get()
    }
}

/// A message on its way to `PUBLISH`.
struct RedisOutgoing: Sendable {
    let channel: String
    let payload: [UInt8]
}
