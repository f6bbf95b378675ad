import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import CHiredis  // pollfd: Clang attributes <poll.h> to the first module that includes it

#if canImport(Glibc)
import Glibc
#endif

/// Receives Redis pub/sub messages on a dedicated connection, as an `AsyncSequence` (``events``).
///
/// Subscriptions are counted: each ``subscribe(_:)`` is undone by one ``unsubscribe(_:)``, in any order, and
/// the connection follows the set of subscriptions still wanted. ``run()`` (a `Service`) owns the connection
/// on a thread of its own (hiredis blocks) and reconnects with backoff whenever Redis goes away; after each
/// (re)connection, once every wanted subscription is confirmed, ``events`` yields ``Event/connected``:
/// messages published while it was away are lost, and the consumer should catch up from its source of truth.
public final class RedisSubscriber: Service, Sendable {
    /// A channel name or a glob pattern (`PSUBSCRIBE`).
    public enum Subscription: Hashable, Sendable {
        case channel(String)
        case pattern(String)
    }

    /// A published message.
    public struct Message: Sendable, Equatable {
        public let channel: String
        /// The pattern it matched, for pattern subscriptions.
        public let pattern: String?
        public let payload: [UInt8]

        public init(channel: String, pattern: String?, payload: [UInt8]) {
            self.channel = channel
            self.pattern = pattern
            self.payload = payload
        }
    }

    public enum Event: Sendable, Equatable {
        /// Connected (again) and subscribed to everything wanted.
        case connected
        case message(Message)
    }

    private struct State {
        var wanted: [Subscription: Int] = [:]
        /// Confirmed by the server.
        var active: Set<Subscription> = []
        /// Sent, not yet confirmed.
        var subscribing: Set<Subscription> = []
        var unsubscribing: Set<Subscription> = []
        var waiters: [Subscription: [CheckedContinuation<Void, Never>]] = [:]
        var connected = false
        var stopped = false

        mutating func takeWaiters(for subscription: Subscription? = nil) -> [CheckedContinuation<Void, Never>] {
            guard let subscription else {
                defer { waiters = [:] }
                return waiters.values.flatMap { $0 }
            }
            return waiters.removeValue(forKey: subscription) ?? []
        }
    }

    /// Everything received, in order; finishes when ``run()`` returns.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let wake = WakePipe()

