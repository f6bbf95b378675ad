import Foundation
import PostgresNIO

/// Users and their password hashes.
public struct UserRepository: Sendable {
    let database: Database

    /// Creates a user. The email must already be normalised.
    /// - Throws: `StorageError.Code.uniqueViolation` when the email is taken.
    public func create(email: String, displayName: String, passwordHash: String) async throws -> User {
        do {
            let rows = try await database.client.query(
                """
                INSERT INTO users (email, display_name, password_hash) VALUES (\(email), \(displayName), \(passwordHash))
                RETURNING id, email, display_name, created_at
                """,
                logger: database.logger
            )
            for (id, email, name, createdAt) in try await rows.decode((UUID, String, String, Date).self).all() {
                return User(id: id, email: email, displayName: name, createdAt: createdAt)
            }
            throw StorageError(.notFound, "insert returned no row")
        } catch let error as PSQLError where error.isUniqueViolation {
            throw StorageError(.uniqueViolation, "a user with this email exists")
        }
    }

    /// The user with this (normalised) email and its password hash.
    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        let rows = try await database.client.query(
            "SELECT id, email, display_name, created_at, password_hash FROM users WHERE lower(email) = lower(\(email))",
            logger: database.logger
        )
        for (id, email, name, createdAt, hash) in try await rows.decode((UUID, String, String, Date, String).self).all() {
            return (User(id: id, email: email, displayName: name, createdAt: createdAt), hash)
        }
        return nil
    }

    /// The user with this id.
    public func find(id: UUID) async throws -> User? {
        try await first(
            database.client.query("SELECT id, email, display_name, created_at FROM users WHERE id = \(id)", logger: database.logger)
        )
    }

    /// The user with this (normalised) email.
    public func find(email: String) async throws -> User? {
        try await first(
            database.client.query(
                "SELECT id, email, display_name, created_at FROM users WHERE lower(email) = lower(\(email))",
                logger: database.logger
            )
        )
    }

    private func first(_ rows: PostgresRowSequence) async throws -> User? {
        for (id, email, name, createdAt) in try await rows.decode((UUID, String, String, Date).self).all() {
            return User(id: id, email: email, displayName: name, createdAt: createdAt)
        }
        return nil
    }
}
