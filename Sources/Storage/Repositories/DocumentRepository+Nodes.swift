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

    /// Runs an append again when another node numbered a row of the same project alike: both statements read
    /// the same last `seq`, and the primary key refuses the later one (SQLSTATE 23505) once the first commits.
    /// Nothing of the refused statement was written, and run again it numbers after the other node's rows.
    static func retryingNumberClashes<Result>(_ append: () async throws -> Result) async throws -> Result {
        var clashes = 0
        while true {
            do {
                return try await append()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" && clashes < 50 {
                clashes += 1
            }
        }
    }
}
