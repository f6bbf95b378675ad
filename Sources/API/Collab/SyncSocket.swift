import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Storage

/// Pumps one WebSocket connection to and from its room: the socket's messages are handed to the room,
/// until either side closes; the room writes to the socket itself (``ChannelOutbox``).
enum SocketPump {
    /// The participant of an upgraded request: the token's user, with their role in the project.
    static func participant(
        _ context: AppRequestContext,
        projectID: UUID,
        database: Database
    ) async throws -> Participant? {
        guard let identity = context.identity,
            let role = try await database.members.role(projectID: projectID, userID: identity.id),
            let user = try await database.users.find(id: identity.id)
        else { return nil }
        return Participant(userID: user.id, name: user.displayName, role: role)
    }

    /// Runs a connection until it ends: the room writes to the channel through a ``ChannelOutbox``; this
    /// task only reads.
    static func run(
        room: Room,
        participant: Participant,
        kind: RoomConnection.Kind,
        wantsAcks: Bool,
        inbound: WebSocketInboundStream,
        channel: any Channel,
        writers: LoopWriters,
        configuration: CollabConfiguration,
        onText: @escaping @Sendable (String, ConnectionID) async -> Void = { _, _ in }
    ) async throws {
        let outbox = ChannelOutbox(channel: channel, writer: writers.writer(for: channel.eventLoop), limit: configuration.outboxLimit)
        let id = await room.connect(participant, kind: kind, wantsAcks: wantsAcks, outbox: outbox)
        do {
            for try await message in inbound.messages(maxSize: configuration.maximumMessageSize) {
                switch message {
                case .binary(let buffer):
                    if kind == .sync { await room.receive(Array(buffer.readableBytesView), from: id) }
                case .text(let text):
                    if kind == .live { await onText(text, id) }
                }
            }
        } catch {
            await room.disconnect(id)
            throw error
        }
        await room.disconnect(id)
    }
}
