import Logging
import NIOCore
import PostgresNIO

/// The update log's own connection: the group commit's appends go straight to it, with the append statement
/// prepared on it, instead of leasing a pooled connection (and arming and cancelling the pool's timers) on
/// every commit.
///
/// It opens on first use, and again after any failed append. Callers append one batch at a time (the group
/// committer's leader).
public actor UpdateLogConnection {
    private let database: Database
    private var connection: PostgresConnection?

    public init(database: Database) {
        self.database = database
    }

    /// ``DocumentRepository/append(_:on:)`` over this connection.
    public func append(_ updates: [DocumentRepository.NewUpdate]) async throws -> [Int64] {
        let connection: PostgresConnection
        if let open = self.connection, !open.isClosed {
            connection = open
        } else {
            connection = try await database.connect()
            self.connection = connection
        }
        do {
            // On the connection's event loop, "still open" and handing the statement to the connection happen
            // without the channel closing in between. Off the loop, a statement sent just as the server ends
            // the session can be dropped with the channel and its answer never come: the append would hang.
            return try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                guard !connection.isClosed else { throw StorageError(.connectionClosed, "the update log's connection to PostgreSQL closed") }
                return try await database.documents.append(updates, on: connection)
            }
        } catch {
            // After a failed append the connection is not trusted again: a server that ended the session
            // answers with a FATAL error while the socket may still look open for a moment, and the next
            // append would go to the dead connection. Appends fail rarely; opening a new one is cheap.
            if self.connection === connection { self.connection = nil }
            try? await connection.close()
            throw error
        }
    }

    deinit {
        // Not closed by its owner (a test's registry that never ran its shutdown): close it now, keeping the
        // connection alive until its channel is inactive, as postgres-nio requires.
        guard let open = connection, !open.isClosed else { return }
        open.close().whenComplete { _ in _ = open }
    }

    /// Closes the connection (a later append opens a new one).
    public func close() async {
        let open = connection
        connection = nil
        try? await open?.close()
    }
}

/// Runs tasks that prefer it on one NIO event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
