import CollabServer
import Foundation
import Logging
import Redis
import ServiceLifecycle

/// The rooms' relay between server nodes over Redis pub/sub (`REDIS_URL`): one channel per project,
/// `editbay:room:<project id>`, published on one connection and subscribed on another.
///
/// A `Service`: its `run()` runs the publisher and the subscriber (reconnecting with backoff) and turns what
/// the subscriber receives into ``RoomRelayEvent``s until shutdown. List it before the `RoomRegistry`, which
/// consumes its events and publishes through it until the registry has stopped.
final class RedisRoomRelay: RoomRelay, Service {
    static let channelPrefix = "editbay:room:"

    let events: AsyncStream<RoomRelayEvent>
    private let continuation: AsyncStream<RoomRelayEvent>.Continuation
    private let publisher: RedisPublisher
    private let subscriber: RedisSubscriber
    private let logger: Logger

    init(configuration: RedisConfiguration, logger: Logger) {
        publisher = RedisPublisher(configuration: configuration, logger: logger)
        subscriber = RedisSubscriber(configuration: configuration, logger: logger)
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: RoomRelayEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    func join(_ projectID: UUID) async {
        await subscriber.subscribe(.channel(Self.channel(projectID)))
    }

    func leave(_ projectID: UUID) {
        subscriber.unsubscribe(.channel(Self.channel(projectID)))
    }

    func publish(_ message: [UInt8], projectID: UUID) {
        publisher.publish(message, to: Self.channel(projectID))
    }

    /// True once both connections are up (tests wait for it).
    var isConnected: Bool { publisher.isConnected && subscriber.isConnected }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.publisher.run() }
            group.addTask { try await self.subscriber.run() }
            for await event in subscriber.events {  // finishes when the subscriber stops
                switch event {
                case .connected:
                    continuation.yield(.resync)
                case .message(let message):
                    guard let projectID = Self.projectID(ofChannel: message.channel) else {
                        logger.warning("dropping a message of an unexpected Redis channel", metadata: ["channel": "\(message.channel.prefix(80))"])
                        continue
                    }
                    continuation.yield(.message(projectID: projectID, payload: message.payload))
                }
            }
        }
        continuation.finish()
    }

    static func channel(_ projectID: UUID) -> String { channelPrefix + projectID.uuidString.lowercased() }

    static func projectID(ofChannel channel: String) -> UUID? {
        guard channel.hasPrefix(channelPrefix) else { return nil }
        return UUID(uuidString: String(channel.dropFirst(channelPrefix.count)))
    }
}
