import Foundation

/// How the rooms of this node reach the rooms of the same projects on other nodes (several `editbay serve`
/// processes on one database, `REDIS_URL`).
///
/// A fast path only, at most once: PostgreSQL's update log stays the truth. A message may be lost (the
/// relay was down, behind, or restarted); rooms notice gaps in the log positions they have applied and read
/// what they miss from the log, and ``RoomRelayEvent/resync`` tells them to check after an outage.
public protocol RoomRelay: Sendable {
    /// Starts delivering the project's messages to ``events``. Returns once messages published from then on
    /// will be delivered, or at once while the relay is down (a ``RoomRelayEvent/resync`` follows when it is
    /// back). Joins are counted: each is undone by one ``leave(_:)``, in any order.
    func join(_ projectID: UUID) async

    /// Undoes one ``join(_:)``.
    func leave(_ projectID: UUID)

    /// Hands `message` (an encoded ``RelayMessage``) to the other nodes that joined the project. Never
    /// waits; dropped when the relay is down or behind.
    func publish(_ message: [UInt8], projectID: UUID)

    /// What the other nodes sent (this node's own messages may come back too: they carry its node id).
    /// Iterated by one consumer, the ``RoomRegistry``.
    var events: AsyncStream<RoomRelayEvent> { get }
}

/// What a ``RoomRelay`` delivers.
public enum RoomRelayEvent: Sendable, Equatable {
    /// An encoded ``RelayMessage`` for a project this node joined.
    case message(projectID: UUID, payload: [UInt8])
    /// The relay (re)connected: messages may have been lost meanwhile; every room should check the log.
    case resync
}
