extension Migration {
    /// Version 2: what the job queue needs beyond the tables of version 1.
    ///
    /// - `jobs.timeout_seconds`: a per-job timeout that overrides the handler's;
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
            "CREATE INDEX jobs_project_status_idx ON jobs (project_id, status, created_at DESC)",
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
