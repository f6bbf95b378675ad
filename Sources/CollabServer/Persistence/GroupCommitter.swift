import CRDT
import Foundation
import Logging
import Metrics
import Storage
import Timeline

/// Group commit for the update log: appends that arrive while a write is in flight are collected and
/// written together in the next transaction, so many editors cost one commit (one fsync), not one each.
///
/// There is no background task: the caller that finds no write in flight becomes the leader and writes
/// its update together with everything queued meanwhile; when it is done it hands leadership to the
/// first caller still waiting, who writes the next batch. Every caller returns once its update is durable.
///
/// The batches go over a connection of the committer's own (opened on first use, reopened after it broke)
/// with the append statement prepared on it: no pool lease, release and timers on every commit.
public actor GroupCommitter {
    private enum Turn: Sendable {
        case committed(Int64)
        case lead
    }

    private struct Pending {
        let update: DocumentRepository.NewUpdate
        let continuation: CheckedContinuation<Turn, any Error>
    }

    private let log: UpdateLogConnection
    private let updatesCounter = Counter(label: "editbay_log_updates_total")
    private let batchesCounter = Counter(label: "editbay_log_commits_total")
    private let commitTimer = Timer(label: "editbay_log_commit_duration_seconds")
    private let maximumBatch: Int
    private var queue: [Pending] = []
    private var writing = false

    public init(database: Database, maximumBatch: Int = 1000) {
        self.log = UpdateLogConnection(database: database)
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Appends one update; returns its `seq` once it is durable.
    public func append(_ update: DocumentRepository.NewUpdate) async throws -> Int64 {
        if writing {
            let turn = try await withCheckedThrowingContinuation { continuation in
                queue.append(Pending(update: update, continuation: continuation))
            }
            if case .committed(let seq) = turn { return seq }
        }
        writing = true
        let batch = Array(queue.prefix(maximumBatch - 1))
        queue.removeFirst(batch.count)
        do {
            let started = ContinuousClock.now
            let seqs = try await log.append([update] + batch.map(\.update))
            commitTimer.record(duration: ContinuousClock.now - started)
            batchesCounter.increment()
            updatesCounter.increment(by: batch.count + 1)
            for (pending, seq) in zip(batch, seqs.dropFirst()) { pending.continuation.resume(returning: .committed(seq)) }
            handOff()
            return seqs[0]
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
            handOff()
            throw error
        }
    }

    /// Closes the log's connection (the server is stopping; a later append opens a new one).
    public func close() async {
        await log.close()
    }

    private func handOff() {
        if queue.isEmpty {
            writing = false
        } else {
            queue.removeFirst().continuation.resume(returning: .lead)
        }
    }
}
