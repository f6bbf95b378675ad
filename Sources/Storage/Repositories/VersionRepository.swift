import Foundation
import PostgresNIO

/// Versions of a project: a pinned position in the update log with the full state at that point.
public struct VersionRepository: Sendable {
    let database: Database

    /// What made a version.
    public enum Kind: String, Sendable, Codable {
        /// Taken by the server after a burst of activity.
        case auto
        /// Named by a user.
        case named
        /// Taken just before a restore, so the restore itself can be undone.
        case restore
    }

    public struct Version: Sendable {
        public let id: UUID
        public let projectID: UUID
        public let seq: Int64
        public let kind: Kind
        public let label: String?
        public let createdBy: UUID?
        public let createdAt: Date
    }

    private static let columns = "id, project_id, seq, kind, label, created_by, created_at"

    /// Stores a version.
    public func create(
        projectID: UUID,
        seq: Int64,
        kind: Kind,
        label: String?,
        state: [UInt8],
        stateVector: [UInt8],
        createdBy: UUID?
    ) async throws -> Version {
        let rows = try await database.client.query(
            """
            INSERT INTO versions (project_id, seq, kind, label, state, state_vector, created_by)
            VALUES (\(projectID), \(seq), \(kind.rawValue), \(label), \(Data(state)), \(Data(stateVector)), \(createdBy))
            RETURNING \(unescaped: Self.columns)
            """,
            logger: database.logger
        )
        guard let version = try await Self.versions(rows).first else { throw StorageError(.notFound, "insert returned no row") }
        return version
    }

    /// The versions of a project, newest first.
    public func list(projectID: UUID, limit: Int, offset: Int) async throws -> Page<Version> {
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns) FROM versions WHERE project_id = \(projectID)
            ORDER BY created_at DESC, seq DESC LIMIT \(limit) OFFSET \(offset)
            """,
            logger: database.logger
        )
        let count = try await database.client.query(
            "SELECT count(*) FROM versions WHERE project_id = \(projectID)",
            logger: database.logger
        )
        return Page(items: try await Self.versions(rows), total: try await count.decode(Int.self).all().first ?? 0)
    }

    /// One version and its full state.
    public func find(projectID: UUID, id: UUID) async throws -> (version: Version, state: [UInt8])? {
        let rows = try await database.client.query(
            "SELECT \(unescaped: Self.columns), state FROM versions WHERE project_id = \(projectID) AND id = \(id)",
            logger: database.logger
        )
        for row in try await rows.decode((UUID, UUID, Int64, String, String?, UUID?, Date, Data).self).all() {
            let version = Version(id: row.0, projectID: row.1, seq: row.2, kind: Kind(rawValue: row.3) ?? .auto, label: row.4, createdBy: row.5, createdAt: row.6)
            return (version, Array(row.7))
        }
        return nil
    }

    private static func versions(_ rows: PostgresRowSequence) async throws -> [Version] {
        try await rows.decode((UUID, UUID, Int64, String, String?, UUID?, Date).self).all().map {
            Version(id: $0.0, projectID: $0.1, seq: $0.2, kind: Kind(rawValue: $0.3) ?? .auto, label: $0.4, createdBy: $0.5, createdAt: $0.6)
        }
    }
}
