extension Migration {
    /// Version 4: which job status each job's placeholder asset was last brought in step with.
    ///
    /// Every `editbay serve` node hears each job change through `NOTIFY`; with several nodes on one database,
    /// the node that records the new status here first is the one that edits the placeholder, so a change
    /// costs one edit (and one room load), not one per node.
    static let placeholderFollows = Migration(
        version: 4,
        name: "placeholder follows",
        statements: [
            """
            CREATE TABLE job_placeholder_follows (
                job_id uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
                status text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """
        ]
    )
}
