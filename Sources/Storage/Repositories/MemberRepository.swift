import Foundation
import PostgresNIO

/// Who may open a project, and with which role.
public struct MemberRepository: Sendable {
    let database: Database

    /// What a membership change did.
    public enum Change: Sendable, Equatable {
        case done
        /// The user is not a member of the project.
        case notMember
        /// The change would leave the project without an owner.
        case lastOwner
    }

    /// The members of a project, owners first.
    public func list(projectID: UUID) async throws -> [ProjectMember] {
        let rows = try await database.client.query(
            """
            SELECT u.id, u.email, u.display_name, u.created_at, m.role, m.added_at
            FROM project_members m JOIN users u ON u.id = m.user_id
            WHERE m.project_id = \(projectID)
            ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'commenter' THEN 2 ELSE 3 END, m.added_at, u.id
            """,
            logger: database.logger
        )
        return try await rows.decode((UUID, String, String, Date, String, Date).self).all().map { id, email, name, createdAt, role, addedAt in
            ProjectMember(
                user: User(id: id, email: email, displayName: name, createdAt: createdAt),
                role: ProjectRole(rawValue: role) ?? .viewer,
                addedAt: addedAt
            )
        }
    }

    /// The role of `userID` in a live (not deleted) project, or nil when not a member.
    public func role(projectID: UUID, userID: UUID) async throws -> ProjectRole? {
        let rows = try await database.client.query(
            """
            SELECT m.role FROM project_members m JOIN projects p ON p.id = m.project_id
            WHERE m.project_id = \(projectID) AND m.user_id = \(userID) AND p.deleted_at IS NULL
            """,
            logger: database.logger
        )
        return try await rows.decode(String.self).all().first.flatMap(ProjectRole.init(rawValue:))
    }

    /// Adds a member. - Throws: `StorageError.Code.uniqueViolation` when already a member.
    public func add(projectID: UUID, userID: UUID, role: ProjectRole) async throws {
        do {
            try await database.client.query(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (\(projectID), \(userID), \(role.rawValue))",
                logger: database.logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw StorageError(.uniqueViolation, "already a member")
        }
    }

    /// Changes a member's role; refuses to demote the last owner.
    public func setRole(projectID: UUID, userID: UUID, role: ProjectRole) async throws -> Change {
        try await change(projectID: projectID, userID: userID, losesOwnership: role != .owner) { connection, logger in
            try await connection.query(
                "UPDATE project_members SET role = \(role.rawValue) WHERE project_id = \(projectID) AND user_id = \(userID)",
                logger: logger
            )
        }
    }

    /// Removes a member; refuses to remove the last owner.
    public func remove(projectID: UUID, userID: UUID) async throws -> Change {
        try await change(projectID: projectID, userID: userID, losesOwnership: true) { connection, logger in
            try await connection.query(
                "DELETE FROM project_members WHERE project_id = \(projectID) AND user_id = \(userID)",
                logger: logger
            )
        }
    }

    /// Runs a membership change with the project row locked, so two concurrent changes cannot both
    /// remove "one of two" owners and leave none.
    private func change(
        projectID: UUID,
        userID: UUID,
        losesOwnership: Bool,
        _ apply: @escaping @Sendable (PostgresConnection, Logger) async throws -> Void
    ) async throws -> Change {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT id FROM projects WHERE id = \(projectID) FOR UPDATE", logger: logger)
            let current = try await connection.query(
                "SELECT role FROM project_members WHERE project_id = \(projectID) AND user_id = \(userID)",
                logger: logger
            )
            guard let role = try await current.decode(String.self).all().first else { return Change.notMember }
            if role == ProjectRole.owner.rawValue, losesOwnership {
                let owners = try await connection.query(
                    "SELECT count(*) FROM project_members WHERE project_id = \(projectID) AND role = 'owner'",
                    logger: logger
                )
                if (try await owners.decode(Int.self).all().first ?? 0) <= 1 { return Change.lastOwner }
            }
            try await apply(connection, logger)
            return Change.done
        }
    }
}
