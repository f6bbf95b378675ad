extension Migration {
    /// Version 1: users and sessions, projects and members, the document update log, checkpoints,
    /// versions, assets, jobs and job events.
    static let initialSchema = Migration(
        version: 1,
        name: "initial_schema",
        statements: [
            """
            CREATE TABLE users (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                email           text NOT NULL,
                display_name    text NOT NULL,
                password_hash   text NOT NULL,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now()
            )
            """,
            // Emails are stored normalised (trimmed, lower-cased) by the application; the unique index
            // on lower() also guards rows written by hand.
            "CREATE UNIQUE INDEX users_email_key ON users (lower(email))",
            """
            CREATE TABLE refresh_tokens (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                family_id       uuid NOT NULL,
                token_hash      bytea NOT NULL UNIQUE,
                created_at      timestamptz NOT NULL DEFAULT now(),
                expires_at      timestamptz NOT NULL,
                used_at         timestamptz,
                revoked_at      timestamptz
            )
            """,
            "CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)",
            "CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)",
            """
            CREATE TABLE projects (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                name            text NOT NULL,
                settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now(),
                deleted_at      timestamptz
            )
            """,
            """
            CREATE TABLE project_members (
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role            text NOT NULL CHECK (role IN ('owner', 'editor', 'commenter', 'viewer')),
                added_at        timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, user_id)
            )
            """,
            "CREATE INDEX project_members_user_idx ON project_members (user_id)",
            // The append-only CRDT update log: one row per accepted Yjs update, numbered per project.
            """
            CREATE TABLE document_updates (
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                seq             bigint NOT NULL,
                payload         bytea NOT NULL,
                author_id       uuid REFERENCES users (id) ON DELETE SET NULL,
                client_id       bigint,
                origin          text NOT NULL DEFAULT 'sync',
                created_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, seq)
            )
            """,
            // The merged document state up to and including `seq`: a room loads the latest checkpoint plus the log tail.
            """
            CREATE TABLE document_checkpoints (
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                seq             bigint NOT NULL,
                state           bytea NOT NULL,
                state_vector    bytea NOT NULL,
                created_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, seq)
            )
            """,
            """
            CREATE TABLE versions (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                seq             bigint NOT NULL,
                kind            text NOT NULL CHECK (kind IN ('auto', 'named', 'restore')),
                label           text,
                state           bytea NOT NULL,
                state_vector    bytea NOT NULL,
                created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
                created_at      timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX versions_project_idx ON versions (project_id, created_at DESC)",
            // Media blobs are stored by content hash in the blob store; this is their metadata.
            """
            CREATE TABLE assets (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                kind            text NOT NULL CHECK (kind IN ('video', 'audio', 'image', 'text')),
                name            text NOT NULL,
                status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
                blob_key        text,
                media_type      text,
                byte_size       bigint,
                metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
                origin_job_id   uuid,
                created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX assets_project_idx ON assets (project_id, created_at DESC)",
            "CREATE INDEX assets_blob_idx ON assets (blob_key)",
            """
            CREATE TABLE jobs (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id      uuid REFERENCES projects (id) ON DELETE CASCADE,
                kind            text NOT NULL,
                params          jsonb NOT NULL DEFAULT '{}'::jsonb,
                status          text NOT NULL DEFAULT 'queued'
                                CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                steps           jsonb NOT NULL DEFAULT '[]'::jsonb,
                progress        double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
                attempts        integer NOT NULL DEFAULT 0,
                max_attempts    integer NOT NULL DEFAULT 3,
                run_after       timestamptz NOT NULL DEFAULT now(),
                heartbeat_at    timestamptz,
                locked_by       text,
                cancel_requested boolean NOT NULL DEFAULT false,
                result          jsonb,
                error           jsonb,
                created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now(),
                started_at      timestamptz,
                finished_at     timestamptz
            )
            """,
            // Workers claim the oldest runnable job; running jobs are scanned for lapsed heartbeats.
            "CREATE INDEX jobs_queue_idx ON jobs (run_after, created_at) WHERE status = 'queued'",
            "CREATE INDEX jobs_running_idx ON jobs (heartbeat_at) WHERE status = 'running'",
            "CREATE INDEX jobs_project_idx ON jobs (project_id, created_at DESC)",
            """
            CREATE TABLE job_events (
                id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job_id          uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                kind            text NOT NULL,
                data            jsonb NOT NULL DEFAULT '{}'::jsonb,
                created_at      timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX job_events_job_idx ON job_events (job_id, id)",
        ]
    )
}
