import Logging
import PostgresNIO

/// The update log's own connection: the group commit's appends go straight to it, with the append statement
/// prepared on it, instead of leasing a pooled connection (and arming and cancelling the pool's timers) on
/// every commit.
///
/// It opens on first use and again after it broke; a failed statement on a healthy connection leaves it
/// open. Callers append one batch at a time (the group committer's leader).
public actor UpdateLogConnection {
    private let database: Database
    private var connection: PostgresConnection?

    public init(database: Database) {
        self.database = database
    }

    /// ``DocumentRepository/append(_:)`` over this connection.
    public func append(_ updates: [DocumentRepository.NewUpdate]) async throws -> [Int64] {
        let connection: PostgresConnection
        if let open = self.connection, !open.isClosed {
            connection = open
        } else {
            connection = try await database.connect()
            self.connection = connection
        }
        do {
            return try await database.documents.append(updates, on: connection)
        } catch {
            if connection.isClosed, self.connection === connection { self.connection = nil }
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
