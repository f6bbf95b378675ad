import Foundation
import PostgresNIO

extension JobRepository {
    /// Claims bringing a job's placeholder asset in step with `status`: true for the one caller (of any node)
    /// that records this status first, false when it is recorded already (another node, or an earlier
    /// notification, took care of it).
    public func claimPlaceholderFollow(jobID: UUID, status: String) async throws -> Bool {
        let rows = try await database.client.query(
            """
            INSERT INTO job_placeholder_follows (job_id, status) VALUES (\(jobID), \(status))
            ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()
                WHERE job_placeholder_follows.status IS DISTINCT FROM EXCLUDED.status
            RETURNING job_id
            """,
            logger: database.logger
        )
        return try await rows.decode(UUID.self).all().count == 1
    }
}
