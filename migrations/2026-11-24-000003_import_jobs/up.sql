-- CSV imports run in the background inside one transaction; this row reports progress
-- from outside it.
CREATE TABLE import_jobs (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    total_rows integer NOT NULL,
    processed_rows integer NOT NULL DEFAULT 0,
    created integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    skipped integer NOT NULL DEFAULT 0,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX import_jobs_account_idx ON import_jobs (account_id, created_at DESC);
