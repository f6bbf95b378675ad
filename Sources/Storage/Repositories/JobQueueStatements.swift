import Foundation
import PostgresNIO

/// The job queue's hot statements, prepared once per connection: under load PostgreSQL neither parses nor
/// plans them again (planning was a quarter of its CPU per job when they were sent as plain queries).
///
/// Nullable values travel in arrays as sentinels: an empty string for a missing UUID, NaN for a missing
/// number or time.
enum JobQueueStatements {
    /// Inserts jobs (status `queued`) given with their ids; one event row each; wakes the workers.
    struct Enqueue: PostgresPreparedStatement {
        typealias Row = JobRecord
        static let name = "editbay_jobs_enqueue_v1"
        static let sql = """
            WITH j AS (
                INSERT INTO jobs (id, project_id, kind, params, max_attempts, run_after, created_by, timeout_seconds)
                SELECT i.id, nullif(i.project, '')::uuid, i.kind, i.params::jsonb, i.attempts,
                       CASE WHEN i.run_after = 'NaN'::float8 THEN now() ELSE to_timestamp(i.run_after) END,
                       nullif(i.creator, '')::uuid, nullif(i.timeout, 'NaN'::float8)
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::float8[], $7::text[], $8::float8[])
                    AS i(id, project, kind, params, attempts, run_after, creator, timeout)
                RETURNING *
            )
            \(JobRepository.changed(event: "queued", wake: true))
            """

        let jobs: [(id: UUID, job: NewJobRecord)]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bindings.append(jobs.map(\.id))
            bindings.append(jobs.map { $0.job.projectID?.uuidString ?? "" })
            bindings.append(jobs.map(\.job.kind))
            bindings.append(jobs.map(\.job.params))
            bindings.append(jobs.map(\.job.maxAttempts))
            bindings.append(jobs.map { $0.job.runAfter?.timeIntervalSince1970 ?? .nan })
            bindings.append(jobs.map { $0.job.createdBy?.uuidString ?? "" })
            bindings.append(jobs.map { $0.job.timeoutSeconds ?? .nan })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> JobRecord { try JobRepository.record(row.makeRandomAccess()) }
    }

    /// Marks jobs succeeded (each under its lease) and claims up to `limit` queued jobs within the per-kind
    /// capacities, in one statement: a worker slot that finishes a job gets its next one in the same round
    /// trip. Either half may be empty. Rows: `claimed` (false: a completed job, true: a claimed one), then
    /// the job's columns.
    struct CompleteAndClaim: PostgresPreparedStatement {
        typealias Row = (claimed: Bool, record: JobRecord)
        static let name = "editbay_jobs_complete_and_claim_v1"
        static let sql = """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::text[]) AS i(id, worker, attempt, result)
            ), done AS (
                UPDATE jobs SET status = 'succeeded', progress = 1, result = input.result::jsonb, error = NULL,
                    finished_at = now(), updated_at = now()
                FROM input
                WHERE jobs.id = input.id AND jobs.locked_by = input.worker AND jobs.attempts = input.attempt
                  AND jobs.status = 'running'
                RETURNING jobs.*
            ), done_events AS (
                INSERT INTO job_events (job_id, kind, data)
                SELECT id, 'succeeded', jsonb_build_object('status', status, 'attempt', attempts) FROM done
            ), locked AS (
                SELECT * FROM editbay_due_jobs($5::text[], $6::int4)
            ), next AS (
                SELECT l.id FROM (
                    SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY run_after, created_at) AS rank FROM locked
                ) l JOIN unnest($5::text[], $7::int8[]) AS c(kind, cap) ON c.kind = l.kind
                WHERE l.rank <= c.cap
            ), claimed AS (
                UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $8::text,
                    heartbeat_at = now(), started_at = coalesce(started_at, now()), updated_at = now()
                FROM next WHERE jobs.id = next.id
                RETURNING jobs.*
            ), claimed_events AS (
                INSERT INTO job_events (job_id, kind, data)
                SELECT id, 'running', jsonb_build_object('status', status, 'attempt', attempts) FROM claimed
            )
            SELECT false, \(JobRepository.columns), \(JobRepository.changedNotification) FROM done j
            UNION ALL
            SELECT true, \(JobRepository.columns), \(JobRepository.changedNotification) FROM claimed j
            """

        var completions: [(lease: JobLease, result: String)]
        var capacities: [String: Int]
        var workerID: String
        var limit: Int

        func makeBindings() throws -> PostgresBindings {
            let open = capacities.filter { $0.value > 0 }
            let kinds = limit > 0 ? Array(open.keys) : []
            var bindings = PostgresBindings(capacity: 8)
            bindings.append(completions.map(\.lease.jobID))
            bindings.append(completions.map(\.lease.workerID))
            bindings.append(completions.map(\.lease.attempt))
            bindings.append(completions.map(\.result))
            bindings.append(kinds)
            bindings.append(Int32(kinds.isEmpty ? 0 : max(0, limit)))
            bindings.append(kinds.map { open[$0] ?? 0 })
            bindings.append(workerID)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let columns = row.makeRandomAccess()
            return (try columns[0].decode(Bool.self), try JobRepository.record(columns, from: 1))
        }
    }
}

extension JobRepository {
    /// Adds jobs (status `queued`) in one statement and wakes the workers; the records come back in the
    /// order given. A batch is atomic: all are added or none.
    public func enqueue(_ jobs: [NewJobRecord]) async throws -> [JobRecord] {
        guard !jobs.isEmpty else { return [] }
        let identified = jobs.map { (id: UUID(), job: $0) }
        var byID: [UUID: JobRecord] = [:]
        for try await record in try await database.client.execute(JobQueueStatements.Enqueue(jobs: identified), logger: database.logger) {
            byID[record.id] = record
        }
        return try identified.map {
            guard let record = byID[$0.id] else { throw StorageError(.notFound, "insert returned no row for a job") }
            return record
        }
    }

    /// Marks jobs succeeded (`results` JSON text, one per lease) and claims up to `limit` queued jobs whose
    /// time has come, oldest first, at most `capacities[kind]` of each kind, for `workerID`, in one
    /// statement (`FOR UPDATE SKIP LOCKED`: concurrent claimers never get the same job). Returns the jobs
    /// whose lease still held, and the claimed ones (running, attempt counted, heartbeat started).
    public func completeAndClaim(
        _ leases: [JobLease], results: [String], capacities: [String: Int], workerID: String, limit: Int
    ) async throws -> (completed: [JobRecord], claimed: [JobRecord]) {
        precondition(leases.count == results.count)
        let statement = JobQueueStatements.CompleteAndClaim(
            completions: Array(zip(leases, results)), capacities: capacities, workerID: workerID, limit: limit
        )
        guard !leases.isEmpty || (limit > 0 && capacities.contains { $0.value > 0 }) else { return ([], []) }
        var completed: [JobRecord] = []
        var claimed: [JobRecord] = []
        for try await row in try await database.client.execute(statement, logger: database.logger) {
            if row.claimed { claimed.append(row.record) } else { completed.append(row.record) }
        }
        return (completed, claimed)
    }
}
