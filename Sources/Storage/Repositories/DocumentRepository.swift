import Foundation
import NIOCore
import PostgresNIO

/// A project's CRDT document in PostgreSQL: the append-only update log and its checkpoints.
///
/// Each accepted Yjs update is a row of `document_updates`, numbered per project (`seq` from 1). A
/// checkpoint stores the merged state up to a `seq`, so loading reads the latest checkpoint plus the
/// rows after it.
public struct DocumentRepository: Sendable {
    let database: Database

    /// One update to append.
    public struct NewUpdate: Sendable {
        public let projectID: UUID
        public let payload: [UInt8]
        public let authorID: UUID?
        public let clientID: UInt64?
        /// What produced it: `sync` (a Yjs client), `live` (a JSON client), `rest`, `server`, `restore`, `job`.
        public let origin: String

        public init(projectID: UUID, payload: [UInt8], authorID: UUID?, clientID: UInt64?, origin: String) {
            self.projectID = projectID
            self.payload = payload
            self.authorID = authorID
            self.clientID = clientID
            self.origin = origin
        }
    }

    /// A stored update.
    public struct StoredUpdate: Sendable {
        public let seq: Int64
        public let payload: [UInt8]
        public let authorID: UUID?
        public let origin: String
        public let createdAt: Date
    }

    /// A stored checkpoint.
    public struct Checkpoint: Sendable {
        public let seq: Int64
        public let state: [UInt8]
    }

    /// Appends `updates` (possibly of several projects) in ONE statement, one commit for all: the group
    /// commit of the persistence pipeline, on the connection of the log's writer (``UpdateLogConnection``,
    /// outside the pool). Returns each update's `seq`, in the order given.
    ///
    /// One round trip: the statement numbers each project's new rows after its current last `seq`,
    /// inserts them and touches the projects' `updated_at`. One node's `GroupCommitter` writes one batch at a
    /// time; when several nodes append to one project at once, both statements read the same last `seq` and
    /// the primary key refuses the later one (SQLSTATE 23505) once the first commits. Nothing of the refused
    /// statement was written, so it is run again and numbers after the other node's rows.
    public func append(_ updates: [NewUpdate], on connection: PostgresConnection) async throws -> [Int64] {
        guard !updates.isEmpty else { return [] }
        var clashes = 0
        while true {
            do {
                let rows = try await connection.execute(DocumentStatements.Append(updates: updates), logger: database.logger)
                return try await Self.seqs(of: updates, from: rows)
            } catch let error as PSQLError where error.isUniqueViolation && clashes < 50 {
                clashes += 1
            }
        }
    }

    /// Each update's `seq` from the statement's `(project, seq)` rows: each project's new seqs, ascending,
    /// belong to its updates in the order given.
    private static func seqs<Rows: AsyncSequence>(of updates: [NewUpdate], from rows: Rows) async throws -> [Int64]
    where Rows.Element == (UUID, Int64) {
        var assigned: [UUID: [Int64]] = [:]
        for try await (project, seq) in rows { assigned[project, default: []].append(seq) }
        for key in assigned.keys { assigned[key]!.sort(by: >) }
        return try updates.map { update in
            guard let seq = assigned[update.projectID]?.popLast() else {
                throw StorageError(.notFound, "the log did not number every appended update")
            }
            return seq
        }
    }

    /// The latest checkpoint of a project, if any.
    public func latestCheckpoint(projectID: UUID) async throws -> Checkpoint? {
        let rows = try await database.client.query(
            "SELECT seq, state FROM document_checkpoints WHERE project_id = \(projectID) ORDER BY seq DESC LIMIT 1",
            logger: database.logger
        )
        return try await rows.decode((Int64, Data).self).all().first.map { Checkpoint(seq: $0.0, state: Array($0.1)) }
    }

    /// The updates after `seq`, in order.
    public func updates(projectID: UUID, after seq: Int64, limit: Int = 1_000_000) async throws -> [StoredUpdate] {
        let rows = try await database.client.query(
            """
            SELECT seq, payload, author_id, origin, created_at FROM document_updates
            WHERE project_id = \(projectID) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
            """,
            logger: database.logger
        )
        return try await rows.decode((Int64, Data, UUID?, String, Date).self).all().map {
            StoredUpdate(seq: $0.0, payload: Array($0.1), authorID: $0.2, origin: $0.3, createdAt: $0.4)
        }
    }

    /// The highest `seq` of a project's log (0 when empty).
    public func lastSeq(projectID: UUID) async throws -> Int64 {
        let rows = try await database.client.query(
            "SELECT coalesce(max(seq), 0)::bigint FROM document_updates WHERE project_id = \(projectID)",
            logger: database.logger
        )
        return try await rows.decode(Int64.self).all().first ?? 0
    }

    /// Stores the merged state up to `seq` and drops older checkpoints of the project (the log stays whole).
    public func writeCheckpoint(projectID: UUID, seq: Int64, state: [UInt8], stateVector: [UInt8]) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO document_checkpoints (project_id, seq, state, state_vector)
                VALUES (\(projectID), \(seq), \(Data(state)), \(Data(stateVector)))
                ON CONFLICT (project_id, seq) DO UPDATE SET state = EXCLUDED.state, state_vector = EXCLUDED.state_vector
                """,
                logger: logger
            )
            try await connection.query(
                "DELETE FROM document_checkpoints WHERE project_id = \(projectID) AND seq < \(seq)",
                logger: logger
            )
        }
    }
}

extension DocumentRepository {
    /// The log newest first: entries before `seq` (all when nil), at most `limit`.
    public func history(projectID: UUID, before seq: Int64?, limit: Int) async throws -> [StoredUpdate] {
        let upper = seq ?? Int64.max
        let rows = try await database.client.query(
            """
            SELECT seq, payload, author_id, origin, created_at FROM document_updates
            WHERE project_id = \(projectID) AND seq < \(upper) ORDER BY seq DESC LIMIT \(limit)
            """,
            logger: database.logger
        )
        return try await rows.decode((Int64, Data, UUID?, String, Date).self).all().map {
            StoredUpdate(seq: $0.0, payload: Array($0.1), authorID: $0.2, origin: $0.3, createdAt: $0.4)
        }
    }
}
