import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// Who is on the other end of a connection, as established by their access token (never by the client).
public struct Participant: Sendable, Hashable {
    public let userID: UUID
    public let name: String
    public let role: ProjectRole
    /// A stable colour for cursors, derived from the user id.
    public var color: String {
        let palette = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#469990", "#9a6324"]
        let sum = userID.uuidString.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xffff }
        return palette[sum % palette.count]
    }

    public init(userID: UUID, name: String, role: ProjectRole) {
        self.userID = userID
        self.name = name
        self.role = role
    }

    /// The server itself, for changes no user made (a job's placeholder asset going away): an editor whose
    /// changes are logged without an author.
    public static let server = Participant(userID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), name: "EditBay", role: .editor)

    /// True for ``server``.
    public var isServer: Bool { userID == Self.server.userID }
}

/// What the room sends down a connection. The transport (WebSocket) writes these in order.
public enum OutboundMessage: Sendable, Equatable {
    /// A y-protocols frame.
    case binary([UInt8])
    /// A JSON text frame (the live protocol).
    case text(String)
    /// Close the connection with a WebSocket close code and a reason the client can show.
    case close(code: UInt16, reason: String)
}

/// Identifies one connection inside a room.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    let value: UInt64
    public var description: String { "conn-\(value)" }
}
