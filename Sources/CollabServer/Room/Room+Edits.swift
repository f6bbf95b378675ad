import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// The outcome of a server-side edit.
public struct AppliedEdit: Sendable {
    public let results: [OperationResult]
    /// The log position of the change, nil when the operations changed nothing.
    public let seq: Int64?
}

extension Room {
    /// Applies timeline operations as one transaction on behalf of `author` (REST, the live protocol,
    /// jobs), appends the change to the log and relays it to every connection.
    ///
    /// - Throws: ``CollabError`` `READ_ONLY` for viewers and commenters, the operation's
    ///   `TimelineError` when it does not apply (nothing changes), or `ROOM_UNAVAILABLE`.
    public func apply(
        _ operations: [EditOperation], by author: Participant, origin: String, requestID: String? = nil, from requester: ConnectionID? = nil
    ) async throws -> AppliedEdit {
        guard author.role.canEdit else { throw CollabError.readOnly(author.role.rawValue) }
        guard !isBroken else { throw CollabError.roomUnavailable }
        _ = capture.take()
        let results = try project.apply(operations, origin: AnyHashable(origin))
        guard let update = capture.take() else { return AppliedEdit(results: results, seq: nil) }
        let seq = try await persistAndRelay(update, author: author, clientID: project.doc.clientID, origin: origin, from: nil)
        liveDocumentChanged(by: author, operations: operations, results: results, seq: seq, requestID: requestID, requester: requester)
        return AppliedEdit(results: results, seq: seq)
    }

    /// The resolved timeline as it is now.
    public func view() throws -> TimelineView { try project.view() }

    /// The whole document state (a v1 update) and its log position, once durable.
    public func durableState() async -> (state: [UInt8], seq: Int64) {
        await waitUntilDurable()
        return (project.doc.encodeStateAsUpdate(), lastSeq)
    }
}
