import Logging
import ServiceLifecycle
import Synchronization

/// Publishes messages to Redis channels without making its callers wait: ``publish(_:to:)`` queues, and
/// ``run()`` (a `Service`) sends what is queued in pipelined batches over one ``RedisConnection``.
///
/// Delivery is best effort: while Redis is unreachable, messages are dropped (and counted in the log) and
/// the publisher reconnects with backoff; a full queue drops new messages too. A batch whose write failed
/// (the server went away, which a connection only learns by using it) is sent once more after reconnecting,
/// so a message may arrive twice: subscribers must not mind.
public final class RedisPublisher: Service, Sendable {
    private struct Queue {
        var messages: [RedisOutgoing] = []
        var connected = false
        var dropped = 0
    }

    private let configuration: RedisConfiguration
    private let queueLimit: Int
    private let logger: Logger
    private let queue = Mutex(Queue())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// - Parameter queueLimit: messages waiting to be sent at most; beyond, new ones are dropped.
    public init(configuration: RedisConfiguration, queueLimit: Int = 10_000, logger: Logger) {
        self.configuration = configuration
        self.queueLimit = max(1, queueLimit)
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `payload` for `channel`. Never blocks; dropped when Redis is unreachable or the queue is full.
    public func publish(_ payload: [UInt8], to channel: String) {
        let queued = queue.withLock { queue in
            guard queue.connected, queue.messages.count < queueLimit else {
                queue.dropped += 1
                return false
            }
            queue.messages.append(RedisOutgoing(channel: channel, payload: payload))
            return true
        }
        if queued { wake.yield() }
    }

    /// True while a connection to Redis is open.
    public var isConnected: Bool { queue.withLock { $0.connected } }

    /// Connects (again, with backoff, whenever Redis goes away) and sends what is queued, until shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var wakeups = self.wakeups.makeAsyncIterator()
            var backoff = self.configuration.minimumBackoff
            var failures = 0
            var unsent: [RedisOutgoing] = []  // the batch whose write failed: sent again after reconnecting
            while !Task.isCancelled {
                let connection: RedisConnection
                do {
                    connection = try await RedisConnection.connect(self.configuration)
                } catch {
                    failures += 1
                    if failures == 1 { self.logger.warning("cannot publish to Redis; retrying", metadata: ["error": "\(error)"]) }
                    try await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, self.configuration.maximumBackoff)
                    continue
                }
                if failures > 0 { self.logger.notice("publishing to Redis again", metadata: ["redis": "\(self.configuration.displayName)"]) }
                failures = 0
                backoff = self.configuration.minimumBackoff
                let resend = unsent
                unsent = []
                self.queue.withLock { queue in
                    queue.connected = true
                    queue.messages = resend + queue.messages
                }
                if !resend.isEmpty { self.wake.yield() }
                let failure = await self.drain(connection, wakeups: &wakeups)
                self.queue.withLock { queue in
                    queue.connected = false
                    queue.dropped += queue.messages.count
                    queue.messages = []
                }
                await connection.close()
                guard let failure else { return }
                unsent = failure.batch
                self.logger.warning("lost the Redis connection; reconnecting", metadata: ["error": "\(failure.error)"])
            }
        }
    }

    /// Sends batches until the connection fails (returns the error and the batch) or shutdown (returns nil).
    private func drain(_ connection: RedisConnection, wakeups: inout AsyncStream<Void>.Iterator) async -> (error: RedisError, batch: [RedisOutgoing])? {
        while await wakeups.next() != nil {
            let (batch, dropped) = queue.withLock { queue in
                defer {
                    queue.messages = []
                    queue.dropped = 0
                }
                return (queue.messages, queue.dropped)
            }
            if dropped > 0 { logger.notice("dropped relay messages while Redis was unreachable or behind", metadata: ["count": "\(dropped)"]) }
            guard !batch.isEmpty else { continue }
            do {
                _ = try await connection.publish(batch.map { ($0.channel, $0.payload) })
            } catch {
                return (error, batch)
            }
        }
        return nil
    }
}
