-- An import or a dry run holds a slot from before its body is read until it has become a
-- running job or has answered, so the per-account cap (IMPORT_MAX_RUNNING) counts uploads in
-- flight and dry runs as well as running jobs. A slot left by a crashed server stops counting
-- after a while (see contacts::imports).
CREATE TABLE import_slots (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    taken_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_slots_account_idx ON import_slots (account_id);
