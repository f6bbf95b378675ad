extension Migration {
    /// Version 2: what the job queue needs beyond the tables of version 1.
    ///
    /// - `jobs.timeout_seconds`: a per-job timeout that overrides the handler's;
    /// - `editbay_due_jobs`: the claim's candidate scan, with its plan pinned;
    /// - `jobs.provider_state`: what a provider handed back (e.g. its prediction id), saved before polling so a
    ///   job that runs again resumes instead of paying twice;
    /// - `job_landings`: the output of a job, landed at most once (keyed by the job), claimed by whoever
    ///   applies it (the worker itself when it runs the rooms, else a serve process).
    static let jobs = Migration(
        version: 2,
        name: "jobs",
        statements: [
            "ALTER TABLE jobs ADD COLUMN timeout_seconds double precision CHECK (timeout_seconds > 0)",
            "ALTER TABLE jobs ADD COLUMN provider_state jsonb",
            // A queue table churns: keep its statistics and dead tuples in check.
            """
            ALTER TABLE jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
                                  autovacuum_vacuum_threshold = 200, autovacuum_analyze_threshold = 200)
            """,
            // The due queued jobs of some kinds, oldest first, locked (SKIP LOCKED). A function only to pin the
            // plan to the ordered scan of jobs_queue_idx: with stale statistics (a fresh or just-analysed-empty
            // table) the planner otherwise picks a bitmap scan plus a sort of the whole queue for every claim.
            """
            CREATE FUNCTION editbay_due_jobs(job_kinds text[], max_jobs integer)
            RETURNS TABLE (id uuid, kind text, run_after timestamptz, created_at timestamptz)
            LANGUAGE sql VOLATILE
            SET enable_bitmapscan = off SET enable_seqscan = off SET enable_sort = off
            AS $$
                SELECT j.id, j.kind, j.run_after, j.created_at FROM jobs j
                WHERE j.status = 'queued' AND j.run_after <= now() AND j.kind = ANY(job_kinds)
                ORDER BY j.run_after, j.created_at
                LIMIT max_jobs
                FOR UPDATE SKIP LOCKED
            $$
            """,
            """
            CREATE TABLE job_landings (
                job_id          uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
                project_id      uuid REFERENCES projects (id) ON DELETE CASCADE,
                payload         jsonb NOT NULL,
                status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected')),
                outcome         jsonb,
                claimed_by      text,
                claimed_at      timestamptz,
                claims          integer NOT NULL DEFAULT 0,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX job_landings_pending_idx ON job_landings (created_at) WHERE status = 'pending'",
        ]
    )
}
