import Foundation
import PostgresNIO

/// What several server nodes sharing one project's log need from it.
extension DocumentRepository {
    /// The highest `seq` of each project's log (projects without rows are left out): one index lookup each.
    public func lastSeqs(projectIDs: [UUID]) async throws -> [UUID: Int64] {
        guard !projectIDs.isEmpty else { return [:] }
        let rows = try await database.client.query(
            """
            SELECT p, (SELECT max(d.seq) FROM document_updates d WHERE d.project_id = p)
            FROM unnest(\(projectIDs)::uuid[]) AS t(p)
            """,
            logger: database.logger
        )
        var heads: [UUID: Int64] = [:]
        for try await (projectID, seq) in rows.decode((UUID, Int64?).self) {
            if let seq { heads[projectID] = seq }
        }
        return heads
    }
}
