import Foundation
import NIOCore
import PostgresNIO

/// The update log's hot statement, prepared once per connection (parsed and planned once, not on every
/// commit).
enum DocumentStatements {
    /// Appends updates (possibly of several projects): numbers each project's rows after its last `seq`,
    /// inserts them and touches the projects' `updated_at`, in one statement. Rows: `(project, seq)`.
    struct Append: PostgresPreparedStatement {
        typealias Row = (UUID, Int64)
        static let name = "editbay_log_append_v1"
        // Arrays of optionals do not bind, so absent authors and client ids travel as "".
        static let sql = """
            WITH input AS (
                SELECT p AS project, b AS payload, a AS author, c AS client, o AS origin, n
                FROM unnest($1::uuid[], $2::bytea[], $3::text[], $4::text[], $5::text[])
                    WITH ORDINALITY AS t(p, b, a, c, o, n)
            ), last AS (
                -- A correlated max per project reads one primary-key entry, not the project's whole log.
                SELECT i.project, coalesce((SELECT max(d.seq) FROM document_updates d WHERE d.project_id = i.project), 0) AS seq
                FROM (SELECT DISTINCT project FROM input) i
            ), touched AS (
                UPDATE projects SET updated_at = now() WHERE id IN (SELECT project FROM last)
            )
            INSERT INTO document_updates (project_id, seq, payload, author_id, client_id, origin)
            SELECT i.project, l.seq + row_number() OVER (PARTITION BY i.project ORDER BY i.n), i.payload,
                   nullif(i.author, '')::uuid, nullif(i.client, '')::bigint, i.origin
            FROM input i JOIN last l USING (project)
            RETURNING project_id, seq
            """

        let updates: [DocumentRepository.NewUpdate]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(updates.map(\.projectID))
            bindings.append(updates.map { ByteBuffer(bytes: $0.payload) })
            bindings.append(updates.map { $0.authorID?.uuidString ?? "" })
            bindings.append(updates.map { $0.clientID.map { String(Int64(bitPattern: $0)) } ?? "" })
            bindings.append(updates.map(\.origin))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }
}
