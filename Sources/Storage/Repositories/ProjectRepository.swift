import Foundation
import PostgresNIO

/// Projects, always seen through one user's membership.
///
/// Every read takes the caller's user id and only finds projects that user is a member of, so a
/// project of someone else is indistinguishable from one that does not exist. Deleted projects are
/// soft-deleted (`deleted_at`) and invisible.
public struct ProjectRepository: Sendable {
    let database: Database

    private static let columns = "p.id, p.name, p.settings::text, p.created_at, p.updated_at, m.role"

    /// Creates a project with `ownerID` as its owner.
    public func create(name: String, settings: ProjectSettings, ownerID: UUID) async throws -> Project {
        let settingsJSON = try Self.encode(settings)
        let logger = database.logger
        return try await database.transaction { connection in
            let rows = try await connection.query(
                "INSERT INTO projects (name, settings, created_by) VALUES (\(name), \(settingsJSON)::jsonb, \(ownerID)) RETURNING id",
                logger: logger
            )
            guard let id = try await rows.decode(UUID.self).all().first else {
                throw StorageError(.notFound, "insert returned no row")
            }
            try await connection.query(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (\(id), \(ownerID), 'owner')",
                logger: logger
            )
            guard let project = try await Self.find(id: id, userID: ownerID, connection: connection, logger: logger) else {
                throw StorageError(.notFound, "created project vanished")
            }
            return project
        }
    }

    /// The projects `userID` is a member of, most recently updated first.
    public func list(userID: UUID, limit: Int, offset: Int) async throws -> Page<Project> {
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER ()
            FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = \(userID)
            WHERE p.deleted_at IS NULL
            ORDER BY p.updated_at DESC, p.id
            LIMIT \(limit) OFFSET \(offset)
            """,
            logger: database.logger
        )
        var total = 0
        var projects: [Project] = []
        for (id, name, settings, createdAt, updatedAt, role, count) in try await rows.decode(
            (UUID, String, String, Date, Date, String, Int).self
        ).all() {
            total = count
            projects.append(try Self.project(id, name, settings, createdAt, updatedAt, role))
        }
        if projects.isEmpty, offset > 0 {
            let counted = try await database.client.query(
                """
                SELECT count(*) FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = \(userID)
                WHERE p.deleted_at IS NULL
                """,
                logger: database.logger
            )
            total = try await counted.decode(Int.self).all().first ?? 0
        }
        return Page(items: projects, total: total)
    }

    /// The project with `id` if `userID` is a member of it and it is not deleted.
    public func find(id: UUID, userID: UUID) async throws -> Project? {
        let logger = database.logger
        return try await database.client.withConnection { connection in
            try await Self.find(id: id, userID: userID, connection: connection, logger: logger)
        }
    }

    /// Renames a project; returns it as `userID` sees it, or nil when it is not there.
    public func rename(id: UUID, name: String, userID: UUID) async throws -> Project? {
        try await database.client.query(
            "UPDATE projects SET name = \(name), updated_at = now() WHERE id = \(id) AND deleted_at IS NULL",
            logger: database.logger
        )
        return try await find(id: id, userID: userID)
    }

    /// Marks a project deleted. Its rows stay (for recovery by an operator) but no route finds it.
    public func softDelete(id: UUID) async throws {
        try await database.client.query(
            "UPDATE projects SET deleted_at = now() WHERE id = \(id) AND deleted_at IS NULL",
            logger: database.logger
        )
    }

    /// Copies a project (settings, document state and log, versions) into a new project owned by `ownerID`.
    public func duplicate(id: UUID, name: String, ownerID: UUID) async throws -> Project {
        let logger = database.logger
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO projects (name, settings, created_by)
                SELECT \(name), settings, \(ownerID) FROM projects WHERE id = \(id) AND deleted_at IS NULL
                RETURNING id
                """,
                logger: logger
            )
            guard let copy = try await rows.decode(UUID.self).all().first else {
                throw StorageError(.notFound, "project not found")
            }
            try await connection.query(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (\(copy), \(ownerID), 'owner')",
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO document_checkpoints (project_id, seq, state, state_vector, created_at)
                SELECT \(copy), seq, state, state_vector, created_at FROM document_checkpoints WHERE project_id = \(id)
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO document_updates (project_id, seq, payload, author_id, client_id, origin, created_at)
                SELECT \(copy), seq, payload, author_id, client_id, origin, created_at FROM document_updates WHERE project_id = \(id)
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO versions (project_id, seq, kind, label, state, state_vector, created_by, created_at)
                SELECT \(copy), seq, kind, label, state, state_vector, created_by, created_at FROM versions WHERE project_id = \(id)
                """,
                logger: logger
            )
            guard let project = try await Self.find(id: copy, userID: ownerID, connection: connection, logger: logger) else {
                throw StorageError(.notFound, "duplicated project vanished")
            }
            return project
        }
    }

    // MARK: - Helpers

    static func find(id: UUID, userID: UUID, connection: PostgresConnection, logger: Logger) async throws -> Project? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: columns)
            FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = \(userID)
            WHERE p.id = \(id) AND p.deleted_at IS NULL
            """,
            logger: logger
        )
        for (id, name, settings, createdAt, updatedAt, role) in try await rows.decode((UUID, String, String, Date, Date, String).self).all() {
            return try project(id, name, settings, createdAt, updatedAt, role)
        }
        return nil
    }

    static func project(_ id: UUID, _ name: String, _ settings: String, _ createdAt: Date, _ updatedAt: Date, _ role: String) throws -> Project {
        let decoded = (try? JSONDecoder().decode(ProjectSettings.self, from: Data(settings.utf8))) ?? ProjectSettings()
        guard let role = ProjectRole(rawValue: role) else {
            throw StorageError(.notFound, "unknown role \(role) in project_members")
        }
        return Project(id: id, name: name, settings: decoded, createdAt: createdAt, updatedAt: updatedAt, role: role)
    }

    static func encode(_ settings: ProjectSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }
}

extension ProjectRepository {
    /// The name and settings of a live project, whoever asks (for the collaboration server, which has
    /// checked membership already).
    public func settings(id: UUID) async throws -> (name: String, settings: ProjectSettings)? {
        let rows = try await database.client.query(
            "SELECT name, settings::text FROM projects WHERE id = \(id) AND deleted_at IS NULL",
            logger: database.logger
        )
        for (name, settings) in try await rows.decode((String, String).self).all() {
            let decoded = (try? JSONDecoder().decode(ProjectSettings.self, from: Data(settings.utf8))) ?? ProjectSettings()
            return (name, decoded)
        }
        return nil
    }
}
