import Foundation
import PostgresNIO

/// Refresh tokens, stored only as hashes and grouped in families.
///
/// A login starts a family; each refresh marks the presented token used and issues the next one in the
/// same family. Presenting a token that was already used (or revoked) means it leaked: the whole family
/// is revoked, which logs out both the thief and the user.
public struct RefreshTokenRepository: Sendable {
    let database: Database

    /// What happened to a presented refresh token.
    public enum Rotation: Sendable, Equatable {
        /// The token was valid and is now used; the new token was stored in its family.
        case rotated(userID: UUID, familyID: UUID)
        /// No token has this hash.
        case unknown
        /// The token had expired.
        case expired
        /// The token was already used: it leaked, so its whole family is now revoked.
        case reused
        /// The token was revoked (its session was signed out).
        case revoked
    }

    /// Stores a new token (the start of a family, or the next one in it).
    public func insert(userID: UUID, familyID: UUID, tokenHash: [UInt8], expiresAt: Date) async throws {
        try await database.client.query(
            """
            INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
            VALUES (\(userID), \(familyID), \(Data(tokenHash)), \(expiresAt))
            """,
            logger: database.logger
        )
    }

    /// Atomically consumes the token with `tokenHash` and stores its successor, or reports why not.
    public func rotate(tokenHash: [UInt8], nextTokenHash: [UInt8], nextExpiresAt: Date) async throws -> Rotation {
        let presented = Data(tokenHash)
        let next = Data(nextTokenHash)
        let logger = database.logger
        return try await database.transaction { connection in
            let consumed = try await connection.query(
                """
                UPDATE refresh_tokens SET used_at = now()
                WHERE token_hash = \(presented) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
                RETURNING user_id, family_id
                """,
                logger: logger
            )
            for (userID, familyID) in try await consumed.decode((UUID, UUID).self).all() {
                try await connection.query(
                    """
                    INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
                    VALUES (\(userID), \(familyID), \(next), \(nextExpiresAt))
                    """,
                    logger: logger
                )
                return .rotated(userID: userID, familyID: familyID)
            }
            let existing = try await connection.query(
                """
                SELECT family_id, used_at IS NOT NULL, revoked_at IS NOT NULL, expires_at <= now()
                FROM refresh_tokens WHERE token_hash = \(presented)
                """,
                logger: logger
            )
            for (familyID, used, revoked, expired) in try await existing.decode((UUID, Bool, Bool, Bool).self).all() {
                if used {
                    try await connection.query(
                        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = \(familyID) AND revoked_at IS NULL",
                        logger: logger
                    )
                    return .reused
                }
                if revoked { return .revoked }
                if expired { return .expired }
            }
            return .unknown
        }
    }

    /// Revokes the family of the token with `tokenHash` (logout). Returns false when no token matches.
    @discardableResult
    public func revokeFamily(ofTokenHash tokenHash: [UInt8]) async throws -> Bool {
        let rows = try await database.client.query(
            """
            UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
            WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(Data(tokenHash)))
            RETURNING id
            """,
            logger: database.logger
        )
        var count = 0
        for try await _ in rows { count += 1 }
        return count > 0
    }
}
