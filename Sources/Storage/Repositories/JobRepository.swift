import Foundation
import PostgresNIO

extension Database {
    /// The job queue's tables: `jobs`, `job_events`, `job_landings`.
    public var jobs: JobRepository { JobRepository(database: self) }
}

/// The durable job queue in PostgreSQL.
///
/// Every statement that changes a job is one SQL statement (CTEs), so it is atomic without an explicit
/// transaction and costs one round trip. Each change writes a `job_events` row when the status changes or a
/// step starts or ends, and sends `NOTIFY editbay_job_changed` with `{"job": id, "project": id, "status": …}`
/// in the same statement, so another process can relay it. Writes by a worker are conditioned on its
/// ``JobLease``: once a job was taken over, the old worker's writes change nothing.
public struct JobRepository: Sendable {
    let database: Database

    /// The notification channels (payloads in parentheses).
    public enum Channel {
        /// A job became runnable (its kind).
        public static let enqueued = "editbay_job_enqueued"
        /// A job changed (`{"job", "project", "status"}` JSON).
        public static let changed = "editbay_job_changed"
        /// Cancel was requested for a running job (its id).
        public static let cancel = "editbay_job_cancel"
        /// A landing waits to be applied (the job id).
        public static let landingPending = "editbay_landing_pending"
        /// A landing was applied or rejected (the job id).
        public static let landingDone = "editbay_landing_done"
    }

    static let columns = """
        j.id, j.project_id, j.kind, j.params::text, j.status, j.steps::text, j.progress, j.attempts, j.max_attempts, \
        j.run_after, j.heartbeat_at, j.locked_by, j.cancel_requested, j.result::text, j.error::text, j.timeout_seconds, \
        j.created_by, j.created_at, j.updated_at, j.started_at, j.finished_at
        """

    /// `SELECT` of the changed rows of CTE `j`, with an event row and the change notification; `wake`
    /// sends `NOTIFY editbay_job_enqueued` for a row that is (back) in the queue, `stop` the cancel
    /// notification for a running one. (In the select list: a notification in an unreferenced or
    /// counted CTE may never run.)
    static func changed(event: String, wake: Bool = false, stop: Bool = false) -> String {
        let wakeExpression = wake ? "CASE WHEN j.status = 'queued' THEN pg_notify('\(Channel.enqueued)', j.kind) END" : "NULL"
        let stopExpression = stop ? "CASE WHEN j.status = 'running' THEN pg_notify('\(Channel.cancel)', j.id::text) END" : "NULL"
        return """
            , ev AS (INSERT INTO job_events (job_id, kind, data)
                     SELECT id, '\(event)', jsonb_build_object('status', status, 'attempt', attempts) FROM j)
            SELECT \(columns), \(changedNotification), \(wakeExpression), \(stopExpression)
            FROM j
            """
    }

    /// The change notification of row `j` (a select-list expression).
    static let changedNotification =
        "pg_notify('\(Channel.changed)', json_build_object('job', j.id, 'project', j.project_id, 'status', j.status)::text)"

    /// Adds a job (status `queued`) and wakes the workers.
    public func enqueue(_ job: NewJobRecord) async throws -> JobRecord {
        guard let record = try await enqueue([job]).first else { throw StorageError(.notFound, "insert returned no row") }
        return record
    }

    /// One job.
    public func find(id: UUID) async throws -> JobRecord? {
        let rows = try await database.client.query("SELECT \(unescaped: Self.columns) FROM jobs j WHERE j.id = \(id)", logger: database.logger)
        return try await Self.records(rows).first
    }

