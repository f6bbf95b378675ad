import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Storage

/// Pumps one WebSocket connection to and from its room: the room's outbox is written to the socket by
/// one child task while the socket's messages are handed to the room, until either side closes.
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

    /// Runs a connection until it ends.
    static func run(
        room: Room,
        participant: Participant,
        kind: RoomConnection.Kind,
        wantsAcks: Bool,
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        configuration: CollabConfiguration,
        onText: @escaping @Sendable (String, ConnectionID) async -> Void = { _, _ in }
    ) async throws {
        let (stream, outbox) = AsyncStream.makeStream(of: OutboundMessage.self, bufferingPolicy: .bufferingOldest(configuration.outboxLimit))
        let id = await room.connect(participant, kind: kind, wantsAcks: wantsAcks, outbox: outbox)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in stream {
                        switch message {
                        case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                        case .text(let text): try await outbound.write(.text(text))
                        case .close(let code, let reason):
                            try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
                            return
                        }
                    }
                }
                for try await message in inbound.messages(maxSize: configuration.maximumMessageSize) {
                    switch message {
                    case .binary(let buffer):
                        if kind == .sync { await room.receive(Array(buffer.readableBytesView), from: id) }
                    case .text(let text):
                        if kind == .live { await onText(text, id) }
                    }
                }
                outbox.finish()
                try await group.waitForAll()
            }
        } catch {
            await room.disconnect(id)
            throw error
        }
        await room.disconnect(id)
    }
}