    /// - Parameter bufferLimit: events kept for a slow consumer; beyond, the oldest are dropped.
    public init(configuration: RedisConfiguration, bufferLimit: Int = 10_000, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(max(1, bufferLimit)))
    }

    /// Wants `subscription` once more. Returns once the server confirmed it, so that every message published
    /// from then on is delivered; at once when Redis is unreachable (``Event/connected`` follows later).
    public func subscribe(_ subscription: Subscription) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { state in
                state.wanted[subscription, default: 0] += 1
                let confirmed = state.active.contains(subscription) && !state.unsubscribing.contains(subscription)
                guard state.connected, !state.stopped, !confirmed else { return false }
                state.waiters[subscription, default: []].append(continuation)
                return true
            }
            if waiting { wake.signal() } else { continuation.resume() }
        }
    }

    /// Wants `subscription` once less; the server is told when nobody wants it any more.
    public func unsubscribe(_ subscription: Subscription) {
        state.withLock { state in
            guard let count = state.wanted[subscription] else { return }
            state.wanted[subscription] = count > 1 ? count - 1 : nil
        }
        wake.signal()
    }

    /// True while connected and subscribed.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Holds the connection until shutdown (or cancellation), then finishes ``events``.
    public func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                _ = try? await thread.runIfActive { self.loop() }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
        try? await thread.shutdownGracefully()
        continuation.finish()
    }

    private func stop() {
        let waiters = state.withLock { state in
            state.stopped = true
            return state.takeWaiters()
        }
        for waiter in waiters { waiter.resume() }
        wake.signal()
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    // MARK: - The connection's thread

    private func loop() {
        var backoff = configuration.minimumBackoff
        var failures = 0
        while !isStopped {
            let context: RedisContext
            do {
                context = try RedisContext.connect(configuration)
            } catch {
                failures += 1
                if failures == 1 { logger.warning("cannot subscribe to Redis; retrying", metadata: ["error": "\(error)"]) }
                wake.wait(milliseconds: RedisContext.milliseconds(backoff))
                backoff = min(backoff * 2, configuration.maximumBackoff)
                continue
            }
            if failures > 0 { logger.notice("subscribed to Redis again", metadata: ["redis": "\(configuration.displayName)"]) }
            failures = 0
            backoff = configuration.minimumBackoff
            state.withLock { $0.connected = true }
            let failure = session(context)
            let waiters = state.withLock { state in
                state.connected = false
                state.active = []
                state.subscribing = []
                state.unsubscribing = []
                return state.takeWaiters()
            }
            for waiter in waiters { waiter.resume() }
            if let failure {
                logger.warning("lost the Redis subscription connection; reconnecting", metadata: ["error": "\(failure)"])
                wake.wait(milliseconds: RedisContext.milliseconds(backoff))
            }
        }
    }

    /// Serves one connection until it fails (returns the error) or the subscriber stops (returns nil).
    private func session(_ context: RedisContext) -> RedisError? {
        var announced = false
        // `.connected` goes out as soon as every wanted subscription is confirmed, before any later message.
        func announceWhenSubscribed() {
            guard !announced, state.withLock({ $0.subscribing.isEmpty }) else { return }
            announced = true
            continuation.yield(.connected)
        }
        do {
            while !isStopped {
                try reconcile(context)
                announceWhenSubscribed()
                while let reply = try context.bufferedReply() {
                    handle(reply)
                    announceWhenSubscribed()
                }
                var entries = [
                    pollfd(fd: context.fileDescriptor, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&entries, 2, 1000)
                if ready < 0 && errno != EINTR { return RedisError(.connectionLost, "poll failed: \(errno)") }
                if entries[1].revents != 0 { wake.drain() }
                if entries[0].revents != 0 { try context.readAvailable() }
            }
            return nil
        } catch {
            return error
        }
    }

    /// Sends the (UN)SUBSCRIBE commands that bring the server in line with what is wanted.
    private func reconcile(_ context: RedisContext) throws(RedisError) {
        let (add, remove) = state.withLock { state in
            let wanted = Set(state.wanted.keys)
            let add = wanted.subtracting(state.active).subtracting(state.subscribing)
            let remove = state.active.subtracting(wanted).subtracting(state.unsubscribing)
            state.subscribing.formUnion(add)
            state.unsubscribing.formUnion(remove)
            return (add, remove)
        }
        guard !add.isEmpty || !remove.isEmpty else { return }
        for subscription in add {
            switch subscription {
            case .channel(let name): try context.append("SUBSCRIBE", name)
            case .pattern(let pattern): try context.append("PSUBSCRIBE", pattern)
            }
        }
        for subscription in remove {
            switch subscription {
            case .channel(let name): try context.append("UNSUBSCRIBE", name)
            case .pattern(let pattern): try context.append("PUNSUBSCRIBE", pattern)
            }
        }
        try context.flush()
    }

    private func handle(_ reply: RedisReply) {
        guard case .array(let parts) = reply, let kind = parts.first?.text else { return }
        switch (kind, parts.count) {
        case ("message", 3):
            guard let channel = parts[1].text, let payload = parts[2].bytes else { return }
            continuation.yield(.message(Message(channel: channel, pattern: nil, payload: payload)))
        case ("pmessage", 4):
            guard let pattern = parts[1].text, let channel = parts[2].text, let payload = parts[3].bytes else { return }
            continuation.yield(.message(Message(channel: channel, pattern: pattern, payload: payload)))
        case ("subscribe", 3), ("psubscribe", 3):
            guard let name = parts[1].text else { return }
            let subscription: Subscription = kind == "subscribe" ? .channel(name) : .pattern(name)
            let waiters = state.withLock { state in
                state.subscribing.remove(subscription)
                state.active.insert(subscription)
                return state.takeWaiters(for: subscription)
            }
            for waiter in waiters { waiter.resume() }
        case ("unsubscribe", 3), ("punsubscribe", 3):
            guard let name = parts[1].text else { return }
            let subscription: Subscription = kind == "unsubscribe" ? .channel(name) : .pattern(name)
            state.withLock { state in
                state.unsubscribing.remove(subscription)
                state.active.remove(subscription)
            }
        default:
            break
        }
    }
}
