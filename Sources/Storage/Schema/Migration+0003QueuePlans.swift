extension Migration {
    /// Version 3: the claim's candidate scan as PL/pgSQL.
    ///
    /// Version 2's `editbay_due_jobs` was a SQL function whose `SET` clauses keep it from being inlined, so
    /// PostgreSQL planned its query again on every claim (a SQL function's plan lives only for one call).
    /// PL/pgSQL caches the plan for the session, which took a fifth of the database's CPU off every claim
    /// under load. Same name, arguments, result and pinned plan settings.
    static let queuePlans = Migration(
        version: 3,
        name: "queue plans",
        statements: [
            """
            CREATE OR REPLACE FUNCTION editbay_due_jobs(job_kinds text[], max_jobs integer)
            RETURNS TABLE (id uuid, kind text, run_after timestamptz, created_at timestamptz)
            LANGUAGE plpgsql VOLATILE
            SET enable_bitmapscan = off SET enable_seqscan = off SET enable_sort = off
            AS $$
            BEGIN
                RETURN QUERY
                SELECT j.id, j.kind, j.run_after, j.created_at FROM jobs j
                WHERE j.status = 'queued' AND j.run_after <= now() AND j.kind = ANY(job_kinds)
                ORDER BY j.run_after, j.created_at
                LIMIT max_jobs
                FOR UPDATE OF j SKIP LOCKED;
            END
            $$
            """
        ]
    )
}