    /// The jobs of a project, newest first, optionally only some statuses and one kind.
    public func list(
        projectID: UUID, statuses: [JobRecord.Status]?, kind: String?, limit: Int, offset: Int
    ) async throws -> Page<JobRecord> {
        let statusNames = statuses?.map(\.rawValue)
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () FROM jobs j
            WHERE j.project_id = \(projectID)
              AND (\(statusNames)::text[] IS NULL OR j.status = ANY(\(statusNames)::text[]))
              AND (\(kind)::text IS NULL OR j.kind = \(kind)::text)
            ORDER BY j.created_at DESC, j.id DESC LIMIT \(limit) OFFSET \(offset)
            """,
            logger: database.logger
        )
        var items: [JobRecord] = []
        var total = 0
        for try await row in rows {
            let random = row.makeRandomAccess()
            items.append(try Self.record(random))
            total = try random[21].decode(Int.self)
        }
        if items.isEmpty && offset > 0 {
            let count = try await database.client.query(
                """
                SELECT count(*) FROM jobs j WHERE j.project_id = \(projectID)
                  AND (\(statusNames)::text[] IS NULL OR j.status = ANY(\(statusNames)::text[]))
                  AND (\(kind)::text IS NULL OR j.kind = \(kind)::text)
                """,
                logger: database.logger
            )
            total = try await count.decode(Int.self).all().first ?? 0
        }
        return Page(items: items, total: total)
    }

    /// The events of a job, oldest first.
    public func events(jobID: UUID) async throws -> [JobEventRecord] {
        let rows = try await database.client.query(
            "SELECT id, job_id, kind, data::text, created_at FROM job_events WHERE job_id = \(jobID) ORDER BY id",
            logger: database.logger
        )
        return try await rows.decode((Int64, UUID, String, String, Date).self).all().map {
            JobEventRecord(id: $0.0, jobID: $0.1, kind: $0.2, data: $0.3, createdAt: $0.4)
        }
    }

    // MARK: Claiming and running

    /// Claims the oldest runnable job of one of `kinds` for `workerID`: a queued job whose time has come or,
    /// with `lapsedAfter`, a running job whose heartbeat is older than that many seconds (a takeover).
    public func claim(kinds: [String], workerID: String, lapsedAfter: Double? = nil) async throws -> JobRecord? {
        if let lapsedAfter { return try await claimLapsed(kinds: kinds, workerID: workerID, lapsedAfter: lapsedAfter) }
        return try await claim(capacities: Dictionary(kinds.map { ($0, 1) }, uniquingKeysWith: { a, _ in a }), workerID: workerID, limit: 1).first
    }

    /// Claims up to `limit` queued jobs whose time has come, oldest first, at most `capacities[kind]` of each
    /// kind, for `workerID`: sets them running, counts the attempt and starts the heartbeat.
    /// `FOR UPDATE SKIP LOCKED`: concurrent claimers never get the same job.
    public func claim(capacities: [String: Int], workerID: String, limit: Int) async throws -> [JobRecord] {
        try await completeAndClaim([], results: [], capacities: capacities, workerID: workerID, limit: limit).claimed
    }

    /// Claims the running job of one of `kinds` whose heartbeat is oldest, if older than `lapsedAfter` seconds
    /// (its worker died): a takeover, counted as an attempt.
    public func claimLapsed(kinds: [String], workerID: String, lapsedAfter: Double) async throws -> JobRecord? {
        guard !kinds.isEmpty else { return nil }
        let rows = try await database.client.query(
            """
            WITH next AS (
                SELECT id FROM jobs WHERE kind = ANY(\(kinds)::text[]) AND status = 'running'
                  AND heartbeat_at < now() - make_interval(secs => \(lapsedAfter)::float8)
                ORDER BY heartbeat_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ), j AS (
                UPDATE jobs SET attempts = attempts + 1, locked_by = \(workerID), heartbeat_at = now(), updated_at = now()
                FROM next WHERE jobs.id = next.id
                RETURNING jobs.*
            )
            \(unescaped: Self.changed(event: "takeover"))
            """,
            logger: database.logger
        )
        return try await Self.records(rows).first
    }

    /// Seconds until a job of `kinds` becomes claimable (queued with a later `run_after`, or running with a
    /// heartbeat that lapses after `lapsedAfter` seconds); nil when there is none. May be negative.
    public func secondsUntilNextDue(kinds: [String], lapsedAfter: Double) async throws -> Double? {
        let rows = try await database.client.query(
            """
            SELECT extract(epoch FROM least(
                (SELECT min(run_after) FROM jobs WHERE status = 'queued' AND kind = ANY(\(kinds)::text[])),
                (SELECT min(heartbeat_at) FROM jobs WHERE status = 'running' AND kind = ANY(\(kinds)::text[]))
                    + make_interval(secs => \(lapsedAfter)::float8)
            ) - now())::float8
            """,
            logger: database.logger
        )
        return try await rows.decode(Double?.self).all().first ?? nil
    }

    /// Records that the worker is alive. Returns nil when the lease is lost (the job was taken over, or it
    /// is no longer running), else whether cancel was requested.
    public func heartbeat(_ lease: JobLease) async throws -> Bool? {
        let rows = try await database.client.query(
            """
            UPDATE jobs SET heartbeat_at = now()
            WHERE id = \(lease.jobID) AND locked_by = \(lease.workerID) AND attempts = \(lease.attempt) AND status = 'running'
            RETURNING cancel_requested
            """,
            logger: database.logger
        )
        return try await rows.decode(Bool.self).all().first
    }

    /// Stores progress (0–1) and the steps (JSON text); `stepEvent` (e.g. `{"name": …, "status": …}`)
    /// also writes a `step` event. Returns false when the lease is lost.
    @discardableResult
    public func updateProgress(_ lease: JobLease, progress: Double, steps: String, stepEvent: String?) async throws -> Bool {
        let rows = try await database.client.query(
            """
            WITH j AS (
                UPDATE jobs SET progress = \(min(max(progress, 0), 1)), steps = \(steps)::jsonb, updated_at = now()
                WHERE id = \(lease.jobID) AND locked_by = \(lease.workerID) AND attempts = \(lease.attempt) AND status = 'running'
                RETURNING *
            ), ev AS (INSERT INTO job_events (job_id, kind, data) SELECT id, 'step', \(stepEvent)::jsonb FROM j WHERE \(stepEvent)::text IS NOT NULL)
            SELECT j.id, pg_notify('\(unescaped: Channel.changed)', json_build_object('job', j.id, 'project', j.project_id, 'status', j.status)::text)
            FROM j
            """,
            logger: database.logger
        )
        return try await rows.collect().count == 1
    }

    /// Marks the job succeeded with its result (JSON text). Nil when the lease is lost.
    public func complete(_ lease: JobLease, result: String) async throws -> JobRecord? {
        try await finish(
            lease, event: "succeeded", value: result,
            set: "status = 'succeeded', progress = 1, result = (SELECT value FROM arg)::jsonb, error = NULL, finished_at = now()"
        )
    }

    /// Marks several jobs succeeded in one statement (`results` JSON text, one per lease). Returns the jobs
    /// whose lease still held.
    public func complete(_ leases: [JobLease], results: [String]) async throws -> [JobRecord] {
        try await completeAndClaim(leases, results: results, capacities: [:], workerID: "", limit: 0).completed
    }

    /// Records a failure (`error` is JSON text). With `retryDelay` and attempts left, the job goes back to
    /// `queued` to run again after that many seconds; otherwise it ends `failed`. Nil when the lease is lost.
    public func fail(_ lease: JobLease, error: String, retryDelay: Double?) async throws -> JobRecord? {
        let again = "(SELECT delay FROM arg) IS NOT NULL AND attempts < max_attempts"
        return try await finish(
            lease, event: "failed", value: error, delay: retryDelay.map { max($0, 0) },
            set: """
                error = (SELECT value FROM arg)::jsonb,
                status = CASE WHEN \(again) THEN 'queued' ELSE 'failed' END,
                run_after = CASE WHEN \(again) THEN now() + make_interval(secs => (SELECT delay FROM arg)) ELSE run_after END,
                heartbeat_at = NULL,
                finished_at = CASE WHEN \(again) THEN NULL ELSE now() END
                """
        )
    }

    /// Marks a running job cancelled (its worker stopped it), with `error` (JSON text); a landing of the job
    /// that nobody is applying is rejected, so nothing lands after a cancel. Nil when the lease is lost.
    public func markCancelled(_ lease: JobLease, error: String, landingOutcome: String) async throws -> JobRecord? {
        let record = try await finish(
            lease, event: "cancelled", value: error,
            set: "status = 'cancelled', error = (SELECT value FROM arg)::jsonb, finished_at = now()"
        )
        if record != nil { try await rejectUnclaimedLanding(jobID: lease.jobID, outcome: landingOutcome) }
        return record
    }

    /// Puts a running job back in the queue without counting the attempt (a worker shutting down).
    public func release(_ lease: JobLease) async throws -> JobRecord? {
        try await finish(
            lease, event: "released", value: nil,
            set: "status = 'queued', attempts = attempts - 1, run_after = now(), heartbeat_at = NULL"
        )
    }

    /// One conditional update of a running job under `lease`; `set` may read `(SELECT value FROM arg)`
    /// (`value`, text) and `(SELECT delay FROM arg)` (`delay`, seconds). A job that ends up queued wakes the workers.
    private func finish(_ lease: JobLease, event: String, value: String?, delay: Double? = nil, set: String) async throws -> JobRecord? {
        var query: PostgresQuery = """
            WITH arg AS (SELECT \(value)::text AS value, \(delay)::float8 AS delay),
            j AS (
                UPDATE jobs SET \(unescaped: set), updated_at = now()
                WHERE id = \(lease.jobID) AND locked_by = \(lease.workerID) AND attempts = \(lease.attempt) AND status = 'running'
                RETURNING *
            )
            """
        query.sql += Self.changed(event: event, wake: true)
        let rows = try await database.client.query(query, logger: database.logger)
        return try await Self.records(rows).first
    }

    /// Stores what a provider handed back (JSON text) before the job polls it. False when the lease is lost.
    @discardableResult
    public func saveProviderState(_ lease: JobLease, state: String) async throws -> Bool {
        let rows = try await database.client.query(
            """
            UPDATE jobs SET provider_state = \(state)::jsonb, updated_at = now()
            WHERE id = \(lease.jobID) AND locked_by = \(lease.workerID) AND attempts = \(lease.attempt) AND status = 'running'
            RETURNING id
            """,
            logger: database.logger
        )
        return try await rows.collect().count == 1
    }

    /// The provider state a previous attempt saved (JSON text).
    public func providerState(jobID: UUID) async throws -> String? {
        let rows = try await database.client.query("SELECT provider_state::text FROM jobs WHERE id = \(jobID)", logger: database.logger)
        return try await rows.decode(String?.self).all().first ?? nil
    }

    // MARK: Cancel and retry (users)

    /// Requests cancel: a queued job is cancelled at once (`error` JSON text); a running job is flagged and its
    /// worker notified (it stops the job and marks it cancelled). Other jobs are returned unchanged; nil when
    /// there is no such job.
    public func cancel(id: UUID, error: String) async throws -> JobRecord? {
        let rows = try await database.client.query(
            """
            WITH j AS (
                UPDATE jobs SET
                    status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                    cancel_requested = true,
                    error = CASE WHEN status = 'queued' THEN \(error)::jsonb ELSE error END,
                    finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
                    updated_at = now()
                WHERE id = \(id) AND status IN ('queued', 'running') AND NOT cancel_requested
                RETURNING *
            )
            \(unescaped: Self.changed(event: "cancel_requested", stop: true))
            """,
            logger: database.logger
        )
        if let record = try await Self.records(rows).first { return record }
        return try await find(id: id)
    }

    /// Runs a failed or cancelled job again: back to `queued` now, attempts reset to 0 (so it gets its full
    /// `maxAttempts` again), result, error, progress, steps and provider state cleared, and a landing that
    /// was not applied forgotten (an applied one stays: a job lands at most once). Nil when there is no such
    /// job in those states.
    public func retry(id: UUID) async throws -> JobRecord? {
        let rows = try await database.client.query(
            """
            WITH j AS (
                UPDATE jobs SET status = 'queued', attempts = 0, run_after = now(), cancel_requested = false,
                    result = NULL, error = NULL, progress = 0, steps = '[]'::jsonb, provider_state = NULL,
                    heartbeat_at = NULL, locked_by = NULL, started_at = NULL, finished_at = NULL, updated_at = now()
                WHERE id = \(id) AND status IN ('failed', 'cancelled')
                RETURNING *
            ), forget AS (DELETE FROM job_landings l USING j WHERE l.job_id = j.id AND l.status <> 'applied')
            \(unescaped: Self.changed(event: "retried", wake: true))
            """,
            logger: database.logger
        )
        return try await Self.records(rows).first
    }

    // MARK: Landings

    /// Records the landing of a job (JSON text) unless one exists (`ON CONFLICT (job_id) DO NOTHING`), and
    /// wakes the appliers. Returns the landing as stored: the first one wins.
    public func insertLanding(jobID: UUID, projectID: UUID?, payload: String) async throws -> JobLandingRecord {
        try await database.client.query(
            """
            WITH l AS (
                INSERT INTO job_landings (job_id, project_id, payload) VALUES (\(jobID), \(projectID), \(payload)::jsonb)
                ON CONFLICT (job_id) DO NOTHING RETURNING job_id
            )
            SELECT pg_notify('\(unescaped: Channel.landingPending)', job_id::text) FROM l
            """,
            logger: database.logger
        )
        guard let landing = try await landing(jobID: jobID) else { throw StorageError(.notFound, "the landing vanished") }
        return landing
    }

    /// The landing of a job.
    public func landing(jobID: UUID) async throws -> JobLandingRecord? {
        let rows = try await database.client.query(
            "SELECT job_id, project_id, payload::text, status, outcome::text, claims FROM job_landings WHERE job_id = \(jobID)",
            logger: database.logger
        )
        return try await Self.landings(rows).first
    }

    /// Claims a pending landing to apply it: the one of `jobID`, or else the oldest whose job is running and
    /// not being cancelled. A claim older than `lapsedAfter` seconds (its claimer died) may be claimed again;
    /// then `claims` is above 1.
    public func claimLanding(jobID: UUID?, claimer: String, lapsedAfter: Double) async throws -> JobLandingRecord? {
        let rows = try await database.client.query(
            """
            WITH next AS (
                SELECT l.job_id FROM job_landings l JOIN jobs j ON j.id = l.job_id
                WHERE l.status = 'pending' AND (\(jobID)::uuid IS NULL OR l.job_id = \(jobID)::uuid)
                  AND (l.claimed_at IS NULL OR l.claimed_at < now() - make_interval(secs => \(lapsedAfter)::float8))
                  AND j.status = 'running' AND NOT j.cancel_requested
                ORDER BY l.created_at LIMIT 1 FOR UPDATE OF l SKIP LOCKED
            )
            UPDATE job_landings l SET claimed_by = \(claimer), claimed_at = now(), claims = claims + 1, updated_at = now()
            FROM next WHERE l.job_id = next.job_id
            RETURNING l.job_id, l.project_id, l.payload::text, l.status, l.outcome::text, l.claims
            """,
            logger: database.logger
        )
        return try await Self.landings(rows).first
    }

    /// Gives up a claim without an outcome (applying failed; it will be tried again).
    public func releaseLanding(jobID: UUID, claimer: String) async throws {
        try await database.client.query(
            "UPDATE job_landings SET claimed_by = NULL, claimed_at = NULL, updated_at = now() WHERE job_id = \(jobID) AND claimed_by = \(claimer) AND status = 'pending'",
            logger: database.logger
        )
    }

    /// Stores the outcome (JSON text) of a landing and notifies the waiting job.
    public func finishLanding(jobID: UUID, status: JobLandingRecord.Status, outcome: String) async throws {
        try await database.client.query(
            """
            WITH l AS (
                UPDATE job_landings SET status = \(status.rawValue), outcome = \(outcome)::jsonb, updated_at = now()
                WHERE job_id = \(jobID) AND status = 'pending' RETURNING job_id
            )
            SELECT pg_notify('\(unescaped: Channel.landingDone)', job_id::text) FROM l
            """,
            logger: database.logger
        )
    }

    /// Rejects the landing of a job if nobody applies it now (after a cancel).
    func rejectUnclaimedLanding(jobID: UUID, outcome: String) async throws {
        try await database.client.query(
            """
            UPDATE job_landings SET status = 'rejected', outcome = \(outcome)::jsonb, updated_at = now()
            WHERE job_id = \(jobID) AND status = 'pending' AND claimed_at IS NULL
            """,
            logger: database.logger
        )
    }

    // MARK: Decoding

    private static func records(_ rows: PostgresRowSequence) async throws -> [JobRecord] {
        var records: [JobRecord] = []
        for try await row in rows { records.append(try record(row.makeRandomAccess())) }
        return records
    }

    /// The job of a row whose columns from `first` on are ``columns``.
    static func record(_ row: PostgresRandomAccessRow, from first: Int = 0) throws -> JobRecord {
        let r = OffsetColumns(row: row, first: first)
        return JobRecord(
            id: try r[0].decode(UUID.self), projectID: try r[1].decode(UUID?.self), kind: try r[2].decode(String.self),
            params: try r[3].decode(String.self), status: JobRecord.Status(rawValue: try r[4].decode(String.self)) ?? .failed,
            steps: try r[5].decode(String.self), progress: try r[6].decode(Double.self), attempts: try r[7].decode(Int.self),
            maxAttempts: try r[8].decode(Int.self), runAfter: try r[9].decode(Date.self), heartbeatAt: try r[10].decode(Date?.self),
            lockedBy: try r[11].decode(String?.self), cancelRequested: try r[12].decode(Bool.self),
            result: try r[13].decode(String?.self), error: try r[14].decode(String?.self),
            timeoutSeconds: try r[15].decode(Double?.self), createdBy: try r[16].decode(UUID?.self),
            createdAt: try r[17].decode(Date.self), updatedAt: try r[18].decode(Date.self),
            startedAt: try r[19].decode(Date?.self), finishedAt: try r[20].decode(Date?.self)
        )
    }

    /// The cells of a row, counted from `first`.
    private struct OffsetColumns {
        let row: PostgresRandomAccessRow
        let first: Int
        subscript(index: Int) -> PostgresCell { row[first + index] }
    }

    private static func landings(_ rows: PostgresRowSequence) async throws -> [JobLandingRecord] {
        try await rows.decode((UUID, UUID?, String, String, String?, Int).self).all().map {
            JobLandingRecord(
                jobID: $0.0, projectID: $0.1, payload: $0.2, status: JobLandingRecord.Status(rawValue: $0.3) ?? .pending,
                outcome: $0.4, claims: $0.5
            )
        }
    }
}
