import CRDT
import Foundation
import Logging
import Storage
import Timeline

extension Room {
    /// Writes the project's meta into an empty document (first load of a new project).
    func initialize(meta: ProjectMeta) async throws {
        let fresh = ProjectDocument.create(meta)
        _ = capture.take()
        try project.doc.applyUpdate(fresh.doc.encodeStateAsUpdate())
        guard let update = capture.take() else { return }
        try await persistAndRelay(update, author: nil, clientID: fresh.doc.clientID, origin: "server", from: nil)
    }

    /// Periodic work: awareness timeouts, time-based checkpoints, automatic versions.
    /// - Returns: true when the room can be unloaded (empty long enough, everything durable).
    func maintain(now: ContinuousClock.Instant) async -> Bool {
        if isBroken { return true }
        await catchUpIfBehind(now: now)
        renewLiveAwareness()
        expireAwareness()
        let configuration = dependencies.configuration
        // With several nodes, the node that wrote the burst's last row takes its checkpoint and version.
        if lastSeq > checkpointSeq, writesForTheBurst, now - lastCheckpointAt >= .milliseconds(Int(configuration.checkpointEverySeconds * 1000)) {
            await writeCheckpoint()
        }
        if lastSeq > lastAutoVersionSeq, writesForTheBurst, let changed = lastChangeAt,
            now - changed >= .milliseconds(Int(configuration.autoVersionQuietSeconds * 1000))
        {
            do {
                _ = try await createVersion(kind: .auto, label: nil, by: nil)
            } catch {
                logger.error("could not take an automatic version", metadata: ["error": "\(String(reflecting: error))"])
                lastAutoVersionSeq = lastSeq
            }
        }
        guard connections.isEmpty, inFlight == 0, let since = emptySince,
            now - since >= .milliseconds(Int(configuration.unloadAfterSeconds * 1000))
        else { return false }
        await writeCheckpoint()
        // A connection may have arrived while the checkpoint was written.
        return connections.isEmpty && inFlight == 0
    }

    /// Checkpoints and closes every connection (server shutdown).
    func closeForShutdown() async {
        await waitUntilDurable()
        await writeCheckpoint()
        closeAll(code: 1001, reason: "server shutting down")
    }
}
